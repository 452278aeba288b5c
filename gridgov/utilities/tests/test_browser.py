"""The utilities pages in Chromium at 390×844: no sideways scroll, no console error; the
counter takes cash and the public look-up pays through the sandbox page."""

import pytest

from gridgov.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

OVERFLOW = "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth"


def _watch(page):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_pages_fit_a_phone_and_pay(phone_page, house, make_account, make_bill, make_user, tree, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.UTILITIES_SANDBOX_AUTO_CONFIRM = False
    from gridgov.utilities.models import Bill, Payment

    account = make_account(house, "water", "W500")
    make_bill(account, "2026-09", 4530)
    bill = make_bill(account, "2026-10", 5120)
    make_user("utility_operator", tree["430702000000"], username="ubrowser")
    page, errors = phone_page, _watch(phone_page)
    login(page, "ubrowser")
    for path in ["/utilities/", "/utilities/accounts/", "/utilities/payments/", "/utilities/utilities/",
                 "/utilities/import/", "/utilities/reconciliation/", f"/utilities/bills/{bill.pk}/",
                 f"/utilities/accounts/{account.pk}/", "/utilities/counter/?account_no=W500"]:
        page.goto(page.base_url + path)
        assert page.evaluate(OVERFLOW) <= 0, path
    page.click("text=已收现金，确认缴费")
    page.wait_for_load_state("networkidle")
    assert "缴费 #" in page.content() and page.evaluate(OVERFLOW) <= 0
    assert Payment.objects.get().amount_fen == 9650
    assert errors == [], errors
    Bill.objects.update(status="unpaid", payment=None)
    page.context.clear_cookies()
    page.goto(page.base_url + "/utilities/pay/?account_no=W500")
    assert "51.20" in page.content() and page.evaluate(OVERFLOW) <= 0
    page.click("text=去支付")
    page.wait_for_load_state("networkidle")
    page.click("text=模拟支付成功")
    page.wait_for_load_state("networkidle")
    assert "缴费成功" in page.content() and page.evaluate(OVERFLOW) <= 0
    assert errors == [], errors
