"""A browser drives the closed loop: report → register/dispatch → accept/handle → verify →
close → the public page's rating."""

import os

import pytest

from gridgov.accounts.choices import RoleCode
from gridgov.conftest import login
from gridgov.core.testing import image_bytes

# Playwright's sync API runs an event loop in this thread; the ORM calls in fixtures need this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _act(page, name, note=None, files=None):
    page.click(f"#act-{name} summary")
    if note is not None:
        page.fill(f"#act-{name} textarea[name=note]", note)
    if files:
        page.set_input_files(f"#act-{name} input[name=photos]", files)
    page.click(f"#act-{name} button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".msg-success").count() or page.locator("#action-error").count() == 0


def _as(page, username):
    page.context.clear_cookies()
    login(page, username)


def test_closed_loop_in_the_browser(browser_page, make_user, tree, department):
    from gridgov.accounts.models import Department
    from gridgov.cases.models import Case

    page = browser_page
    cgj = Department.objects.get(code="cgj")
    make_user(RoleCode.GRID_WORKER, tree["430702004001001"], username="gw-b")
    make_user(RoleCode.STREET_STAFF, tree["430702004000"], username="street-b")
    make_user(RoleCode.DEPARTMENT_HANDLER, None, department=cgj, username="cgj-b")
    photo = {"name": "after.jpg", "mimeType": "image/jpeg", "buffer": image_bytes()}

    # the grid worker reports (暴露垃圾 → 城管局 by the class default)
    _as(page, "gw-b")
    page.goto(page.base_url + "/cases/report/")
    page.select_option("#id_category", label="暴露垃圾")
    page.fill("#id_title", "小区门口垃圾堆积")
    page.fill("#id_grid", "430702004001001")
    page.click("#report-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已上报" in page.content()
    detail = page.url
    case = Case.objects.get()

    _as(page, "street-b")
    page.goto(detail)
    _act(page, "register")
    _act(page, "dispatch")
    assert "区城市管理局" in page.content()

    _as(page, "cgj-b")
    page.goto(page.base_url + "/cases/queue/")
    page.click(f"text={case.number}")
    _act(page, "accept")
    _act(page, "handle", note="已清运", files=[photo])

    _as(page, "gw-b")
    page.goto(detail)
    _act(page, "verify_pass", note="现场已干净")

    _as(page, "street-b")
    page.goto(detail)
    _act(page, "close")
    assert "已结案" in page.content()

    page.context.clear_cookies()
    page.goto(page.base_url + f"/cases/public/t/{case.public_token}/")
    page.check("#rate-form input[value='5']")
    page.click("#rate-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "5 星" in page.content()
    case.refresh_from_db()
    assert case.state == "closed" and case.rating == 5
    assert list(case.events.values_list("kind", flat=True)) == [
        "report", "register", "dispatch", "accept", "handle", "verify_pass", "close", "rate"]
