"""On a phone (390×844): a resident orders home elderly care for his mother with her subsidy,
the provider accepts, checks in and out on its phone page, and the son rates the order. Then
axe-core on the care pages (the resident's, in normal and 长辈 mode, the provider's and staff's):
0 serious or critical violations."""

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings

from gridgov.care import actions
from gridgov.care.models import Order
from gridgov.core import clock

from .conftest import RESIDENT_PASSWORD, RESIDENT_PHONE, A

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
OVERFLOW = "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth"


def test_resident_orders_care_for_a_parent_provider_completes_and_the_son_rates(
        phone_page, _browser, live_server, family, staff, providers, items, provider_user, tree):
    page = phone_page
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    actions.save_subsidy_rule(actor=staff, division=tree[A], data={
        "name": "高龄老人居家养老服务补贴", "min_age": 80, "monthly_minutes": 480})
    # the son signs in on the community website and orders 居家保洁 for his mother
    page.goto(page.base_url + "/c/login/")
    page.fill("#id_username", RESIDENT_PHONE)
    page.fill("#id_password", RESIDENT_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/c/me/**")
    page.goto(page.base_url + f"/c/{A}/care/")
    assert page.evaluate(OVERFLOW) <= 0
    page.click(f"a[href='/c/{A}/care/providers/{providers['care'].pk}/']")
    page.select_option("#id_person", str(family["elder"].pk))
    page.fill(f"#id_qty_{items['clean'].pk}", "2")
    page.fill("#id_date", (clock.today() + datetime.timedelta(days=2)).isoformat())
    page.select_option("#id_window", "08:00-10:00")
    page.fill("#id_address", "A社区1栋101")
    page.select_option("#id_subsidy_rule", label="高龄老人居家养老服务补贴")
    assert page.evaluate(OVERFLOW) <= 0
    page.click("#submit-order")
    page.wait_for_url("**/care/mine/*/")
    order = Order.objects.get()
    assert order.person == family["elder"] and order.subsidy_minutes == 120 and order.subsidy_fen == 8000
    # the provider, on its phone, takes the order and checks in and out at the home
    context = page.context.browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                               has_touch=True, locale="zh-CN", timezone_id="Asia/Shanghai",
                                               geolocation={"longitude": 111.7012, "latitude": 29.0401},
                                               permissions=["geolocation"])
    worker = context.new_page()
    worker.goto(page.base_url + "/accounts/login/")
    worker.fill("#id_username", provider_user.username)
    worker.fill("#id_password", "Passw0rd-test-9")
    worker.click("main button[type=submit]")
    worker.wait_for_url(lambda u: "/accounts/login" not in u)
    worker.goto(page.base_url + f"/care/orders/{order.pk}/")
    worker.fill("#id_worker_name", "李阿姨")
    worker.click("form[action$='/accept/'] button[type=submit]")
    worker.wait_for_selector("form[action$='/check_in/']")
    for _ in range(50):  # the position arrives asynchronously (no wait_for_function under the CSP)
        if worker.locator("form[action$='/check_in/'] [data-geo=lng]").input_value():
            break
        worker.wait_for_timeout(100)
    worker.click("form[action$='/check_in/'] button[type=submit]")
    worker.wait_for_selector("form[action$='/check_out/']")
    worker.fill("#id_note", "已打扫客厅和厨房")
    worker.click("form[action$='/check_out/'] button[type=submit]")
    worker.wait_for_selector("text=已完成")
    assert worker.evaluate(OVERFLOW) <= 0
    order.refresh_from_db()
    assert order.status == "done" and order.worker_name == "李阿姨"
    assert order.checkin_lng == pytest.approx(111.7012) and order.checkin_at and order.checkout_at
    context.close()
    # the son rates it
    page.goto(page.base_url + f"/c/{A}/care/mine/{order.pk}/")
    page.check("#rate-form input[value='5']")
    page.fill("#id_comment", "李阿姨很细心")
    page.click("#rate-form button[type=submit]")
    page.wait_for_selector("text=感谢您的评价")
    order.refresh_from_db()
    assert order.rating == 5
    assert page.evaluate(OVERFLOW) <= 0
    assert not errors, errors

    # axe-core on the care pages (a context that lets the axe script in)
    if not AXE.exists():
        pytest.skip("axe-core is not installed")
    found = []
    resident_urls = [f"/c/{A}/care/", f"/c/{A}/care/providers/{providers['care'].pk}/", f"/c/{A}/care/mine/",
                     f"/c/{A}/care/mine/{order.pk}/", f"/c/{A}/care/doctors/"]
    context = _browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True, locale="zh-CN")
    context.add_cookies(page.context.cookies())
    axe_page = context.new_page()
    for elder in (False, True):
        if elder:
            context.add_cookies([{"name": "elder", "value": "1", "url": live_server.url}])
        found += [f"{'长辈 ' if elder else ''}{url}: {v}" for url in resident_urls
                  for v in _axe(axe_page, live_server.url + url)]
    context.close()
    for user, password, urls in (
            (provider_user.username, "Passw0rd-test-9", [f"/care/orders/{order.pk}/", "/care/orders/"]),
            (staff.username, "Passw0rd-test", ["/care/orders/", f"/care/orders/{order.pk}/", "/care/providers/",
                                               f"/care/providers/{providers['care'].pk}/", "/care/rules/",
                                               "/care/appointments/", "/care/settlements/"])):
        context = _browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True, locale="zh-CN")
        axe_page = context.new_page()
        axe_page.goto(live_server.url + "/accounts/login/")
        axe_page.fill("#id_username", user)
        axe_page.fill("#id_password", password)
        axe_page.click("main button[type=submit]")
        axe_page.wait_for_url(lambda u: "/accounts/login" not in u)
        found += [f"{user} {url}: {v}" for url in urls for v in _axe(axe_page, live_server.url + url)]
        context.close()
    assert not found, "\n".join(found)


def _axe(page, url):
    page.goto(url, wait_until="load")
    page.evaluate(AXE.read_text())
    return page.evaluate("""async () => {
      const r = await axe.run(document, {resultTypes: ['violations']});
      return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`);
    }""")
