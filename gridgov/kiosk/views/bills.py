"""水电气缴费 at the terminal, through the utilities app's actions: look up open bills by account
number (letter and digit pads) or by the identified resident's house, confirm (one idempotency
key per confirmation screen, so a double tap pays once), pay through the sandbox provider's
simulated scan-to-pay screen, and print the receipt."""

import uuid

from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gridgov.core import throttle

from ..device import kiosk_actor, kiosk_required
from .terminal import _ctx, current_person_id

LOOKUP_LIMIT = 20  # failed account look-ups per terminal per 15 minutes


def _lookup_blocked(device):
    return throttle.blocked(f"kiosk:billfail:{device.pk}", LOOKUP_LIMIT)


def _lookup_failed(device):
    throttle.record(f"kiosk:billfail:{device.pk}", 15 * 60)


def _house_of(person_id):
    from gridgov.registry.models import Person

    return Person.objects.filter(pk=person_id).values_list("house_id", flat=True).first()


@never_cache
@kiosk_required
def bills(request):
    from gridgov.utilities.models import yuan
    from gridgov.utilities.queries import bills_for_account, bills_for_house, public_bill

    account_no = "".join((request.GET.get("account") or "").split()).upper()[:30]
    mine = request.GET.get("mine") == "1"
    rows, error, source = [], "", ""
    person_id = current_person_id(request)
    if mine:
        if person_id is None:
            return redirect(f"{_identify_url()}?next=/kiosk/bills/%3Fmine%3D1")
        house = _house_of(person_id)
        rows = [public_bill(b) for b in bills_for_house(house)] if house else []
        source = "mine"
        if not rows:
            error = "您登记的住房没有待缴账单" if house else "登记信息中没有您的住房，请按户号查询"
    elif account_no:
        if _lookup_blocked(request.kiosk):
            error = "查询过于频繁，请 15 分钟后再试"
        else:
            rows = [public_bill(b) for b in bills_for_account(account_no)]
            source = "account"
            if not rows:
                _lookup_failed(request.kiosk)
                error = "没有查到待缴账单：请核对户号（见纸质账单或缴费通知）"
    return render(request, "kiosk/screen/bills.html", _ctx(
        request, rows=rows, error=error, account_no=account_no, source=source, key=uuid.uuid4().hex,
        total_yuan=yuan(sum(r["amount_fen"] for r in rows if r["status"] == "unpaid")), letters="ABCDEFGHJKLMNPQRSTUVWXYZ",
        identified=person_id is not None))


def _identify_url():
    from django.urls import reverse

    return reverse("kiosk:identify")


def _allowed_bills(request, ids):
    """The chosen bills, only among those the terminal may show: the account typed, or the
    identified resident's house."""
    from django.db.models import Q

    from gridgov.utilities.models import Bill
    from gridgov.utilities.queries import OPEN

    qs = Bill.objects.filter(pk__in=ids, status__in=OPEN)
    source = request.POST.get("source")
    if source == "mine":
        person_id = current_person_id(request)
        house = _house_of(person_id) if person_id else None
        if not house:
            return []
        qs = qs.filter(Q(account__house_id=house) | Q(account__household__house_id=house))
    else:
        qs = qs.filter(account__account_no=(request.POST.get("account_no") or "").strip().upper()[:30])
    return list(qs.values_list("pk", flat=True))


@require_POST
@kiosk_required
def pay(request):
    from gridgov.utilities import actions
    from gridgov.utilities.choices import Channel, PaymentStatus

    ids = _allowed_bills(request, [int(x) for x in request.POST.getlist("bill") if x.isdigit()][:50])
    back = request.POST.get("back") or ""
    back = back if back.startswith("/kiosk/bills/") else "/kiosk/bills/"
    try:
        result = actions.start_payment(actor=kiosk_actor(request.kiosk), bills=ids, provider="sandbox",
                                       idempotency_key=request.POST.get("key", ""), channel=Channel.KIOSK)
    except actions.PaymentRefused as exc:
        return render(request, "kiosk/screen/pay_result.html", _ctx(request, error=str(exc), back=back))
    token = signing.dumps(result.payment.pk, salt=SALT)
    if result.payment.status == PaymentStatus.SUCCEEDED:
        return redirect("kiosk:bill_receipt", token=token)
    return redirect("kiosk:bill_payment", token=token)


SALT = "kiosk.payment"


def _payment(token):
    from gridgov.utilities.models import Payment

    try:
        pk = signing.loads(token, salt=SALT, max_age=3600)
    except signing.BadSignature:
        raise Http404("找不到该缴费") from None
    payment = Payment.objects.filter(pk=pk, channel="kiosk").first()
    if payment is None:
        raise Http404("找不到该缴费")
    return payment


def _bills_of(payment):
    from gridgov.utilities.models import Bill
    from gridgov.utilities.queries import public_bill

    return [public_bill(b) for b in Bill.objects.filter(payment=payment).select_related("account", "utility")]


@never_cache
@kiosk_required
def payment(request, token):
    """The sandbox provider's scan-to-pay screen (a real provider shows its QR code here)."""
    from gridgov.utilities import actions
    from gridgov.utilities.choices import PaymentStatus

    p = _payment(token)
    error = ""
    if request.method == "POST" and p.status == PaymentStatus.PENDING:
        ok, reason = actions.sandbox_complete(actor=kiosk_actor(request.kiosk), payment=p,
                                              succeed=request.POST.get("result") != "fail")
        p.refresh_from_db()
        if ok:
            return redirect("kiosk:bill_receipt", token=token)
        error = f"支付未成功：{reason}" if reason else "支付未成功，请重试或到窗口缴费"
    if p.status == PaymentStatus.SUCCEEDED:
        return redirect("kiosk:bill_receipt", token=token)
    return render(request, "kiosk/screen/pay_scan.html", _ctx(request, payment=p, bills=_bills_of(p), token=token,
                                                               error=error, pending=p.status == PaymentStatus.PENDING))


@never_cache
@kiosk_required
def receipt(request, token):
    from gridgov.utilities.choices import PaymentStatus

    p = _payment(token)
    if p.status != PaymentStatus.SUCCEEDED:
        return redirect("kiosk:bill_payment", token=token)
    return render(request, "kiosk/screen/pay_receipt.html", _ctx(request, payment=p, bills=_bills_of(p)))
