"""A grid worker's full visit round on a phone (390×844)."""

import os

import pytest
from playwright.sync_api import expect

from gridgov.conftest import login
from gridgov.registry.models import ChangeRequest, Person, Visit

from .conftest import A1

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# body are still synchronous (the same setting the shared fixtures use).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.mark.browser
def test_phone_visit_round(phone_page, place, grid_worker):
    page = phone_page
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"longitude": 111.6985, "latitude": 29.0402})
    login(page, "gw-test")
    # my grid → my buildings
    page.goto(page.base_url + "/registry/m/")
    page.click("#m-buildings a >> nth=0")
    # floor plan → house 1-101
    page.click("a.house-cell:has-text('101')")
    page.wait_for_selector("#m-visit")
    # record a visit with GPS
    page.click("#m-visit")
    expect(page.locator("#id_lng")).not_to_have_value("")  # (wait_for_function evaluates strings: CSP forbids)
    page.fill("#id_note", "入户走访，老人身体状况良好，反映楼道灯不亮")
    page.click("#visit-submit")
    page.wait_for_selector("text=走访已记录")
    visit = Visit.objects.get()
    assert visit.worker == grid_worker and abs(visit.lng - 111.6985) < 1e-4 and visit.house.room == "101"
    # flag a change of the house for review
    page.click("#m-change")
    page.fill("#id_summary", "该户已出租")
    page.select_option("#id_field", "status")
    page.fill("#id_value", "rented")
    page.click("#change-form button[type=submit]")
    page.wait_for_selector("text=变更已提交审核")
    assert ChangeRequest.objects.get().status == "pending"
    # move-out of the spouse
    spouse = place[A1]["spouse"]
    page.click(f"a[href='/registry/persons/{spouse.pk}/move_out/?next=/registry/m/houses/{visit.house_id}/']")
    page.fill("#id_destination", "长沙市岳麓区")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=迁出登记已完成")
    assert Person.objects.get(pk=spouse.pk).status == "moved_out"
    # the page fits the phone: no horizontal scrolling of the document
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1


@pytest.mark.browser
def test_search_is_a_get_url_but_a_full_id_is_posted(phone_page, place, grid_worker):
    """综合查询: a name or address lands on a shareable URL; a full ID number is posted by the
    page's script and never appears in the URL."""
    from .conftest import rid

    page = phone_page
    login(page, "gw-test")
    page.goto(page.base_url + "/registry/search/")
    page.fill("#registry-search input[name=q]", "测试路1号")
    page.click("#registry-search button[type=submit]")
    page.wait_for_url("**/registry/search/?q=*")
    assert "测试楼1" in page.content()
    page.fill("#registry-search input[name=q]", rid(11))
    page.click("#registry-search button[type=submit]")
    page.wait_for_load_state()
    expect(page.locator("text=张三").first).to_be_visible()
    assert rid(11) not in page.url and "?q=" not in page.url
