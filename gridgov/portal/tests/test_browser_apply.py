"""On a phone (390×844): a resident signs in, finds an item in the service guide, applies online
with a photographed material, sees the application in 我的办件, and after the community
finishes it (through the services actions) rates it. axe-core on the new pages."""

import io
import os

import pytest
from django.urls import reverse

from .conftest import COMMUNITY
from .test_browser import AXE, OVERFLOW, _axe

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _png(path):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 90, 160)).save(buf, "PNG")
    path.write_bytes(buf.getvalue())
    return str(path)


def test_resident_applies_online_tracks_and_rates(phone_page, _browser, live_server, verified, make_user, tree,
                                                  tmp_path):
    from gridgov.accounts.models import Department
    from gridgov.core import clock
    from gridgov.services import actions, catalogue_data
    from gridgov.services.models import Application, Rating, ServiceItem, ServiceItemVersion

    catalogue_data.seed(ServiceItem, ServiceItemVersion, Department, clock.now())  # a flush may have emptied it
    clerk = make_user("service_counter", tree[COMMUNITY], username="clerk-web")
    page = phone_page
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(page.base_url + reverse("portal:login"))
    page.fill("#id_username", "13800001111")
    page.fill("#id_password", "Resident-2026")
    page.click("main button[type=submit]")
    page.wait_for_url("**/c/me/**")
    # find the item in the guide
    page.goto(page.base_url + reverse("portal:guide", args=[COMMUNITY]))
    page.fill("#guide-q", "异地就医")
    page.click("form[role=search] button")
    page.click("#guide-items a:has-text('异地就医备案')")
    page.wait_for_selector("#item-materials")
    assert "居民身份证" in page.inner_text("#item-materials")
    assert page.evaluate(OVERFLOW) <= 0
    page.click("#apply-link")
    page.wait_for_selector("#apply-form")
    assert page.input_value("#id_f_name") == "李居民"  # from the registry, locked
    page.fill("#id_f_phone", "13800001111")
    page.fill("#id_f_place", "广东省广州市")
    page.select_option("#id_f_reason", index=1)
    page.set_input_files("#id_m_m1", _png(tmp_path / "id-card.png"))
    assert page.evaluate(OVERFLOW) <= 0
    with page.expect_navigation():
        page.click("#apply-submit")
    app = Application.objects.get()
    assert f"/c/me/applications/{app.number}/" in page.url, page.content()[-2000:]
    assert app.channel == "web" and app.attachments.count() == 1
    # 我的办件
    page.goto(page.base_url + reverse("portal:my_applications"))
    assert app.number in page.inner_text("#my-applications") and "待受理" in page.inner_text("#my-applications")
    # the community accepts and finishes it
    actions.accept_application(actor=clerk, application=app)
    actions.complete_application(actor=clerk, application=app, result="approved", note="已备案")
    page.click(f"a[href$='/c/me/applications/{app.number}/']")
    page.wait_for_selector("#rate-form")
    assert "已办结" in page.inner_text("#app-state") and "办理结果：准予" in page.inner_text("#app-events")
    page.check("#rate-form input[name=level][value='5']")
    page.fill("#id_comment", "网上就办好了")
    page.click("#rate-submit")
    page.wait_for_selector("#my-rating")
    rating = Rating.objects.get()
    assert (rating.level, rating.channel) == (5, "web")
    assert page.evaluate(OVERFLOW) <= 0
    assert not errors, errors
    # axe-core: the guide, an item, the apply form, 我的办件 and the detail
    if not AXE.exists():
        pytest.skip("axe-core is not installed")
    context = _browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True, locale="zh-CN")
    context.add_cookies(page.context.cookies())
    axe_page = context.new_page()
    axe_page.base_url = live_server.url
    urls = [reverse("portal:guide", args=[COMMUNITY]), reverse("portal:guide_item", args=[COMMUNITY, "YB003"]),
            reverse("portal:apply", args=[COMMUNITY, "YB003"]), reverse("portal:my_applications"),
            reverse("portal:my_application", args=[app.number])]
    found = []
    for url in urls:
        found += [f"{url}: {v}" for v in _axe(axe_page, url)]
    context.close()
    assert not found, "\n".join(found)
