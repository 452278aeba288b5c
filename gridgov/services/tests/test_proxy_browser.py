"""Browser: a proxy need (双代) from record to delivery. The grid worker records it on the phone,
the branch secretary assigns it, the member files the application with the 委托书 photo and,
once the community has completed it, delivers the certificate home with the resident's
confirmation; the verified service record then shows on the member's party page."""

import io

import pytest

from gridgov.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _png_bytes():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (80, 60), (220, 40, 40)).save(buf, format="PNG")
    return buf.getvalue()


def test_proxy_need_from_record_to_delivery(django_db_setup, phone_page, browser_page, party, grid_worker_a,
                                            make_person, catalogue, admin_user):
    from gridgov.party.models import RolePost, ScoringRule, ServiceItem
    from gridgov.party.seed import seed
    from gridgov.services import actions
    from gridgov.services.choices import Result
    from gridgov.services.models import ProxyNeed

    seed(RolePost, ServiceItem, ScoringRule)
    elder = make_person(name="王奶奶", age=85, tags=("elderly_alone",))
    member = party["member"](name="刘党员")
    png = {"name": "photo.png", "mimeType": "image/png", "buffer": _png_bytes()}
    page = phone_page

    # the grid worker records the need on the phone
    login(page, grid_worker_a.username)
    page.goto(page.base_url + "/services/proxy/new/")
    page.fill("#p-q", "王")
    page.click("button:has-text('查找')")
    page.click("[data-testid=care-persons] a:has-text('王奶奶')")
    page.fill("textarea[name=description]", "独居行动不便，需代办老年人优待证并送证上门")
    page.select_option("select[name=item]", label="MZ001 老年人优待证办理")
    page.check("input[name=source][value=grid_worker]")
    page.click("[data-testid=record-need]")
    page.wait_for_selector("text=双代需求已登记")
    need = ProxyNeed.objects.get(person=elder)

    # the branch secretary assigns it; the member's name is among the suggestions
    desk = browser_page
    login(desk, party["secretary"].username)
    desk.goto(desk.base_url + "/services/proxy/assign/")
    desk.select_option(f"#m-{need.pk}", value=str(member.pk))
    desk.click(f"[data-testid=assign-{need.pk}]")
    desk.wait_for_selector("text=已分派给刘党员")

    # the member sees the task on 我的双代任务 and files the application
    page.context.clear_cookies()
    login(page, member.user.username)
    page.goto(page.base_url + "/services/proxy/mine/")
    page.click("[data-testid=my-tasks] a:has-text('王奶奶')")
    assert "430702" not in page.inner_text("main")  # no ID number, not even masked
    page.click("[data-testid=file-need]")
    for box in page.locator("input[name=materials]").all():
        box.check()
    page.click("[data-testid=submit-proxy]")
    page.wait_for_selector("text=请上传")  # the 委托书 photo is required
    for box in page.locator("input[name=materials]").all():
        box.check()
    page.set_input_files("input[name=mandate_photo]", png)
    page.click("[data-testid=submit-proxy]")
    page.wait_for_selector("text=已代为提交申请")
    need.refresh_from_db()
    assert need.state == "filed" and need.application.channel == "proxy"

    # the community accepts and completes it (the counter's part)
    app = actions.accept_application(actor=admin_user, application=need.application)
    actions.complete_application(actor=admin_user, application=app, result=Result.APPROVED, note="准予办理")

    # the member delivers it home with the resident's confirmation
    page.goto(page.base_url + f"/services/proxy/{need.pk}/")
    page.set_input_files("input[name=photo]", png)
    page.fill("input[name=confirmed_by]", "王奶奶")
    page.check("input[name=confirmed]")
    page.click("[data-testid=deliver]")
    page.wait_for_selector("text=送达确认已提交")
    assert page.inner_text("[data-testid=need-state]") == "已送达"

    # the verified party service record on the member's party page
    page.goto(page.base_url + "/party/me/")
    records = page.inner_text("#my-activities")
    assert "代办服务事项" in records and "已核实" in records
