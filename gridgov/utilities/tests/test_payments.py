"""Payments: idempotency, the providers, signed callbacks (forged and replayed ones are rejected
and audited), refunds."""

import json

import pytest

from gridgov.core.models import AuditEntry
from gridgov.utilities import actions, queries
from gridgov.utilities.models import Bill, Payment, PaymentEvent, ProviderRecord
from gridgov.utilities.providers import get_provider
from gridgov.utilities.providers.base import MAX_SKEW


@pytest.fixture
def bills(house, make_account, make_bill):
    water, power = make_account(house, "water"), make_account(house, "power")
    return [make_bill(water, "2026-09", 4530), make_bill(water, "2026-10", 5120), make_bill(power, "2026-10", 16088)]


def test_lookup_by_account_and_house(bills, house, other_house):
    found = queries.bills_for_account(bills[0].account.account_no)
    assert [b.period for b in found] == ["2026-09", "2026-10"]
    assert len(queries.bills_for_house(house)) == 3
    assert queries.bills_for_house(other_house) == [] and queries.bills_for_account("NOPE") == []
    shown = queries.public_bill(found[0])
    assert shown["amount_yuan"] == "45.30" and shown["holder"] == "张**" and "address" not in shown


def test_sandbox_page_flow_and_double_tap(bills, anon, settings):
    settings.UTILITIES_SANDBOX_AUTO_CONFIRM = False
    r = actions.start_payment(actor=anon, bills=bills[:2], provider="sandbox", idempotency_key="tap-1", channel="kiosk")
    assert r.created and r.next_url and r.payment.amount_fen == 4530 + 5120
    again = actions.start_payment(actor=anon, bills=bills[:2], provider="sandbox", idempotency_key="tap-1",
                                  channel="kiosk")
    assert not again.created and again.payment.pk == r.payment.pk
    with pytest.raises(actions.PaymentRefused, match="正在支付中"):
        actions.start_payment(actor=anon, bills=bills[:1], provider="sandbox", idempotency_key="tap-2", channel="kiosk")
    ok, reason = actions.sandbox_complete(actor=anon, payment=r.payment)
    assert ok, reason
    r.payment.refresh_from_db()
    assert r.payment.status == "succeeded" and r.payment.provider_txn_id.startswith("SBX")
    assert set(Bill.objects.filter(payment=r.payment).values_list("status", flat=True)) == {"paid"}
    with pytest.raises(actions.PaymentRefused, match="已缴清"):
        actions.start_payment(actor=anon, bills=bills[:1], provider="sandbox", idempotency_key="tap-3", channel="kiosk")
    assert Payment.objects.count() == 1


def test_counter_cash_needs_the_permission(bills, anon, make_user, tree):
    with pytest.raises(Exception, match="没有权限"):
        actions.start_payment(actor=anon, bills=bills[2:], provider="cash", idempotency_key="c1", channel="counter")
    with pytest.raises(actions.PaymentRefused, match="只能在窗口"):
        actions.start_payment(actor=anon, bills=bills[2:], provider="cash", idempotency_key="c1", channel="kiosk")
    clerk = make_user("community_staff", tree["430702004001"])
    r = actions.start_payment(actor=clerk, bills=bills[2:], provider="cash", idempotency_key="c1", channel="counter")
    assert r.payment.status == "succeeded" and r.payment.provider_txn_id.startswith("CASH")
    assert ProviderRecord.objects.filter(provider="cash", txn_id=r.payment.provider_txn_id).exists()
    far = make_user("community_staff", tree["430702005001"])  # C社区: not the bill's community
    bills[0].refresh_from_db()
    with pytest.raises(Exception, match="没有权限"):
        actions.start_payment(actor=far, bills=bills[:1], provider="cash", idempotency_key="c2", channel="counter")


def _callback(payment, *, txn="T1", amount=None, **sign):
    prov = get_provider("sandbox")
    body = prov.callback_body(payment, txn_id=txn, amount_fen=amount)
    return body, prov.sign(body, **sign)


def test_signed_callback_forged_replayed_stale(bills, anon, settings):
    settings.UTILITIES_SANDBOX_AUTO_CONFIRM = False
    p = actions.start_payment(actor=anon, bills=bills[:1], provider="sandbox", idempotency_key="cb",
                              channel="web").payment
    body, headers = _callback(p)
    forged = dict(headers, **{"X-Gridgov-Signature": "0" * 64})
    assert actions.handle_callback(actor=anon, provider="sandbox", body=body, headers=forged) == (False, "回调签名无效")
    tampered = body.replace(b'"amount_fen":4530', b'"amount_fen":1')
    assert not actions.handle_callback(actor=anon, provider="sandbox", body=tampered, headers=headers)[0]
    stale_body, stale = _callback(p, timestamp=__import__("time").time() - MAX_SKEW - 60)
    assert actions.handle_callback(actor=anon, provider="sandbox", body=stale_body, headers=stale)[1] == "回调时间戳已过期"
    p.refresh_from_db()
    assert p.status == "pending"
    assert actions.handle_callback(actor=anon, provider="sandbox", body=body, headers=headers) == (True, "")
    ok, reason = actions.handle_callback(actor=anon, provider="sandbox", body=body, headers=headers)
    assert not ok and "重放" in reason
    retried_body, retried = _callback(p)  # the provider retries with a fresh nonce: still one payment
    assert actions.handle_callback(actor=anon, provider="sandbox", body=retried_body, headers=retried)[0]
    wrong_body, wrong = _callback(p, amount=1)
    assert not actions.handle_callback(actor=anon, provider="sandbox", body=wrong_body, headers=wrong)[0]
    p.refresh_from_db()
    assert p.status == "succeeded" and p.provider_txn_id == "T1" and Payment.objects.count() == 1
    rejected = AuditEntry.objects.filter(action="utilities.callback_rejected")
    assert rejected.count() == 5
    assert PaymentEvent.objects.filter(kind="callback_rejected").count() == 5
    assert PaymentEvent.objects.filter(payment=p, kind="confirmed").count() == 1


def test_callback_endpoint(client, bills, anon, settings):
    settings.UTILITIES_SANDBOX_AUTO_CONFIRM = False
    p = actions.start_payment(actor=anon, bills=bills[:1], provider="sandbox", idempotency_key="ep",
                              channel="web").payment
    body, headers = _callback(p, txn="EP1")
    http = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    r = client.post("/utilities/callback/sandbox/", body, content_type="application/json", **http)
    assert r.status_code == 200 and r.json() == {"ok": True, "reason": ""}
    r = client.post("/utilities/callback/sandbox/", body, content_type="application/json", **http)
    assert r.status_code == 400 and "重放" in r.json()["reason"]
    assert json.loads(body)["amount_fen"] == 4530


def test_refund_reopens_the_bills(bills, anon, make_user, tree, settings):
    settings.UTILITIES_SANDBOX_AUTO_CONFIRM = True
    p = actions.start_payment(actor=anon, bills=bills[:2], provider="sandbox", idempotency_key="rf",
                              channel="kiosk").payment
    assert p.status == "succeeded"
    with pytest.raises(Exception, match="没有权限"):
        actions.refund_payment(actor=make_user("community_staff", tree["430702004001"]), payment=p, reason="重复缴费")
    op = make_user("utility_operator", tree["430702000000"])
    refund = actions.refund_payment(actor=op, payment=p, reason="重复缴费")
    assert refund.amount_fen == p.amount_fen
    assert set(Bill.objects.filter(pk__in=[b.pk for b in bills[:2]]).values_list("status", flat=True)) == {"unpaid"}
    assert ProviderRecord.objects.get(txn_id=p.provider_txn_id).refunded
    with pytest.raises(actions.PaymentRefused):
        actions.refund_payment(actor=op, payment=p, reason="再退")
