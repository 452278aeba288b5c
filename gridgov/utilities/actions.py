"""Every write of the utilities app (docs/architecture.md §4, “Writes go through actions”). The API the kiosk, the portal and the counter use:

    from gridgov.utilities import actions, queries

    queries.bills_for_account("W1000123")            # [Bill] open bills of an account number
    queries.bills_for_house(house)                   # [Bill] open bills of a registry house
    queries.public_bill(bill)                        # dict safe to show a payer

    r = actions.start_payment(actor=request.user, bills=[b1, b2], provider="sandbox",
                              idempotency_key=key_from_the_client, channel="kiosk")
    r.payment, r.created, r.next_url                 # next_url: the provider's page (sandbox)
    actions.confirm_payment(actor=..., payment=p, provider_txn_id="…", amount_fen=p.amount_fen)
    actions.handle_callback(actor=..., provider="sandbox", body=raw_bytes, headers=request.headers)
    actions.query_payment(actor=..., payment=p)      # ask the provider, settle if it was paid
    actions.refund_payment(actor=staff, payment=p, reason="…")

Idempotency: the client makes one key per intended payment (the kiosk: one per confirmation
screen) and sends it with every retry. `start_payment` returns the existing payment for a key
it has seen (`created=False`); the bills are locked (`select_for_update`, in id order) before a
payment is made, so a second attempt with another key finds them pending or paid and is
refused (`PaymentRefused`, a Chinese message). A retried callback confirms once; a forged or
replayed one is rejected and audited (`handle_callback` returns (False, reason)).

Public channels (kiosk, web) accept any actor including the anonymous visitor, with online
providers only; the counter needs `utilities.take_cash` over the bill's grid; refunds need
`utilities.refund_payment`.
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from gridgov.core import audit, clock
from gridgov.core.access import require
from gridgov.core.actors import action

from .choices import BillStatus, Channel, EventKind, PaymentStatus, RefundStatus
from .models import Bill, CallbackNonce, Payment, PaymentEvent, Refund
from .providers import CallbackRejected, ProviderError, get_provider

PENDING_TTL = datetime.timedelta(minutes=15)  # an unfinished online payment stops holding its bills


class PaymentRefused(Exception):
    """A payment cannot be started, confirmed or refunded; the message is Chinese."""


@dataclass
class StartResult:
    payment: Payment
    created: bool
    next_url: str = ""


def _event(payment, kind, actor, detail=None, *, provider="", division_code=None):
    return PaymentEvent.objects.create(
        payment=payment, provider=provider or (payment.provider if payment else ""), kind=kind, at=clock.now(),
        actor_name=audit.actor_label(actor), detail=detail or {},
        division_code=division_code if division_code is not None else (payment.division_code if payment else ""))


def _provider(code):
    from .providers import PaymentProvider

    if isinstance(code, PaymentProvider):  # a configured instance (the demo's auto-confirming sandbox)
        return code
    try:
        return get_provider(code)
    except KeyError:
        raise PaymentRefused("未知的支付渠道") from None


def _check_channel(actor, provider, channel, division_code):
    if channel == Channel.COUNTER:
        require(actor, "utilities.take_cash", division_code)
    elif channel in (Channel.KIOSK, Channel.WEB):
        if not provider.online:
            raise PaymentRefused(f"{provider.label}只能在窗口使用")
    else:
        raise PaymentRefused("未知的缴费渠道")


def _repeat(payment, ids, actor):
    """The same idempotency key again: the payment it made, never a second one."""
    mine = set(Bill.objects.filter(payment=payment).values_list("pk", flat=True))
    if payment.status in (PaymentStatus.PENDING, PaymentStatus.SUCCEEDED) and mine != set(ids):
        raise PaymentRefused("该幂等键已用于其他账单，请重新发起缴费")
    _event(payment, EventKind.REPEATED, actor, {"bills": sorted(ids)})
    next_url = _provider(payment.provider).next_url(payment) if payment.status == PaymentStatus.PENDING else ""
    return StartResult(payment, False, next_url)


def _expire(payment, actor):
    Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.EXPIRED)
    Bill.objects.filter(payment=payment, status=BillStatus.PENDING).update(status=BillStatus.UNPAID, payment=None)
    _event(payment, EventKind.EXPIRED, actor)


@action
def start_payment(*, actor, bills, provider, idempotency_key, channel, payer_name=""):
    """Start (or, for a key seen before, return) the payment of `bills` (Bill objects or ids,
    all in one grid). Returns StartResult; raises PaymentRefused with a Chinese reason."""
    key = str(idempotency_key or "").strip()
    if not key or len(key) > 64:
        raise PaymentRefused("缺少有效的幂等键（1–64 个字符）")
    ids = sorted({b.pk if isinstance(b, Bill) else int(b) for b in bills})
    if not ids:
        raise PaymentRefused("请选择要缴纳的账单")
    prov = _provider(provider)
    existing = Payment.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return _repeat(existing, ids, actor)
    locked = list(Bill.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(locked) != len(ids):
        raise PaymentRefused("账单不存在")
    existing = Payment.objects.filter(idempotency_key=key).first()  # committed while we waited
    if existing is not None:
        return _repeat(existing, ids, actor)
    codes = {b.division_code for b in locked}
    if len(codes) != 1:
        raise PaymentRefused("一次只能缴纳同一房屋（同一网格）的账单")
    code = codes.pop()
    _check_channel(actor, prov, channel, code)
    now = clock.now()
    pending = {b.payment_id for b in locked if b.status == BillStatus.PENDING and b.payment_id}
    stale = {p.pk: p for p in Payment.objects.filter(pk__in=pending)}
    for b in locked:
        if b.status == BillStatus.PAID:
            raise PaymentRefused(f"账单 {b.period}（{b.amount_yuan} 元）已缴清，无需重复缴费")
        if b.status == BillStatus.CANCELLED:
            raise PaymentRefused(f"账单 {b.period} 已作废")
        if b.status == BillStatus.PENDING:
            p = stale.get(b.payment_id)
            if p is not None and p.status == PaymentStatus.PENDING and now - p.created_at < PENDING_TTL:
                raise PaymentRefused(f"账单 {b.period} 正在支付中，请稍后再试")
            if p is not None and p.status == PaymentStatus.PENDING:
                _expire(p, actor)
    amount = sum(b.amount_fen for b in locked)
    if amount <= 0:
        raise PaymentRefused("缴费金额必须大于零")
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                idempotency_key=key, provider=prov.code, amount_fen=amount, status=PaymentStatus.PENDING,
                channel=channel, payer_name=(payer_name or "")[:50], division_code=code, created_at=now,
                created_by=actor if getattr(actor, "pk", None) and not getattr(actor, "is_system", False) else None)
    except IntegrityError:  # the same key, other bills, at the same moment
        return _repeat(Payment.objects.get(idempotency_key=key), ids, actor)
    Bill.objects.filter(pk__in=ids).update(status=BillStatus.PENDING, payment=payment)
    _event(payment, EventKind.CREATED, actor, {"bills": ids, "channel": channel})
    audit.record(actor, "utilities.start_payment", payment,
                 after={"bills": ids, "amount_fen": amount, "provider": prov.code, "channel": channel})
    try:
        result = prov.create(payment)
    except ProviderError as exc:
        raise PaymentRefused(f"支付渠道拒绝：{exc}") from exc
    if result.status == PaymentStatus.SUCCEEDED:
        _settle(payment, result.txn_id, actor)
    return StartResult(payment, True, result.next_url)


def _settle(payment, txn_id, actor):
    now = clock.now()
    payment.status, payment.provider_txn_id = PaymentStatus.SUCCEEDED, txn_id
    payment.confirmed_at, payment.paid_on = now, timezone.localtime(now).date()
    payment.save(update_fields=["status", "provider_txn_id", "confirmed_at", "paid_on"])
    n = Bill.objects.filter(payment=payment).update(status=BillStatus.PAID, paid_at=now)
    _event(payment, EventKind.CONFIRMED, actor, {"txn_id": txn_id, "bills": n})
    audit.record(actor, "utilities.confirm_payment", payment, after={"txn_id": txn_id, "amount_fen": payment.amount_fen})


@action
def confirm_payment(*, actor, payment, provider_txn_id, amount_fen):
    """The provider says `payment` succeeded with `provider_txn_id` for `amount_fen`. Idempotent:
    a second confirmation with the same transaction id changes nothing (a REPEATED event)."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status == PaymentStatus.SUCCEEDED:
        if payment.provider_txn_id != provider_txn_id:
            raise PaymentRefused("该支付已由另一笔渠道交易确认")
        if amount_fen != payment.amount_fen:
            raise PaymentRefused("渠道金额与应缴金额不一致，已记录待对账")
        _event(payment, EventKind.REPEATED, actor, {"txn_id": provider_txn_id})
        return payment
    if payment.status not in (PaymentStatus.PENDING, PaymentStatus.EXPIRED):
        raise PaymentRefused(f"支付状态为“{payment.get_status_display()}”，不能确认")
    if amount_fen != payment.amount_fen:
        _event(payment, EventKind.FAILED, actor, {"txn_id": provider_txn_id, "amount_fen": amount_fen})
        raise PaymentRefused("渠道金额与应缴金额不一致，已记录待对账")
    if payment.status == PaymentStatus.EXPIRED:  # paid after it expired: take its bills back if still open
        Bill.objects.select_for_update().filter(payment__isnull=True, status=BillStatus.UNPAID,
                                                pk__in=_expired_bill_ids(payment)).update(
            status=BillStatus.PENDING, payment=payment)
    _settle(payment, provider_txn_id, actor)
    return payment


def _expired_bill_ids(payment):
    created = payment.events.filter(kind=EventKind.CREATED).first()
    return (created.detail or {}).get("bills", []) if created else []


@action
def fail_payment(*, actor, payment, reason=""):
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status != PaymentStatus.PENDING:
        return payment
    payment.status = PaymentStatus.FAILED
    payment.save(update_fields=["status"])
    Bill.objects.filter(payment=payment, status=BillStatus.PENDING).update(status=BillStatus.UNPAID, payment=None)
    _event(payment, EventKind.FAILED, actor, {"reason": reason[:200]})
    audit.record(actor, "utilities.fail_payment", payment, reason=reason)
    return payment


def _reject(actor, provider, reason, headers, payment=None):
    """Record a rejected callback (its own transaction: the rejection stays on record)."""
    detail = {"reason": reason, "nonce": str(headers.get("X-Gridgov-Nonce", ""))[:64],
              "timestamp": str(headers.get("X-Gridgov-Timestamp", ""))[:20]}
    with transaction.atomic():
        _event(payment, EventKind.CALLBACK_REJECTED, actor, detail, provider=provider)
        audit.record(actor, "utilities.callback_rejected",
                     payment or ("utilities.payment", "-", f"支付回调（{provider}）"), after=detail, reason=reason)


@action(atomic=False)
def handle_callback(*, actor, provider, body, headers):
    """A provider's signed callback. Returns (True, "") when handled (also for a retried one),
    (False, Chinese reason) when rejected — forged, stale, replayed, unknown payment or wrong
    amount; every rejection is audited."""
    try:
        prov = get_provider(provider)
    except KeyError:
        _reject(actor, str(provider)[:20], "未知的支付渠道", headers)
        return False, "未知的支付渠道"
    payment = None
    try:
        data = prov.verify_callback(body, headers)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    CallbackNonce.objects.create(provider=prov.code, nonce=headers.get("X-Gridgov-Nonce"),
                                                 received_at=clock.now())
            except IntegrityError:
                raise CallbackRejected("回调随机串已使用（重放）") from None
            payment = Payment.objects.filter(provider=prov.code, idempotency_key=str(data.get("idempotency_key"))).first()
            if payment is None:
                raise CallbackRejected("回调对应的支付不存在")
            _event(payment, EventKind.CALLBACK, actor, {"txn_id": str(data.get("txn_id", ""))[:64],
                                                        "status": str(data.get("status", ""))[:20]})
            if data.get("status") == "succeeded":
                confirm_payment(actor=actor, payment=payment, provider_txn_id=str(data.get("txn_id", ""))[:64],
                                amount_fen=data["amount_fen"])
            else:
                fail_payment(actor=actor, payment=payment, reason=f"渠道回调：{data.get('status')}")
    except (CallbackRejected, PaymentRefused) as exc:
        _reject(actor, prov.code, str(exc), headers, payment)
        return False, str(exc)
    return True, ""


@action
def query_payment(*, actor, payment):
    """Ask the provider how `payment` stands and settle it if it was paid."""
    prov = _provider(payment.provider)
    result = prov.query(payment)
    _event(payment, EventKind.QUERY, actor, {"status": str(result.status), "txn_id": result.txn_id})
    if result.status == PaymentStatus.SUCCEEDED and payment.status != PaymentStatus.SUCCEEDED:
        confirm_payment(actor=actor, payment=payment, provider_txn_id=result.txn_id,
                        amount_fen=result.amount_fen if result.amount_fen is not None else payment.amount_fen)
    payment.refresh_from_db()
    return payment


@action
def refund_payment(*, actor, payment, reason):
    """Refund a whole succeeded payment: the provider returns the money, the bills are open again."""
    reason = (reason or "").strip()
    if not reason:
        raise PaymentRefused("请填写退款原因")
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    require(actor, "utilities.refund_payment", payment.division_code)
    if payment.status != PaymentStatus.SUCCEEDED:
        raise PaymentRefused(f"支付状态为“{payment.get_status_display()}”，不能退款")
    prov = _provider(payment.provider)
    try:
        refund_id = prov.refund(payment, payment.amount_fen)
    except ProviderError as exc:
        raise PaymentRefused(f"渠道退款失败：{exc}") from exc
    bills = list(Bill.objects.filter(payment=payment).values_list("pk", flat=True))
    refund = Refund.objects.create(payment=payment, amount_fen=payment.amount_fen, reason=reason[:200],
                                   status=RefundStatus.SUCCEEDED, provider_refund_id=refund_id,
                                   created_by=actor if getattr(actor, "pk", None) else None,
                                   created_at=clock.now(), division_code=payment.division_code)
    payment.status = PaymentStatus.REFUNDED
    payment.save(update_fields=["status"])
    Bill.objects.filter(pk__in=bills).update(status=BillStatus.UNPAID, payment=None, paid_at=None)
    _event(payment, EventKind.REFUNDED, actor, {"refund_id": refund_id, "bills": bills, "reason": reason[:200]})
    audit.record(actor, "utilities.refund_payment", payment, after={"refund_id": refund_id, "bills": bills,
                                                                    "amount_fen": payment.amount_fen}, reason=reason)
    return refund


@action(atomic=False)
def sandbox_complete(*, actor, payment, succeed=True):
    """The simulated provider page's button: the sandbox charges and posts its signed callback
    (through `handle_callback`, as a real provider's server would)."""
    prov = get_provider("sandbox")
    if payment.status != PaymentStatus.PENDING:
        return payment.status == PaymentStatus.SUCCEEDED, "该支付已处理"
    txn = prov.charge(payment) if succeed else ""
    body = prov.callback_body(payment, txn_id=txn, status="succeeded" if succeed else "failed")
    return handle_callback(actor=actor, provider="sandbox", body=body, headers=prov.sign(body))



@action
def save_utility(*, actor, data, utility=None):
    """Create or edit a utility company (install-wide)."""
    from .models import Utility

    require(actor, "utilities.change_utility" if utility else "utilities.add_utility")
    before = audit.snapshot(utility) if utility else None
    utility = utility or Utility()
    for field in ("code", "name", "kind", "phone", "is_active"):
        if field in data:
            setattr(utility, field, data[field])
    utility.full_clean()
    utility.save()
    audit.record(actor, "utilities.save_utility", utility, before, audit.snapshot(utility))
    return utility


@action
def save_account(*, actor, utility, account_no, house=None, household=None, holder_name="", address=""):
    """Register (or update) an account number of `utility`, linked to a registry house and/or
    household; the account takes the house's (or household's) grid."""
    from .models import UtilityAccount

    place = house or (household.house if household is not None and household.house_id else None) or household
    if place is None:
        raise PaymentRefused("户号须关联房屋或户")
    require(actor, "utilities.add_utilityaccount", place.division_code)
    account, created = UtilityAccount.objects.update_or_create(
        utility=utility, account_no=account_no.strip().upper(),
        defaults={"house": house or (household.house if household is not None else None), "household": household,
                  "grid_id": place.grid_id, "division_code": place.division_code,
                  "holder_name": holder_name[:50], "address": address[:200]})
    audit.record(actor, "utilities.save_account", account, after={"created": created, "house": account.house_id})
    return account


@action
def reconcile_day(*, actor, date):
    """Reconcile one day (all providers and utilities): per-utility files of paid bills and the
    mismatch report. Install-wide: needs `utilities.reconcile_payment` over the whole district."""
    from gridgov.core.access import require_district_wide

    from . import reconcile
    from .models import ReconciliationRun

    require_district_wide(actor, "utilities.reconcile_payment")
    run = ReconciliationRun.objects.create(date=date, created_at=clock.now(),
                                           created_by=actor if getattr(actor, "pk", None) else None)
    reconcile.build(run)
    audit.record(actor, "utilities.reconcile", ("utilities.reconciliationrun", str(run.pk), str(run)),
                 after=run.counts)
    return run
