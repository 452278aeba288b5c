"""Public pages (no sign-in): bill look-up by account number with online payment, the sandbox
provider's simulated payment page, and the providers' signed callback endpoint."""

import uuid

from django.core import signing
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from gridgov.core import throttle
from gridgov.core.net import client_ip

from .. import actions
from ..choices import Channel, PaymentStatus
from ..forms import LookupForm
from ..models import Bill, Payment
from ..providers.sandbox import SALT, payment_token
from ..queries import OPEN, bills_for_account, public_bill

LOOKUP_LIMIT = (20, 15 * 60)  # failed look-ups per address per 15 minutes


def _blocked(key):
    return throttle.blocked(key, LOOKUP_LIMIT[0])


def _failed(key):
    throttle.record(key, LOOKUP_LIMIT[1])


def lookup(request):
    """查缴水电气费: bills of an account number; pay them online (the sandbox in the demo)."""
    import hashlib

    if request.method == "POST":
        ids = [int(x) for x in request.POST.getlist("bill") if x.isdigit()][:50]
        account_no = (request.POST.get("account_no") or "").strip().upper()[:30]
        ids = list(Bill.objects.filter(pk__in=ids, account__account_no=account_no, status__in=OPEN)
                   .values_list("pk", flat=True))
        try:
            result = actions.start_payment(actor=request.user, bills=ids, provider="sandbox",
                                           idempotency_key=request.POST.get("key", ""), channel=Channel.WEB)
        except actions.PaymentRefused as exc:
            return render(request, "utilities/public/lookup.html", {
                "form": LookupForm(initial={"account_no": account_no}), "error": str(exc), "public": True})
        return redirect("utilities:public_payment", token=payment_token(result.payment))
    form = LookupForm(request.GET or None)
    bills, error = [], ""
    if form.is_valid():
        key = "utilities:lookup:" + hashlib.sha256(client_ip(request).encode()).hexdigest()[:16]
        if _blocked(key):
            error = "查询过于频繁，请 15 分钟后再试"
        else:
            bills = [public_bill(b) for b in bills_for_account(form.cleaned_data["account_no"].upper())]
            if not bills:
                _failed(key)
                error = "没有查到待缴账单：请核对户号（见纸质账单或缴费通知）"
    return render(request, "utilities/public/lookup.html", {
        "form": form, "bills": bills, "error": error, "key": uuid.uuid4().hex, "public": True,
        "account_no": form.cleaned_data["account_no"].upper() if form.is_valid() else "",
        "total": sum(b["amount_fen"] for b in bills)})


def _payment_by_token(token):
    try:
        pk = signing.loads(token, salt=SALT, max_age=24 * 3600)
    except signing.BadSignature:
        raise Http404("找不到该支付") from None
    payment = Payment.objects.filter(pk=pk).first()
    if payment is None:
        raise Http404("找不到该支付")
    return payment


def public_payment(request, token):
    """The payer's view of one payment: pay it at the sandbox provider, or see the result."""
    payment = _payment_by_token(token)
    bills = [public_bill(b) for b in Bill.objects.filter(payment=payment).select_related("account", "utility")]
    return render(request, "utilities/public/payment.html", {
        "payment": payment, "bills": bills, "token": token, "public": True,
        "pending": payment.status == PaymentStatus.PENDING and payment.provider == "sandbox"})


@require_POST
def sandbox_pay(request, token):
    """The sandbox provider's page button: it charges and posts its signed callback."""
    payment = _payment_by_token(token)
    ok, reason = actions.sandbox_complete(actor=request.user, payment=payment,
                                          succeed=request.POST.get("result") != "fail")
    return redirect("utilities:public_payment", token=token)


@csrf_exempt
@require_POST
def callback(request, provider):
    """A provider's signed server-to-server callback; forged or replayed ones are refused (400)
    and audited."""
    body = request.body[:65536]
    ok, reason = actions.handle_callback(actor=request.user, provider=provider[:20], body=body,
                                         headers=request.headers)
    return JsonResponse({"ok": ok, "reason": reason}, status=200 if ok else 400,
                        json_dumps_params={"ensure_ascii": False})

