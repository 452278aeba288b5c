"""A browser drives a counter clerk's day: a ticket at reception → call next → file for the
resident found in the registry (the form prefilled) → 受理 → 补正 → 补正完成 → 转办; the
department's approver approves; the clerk delivers; the resident rates 不满意 at the counter;
the clerk answers the rectification and records the call-back."""

import datetime
import os

import pytest

from gridgov.conftest import login
from gridgov.registry.identity import make_resident_id

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
A, GRID_A = "430702004001", "430702004001001"
RID = make_resident_id("430702", datetime.date(1950, 6, 7), 31)


@pytest.fixture
def setup(tree, admin_user, make_user):
    from gridgov.core.actors import system_actor
    from gridgov.registry import actions as registry
    from gridgov.services import actions
    from gridgov.services.models import ServiceItem

    if not ServiceItem.objects.exists():  # a flushing test ran before
        actions.load_default_catalogue(actor=system_actor())
    item = ServiceItem.objects.select_related("department").get(code="MZ004")  # 临时救助: forwarded to 民政
    group = actions.save_group(actor=admin_user, community=tree[A], name="综合受理", prefix="A")
    counter = actions.save_counter(actor=admin_user, community=tree[A], number=3, groups=[group])
    person = registry.register_person(actor=admin_user, grid=tree[GRID_A],
                                      data={"name": "张老三", "id_number": RID, "phone": "13807361234"})
    make_user("service_counter", tree[A], username="clerk-browser")
    make_user("service_approver", tree["430702000000"], department=item.department, username="approver-browser")
    return {"item": item, "counter": counter, "person": person}


def _click(page, selector):
    page.click(selector)
    page.wait_for_load_state("domcontentloaded")


def test_counter_clerk_from_ticket_to_rectification(browser_page, setup):
    from gridgov.services.models import Application, Rectification, Ticket

    page, base = browser_page, browser_page.base_url
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, "clerk-browser")

    # reception takes a ticket; the counter calls it
    page.goto(base + "/services/queue/")
    _click(page, "[data-testid=take-A]")
    assert "已取号：A001" in page.content()
    _click(page, "[data-testid=counter-3]")
    _click(page, "[data-testid=call-next]")
    assert page.inner_text("[data-testid=current-ticket]") == "A001"
    assert "请 A001 号到 3 号窗口" in page.content()

    # file for the resident found in the registry; the form is prefilled from the registry
    _click(page, "[data-testid=file-for-ticket]")
    page.fill("[data-testid=person-search]", "张老三")
    _click(page, "button:has-text('查找')")
    _click(page, "a.list-group-item:has-text('张老三')")
    _click(page, "a.list-group-item:has-text('临时救助申请')")
    assert page.input_value("#id_f_name") == "张老三"
    assert page.input_value("#id_f_phone").endswith("1234")
    page.select_option("#id_f_event", "突发疾病")
    page.fill("#id_f_amount", "3000")
    page.fill("#id_f_reason", "突发脑梗住院，家庭无力承担医疗费用")
    _click(page, "[data-testid=submit-application]")
    assert "缺少申请材料" in page.content()  # nothing ticked: the form names the missing materials
    assert not Application.objects.exists()
    for box in page.query_selector_all("input[name=materials]"):
        box.check()
    _click(page, "[data-testid=submit-application]")
    app = Application.objects.get()
    assert app.applicant_name == "张老三" and app.ticket_id == Ticket.objects.get(number="A001").pk
    assert page.inner_text("[data-testid=app-state]").startswith("待受理")

    # 受理 → 补正 (the clock pauses) → 补正完成 → 转办
    _click(page, "[data-testid=accept]")
    page.check("input[name=missing][value=m3]")
    page.fill("#c-note", "急难证明须加盖医院公章")
    _click(page, "[data-testid=request-correction]")
    app.refresh_from_db()
    assert app.state == "correction" and app.missing_materials == ["m3"] and app.paused_at
    _click(page, "[data-testid=corrected]")
    _click(page, "[data-testid=forward]")
    app.refresh_from_db()
    assert app.state == "review"

    # the counter finishes the ticket, linking the application
    page.goto(base + f"/services/queue/counter/{setup['counter'].pk}/")
    page.fill("input[name=application]", app.number)
    _click(page, "[data-testid=ticket-done]")
    assert Ticket.objects.get(number="A001").state == "done"

    # the department approves
    page.context.clear_cookies()
    login(page, "approver-browser")
    page.goto(base + "/services/review/")
    _click(page, f"a:has-text('{app.number}')")
    page.check("input[name=result][value=approved]")
    page.fill("textarea[name=note]", "同意救助 3000 元")
    _click(page, "[data-testid=complete]")
    app.refresh_from_db()
    assert app.state == "completed" and app.result == "approved"

    # the clerk delivers; the resident rates 不满意 at the counter
    page.context.clear_cookies()
    login(page, "clerk-browser")
    page.goto(base + app.get_absolute_url())
    page.check("input[name=method][value=pickup]")
    _click(page, "[data-testid=deliver]")
    for name in ("level", "efficiency", "quality", "attitude"):
        page.check(f"input[name={name}][value='2']")
    _click(page, "[data-testid=rate]")
    assert "差评请说明不满意的原因" in page.content()
    for name in ("level", "efficiency", "quality", "attitude"):
        page.check(f"input[name={name}][value='2']")
    page.fill("input[name=comment]", "来回跑了两趟")
    _click(page, "[data-testid=rate]")
    assert "不满意" in page.inner_text("[data-testid=rating]")

    # the rectification: answered, then the call-back record
    page.goto(base + "/services/rectifications/")
    page.fill("textarea[name=response]", "已对窗口人员进行一次性告知培训")
    _click(page, "[data-testid=rectify]")
    page.fill("textarea[name=note]", "电话回访张老三，对整改表示满意")
    page.check("input[name=satisfied]")
    _click(page, "[data-testid=callback]")
    rect = Rectification.objects.get()
    assert rect.state == "closed" and rect.callback_satisfied and "回访" in page.content()
    assert not errors, errors
