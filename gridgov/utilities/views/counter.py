"""窗口缴费: staff look up an account (or a house), tick the bills and take the cash. The form
carries an idempotency key made when it was shown, so a double submit is one payment."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .. import actions
from ..choices import Channel
from ..forms import LookupForm
from ..models import Bill
from ..queries import OPEN
from .common import crumbs, need


@login_required
def counter(request):
    need(request, "utilities.take_cash")
    if request.method == "POST":
        ids = [int(x) for x in request.POST.getlist("bill") if x.isdigit()][:100]
        visible = list(Bill.objects.visible_to(request.user).filter(pk__in=ids).values_list("pk", flat=True))
        payer = (request.POST.get("payer_name") or "").strip()[:50]
        try:
            result = actions.start_payment(actor=request.user, bills=visible, provider="cash",
                                           idempotency_key=request.POST.get("key", ""), channel=Channel.COUNTER,
                                           payer_name=payer)
        except actions.PaymentRefused as exc:
            messages.error(request, str(exc))
            return redirect(f"{request.path}?account_no={request.POST.get('account_no', '')[:30]}")
        if result.created:
            messages.success(request, f"已收取现金 {result.payment.amount_yuan} 元")
        else:
            messages.info(request, "该笔缴费已办理（重复提交未重复收费）")
        return redirect(result.payment)
    form = LookupForm(request.GET or None)
    bills = []
    if form.is_valid():
        bills = list(Bill.objects.visible_to(request.user).filter(
            account__account_no=form.cleaned_data["account_no"].upper(), status__in=OPEN)
            .select_related("account", "utility").order_by("utility__kind", "period"))
    return render(request, "utilities/counter.html", {
        "form": form, "bills": bills, "key": uuid.uuid4().hex, "searched": form.is_bound,
        "breadcrumb": crumbs(("窗口缴费", None))})
