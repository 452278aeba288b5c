"""Staff lists and details: utilities, accounts, bills, payments (all through visible_to)."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gridgov.core import clock
from gridgov.core.access import can, get_visible_or_404

from .. import actions
from ..choices import BillStatus
from ..forms import AccountFilter, BillFilter, PaymentFilter, RefundForm, UtilityForm
from ..models import Bill, Payment, Utility, UtilityAccount
from ..providers import provider_choices
from ..tables import AccountTable, BillTable, PaymentTable
from .common import crumbs, need, paginate, scope_of


@login_required
def utility_list(request):
    need(request, "utilities.view_utility")
    form = UtilityForm(request.POST or None)
    can_edit = can(request.user, "utilities.add_utility")
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            actions.save_utility(actor=request.user, data=form.cleaned_data)
            messages.success(request, "已保存公用事业单位")
            return redirect("utilities:utility_list")
    utilities = Utility.objects.annotate(n_accounts=Count("accounts")).order_by("kind", "code")
    return render(request, "utilities/utility_list.html", {
        "utilities": utilities, "form": form, "can_edit": can_edit, "breadcrumb": crumbs(("公用事业单位", None))})


@login_required
def account_list(request):
    need(request, "utilities.view_utilityaccount")
    qs = UtilityAccount.objects.visible_to(request.user).within(scope_of(request)).select_related("utility")
    form = AccountFilter(request.GET or None)
    if form.is_valid():
        d = form.cleaned_data
        if d["q"]:
            qs = qs.filter(Q(account_no=d["q"].upper()) | Q(holder_name=d["q"]) | Q(address__contains=d["q"]))
        if d["utility"]:
            qs = qs.filter(utility__code=d["utility"])
        if d["linked"]:
            qs = qs.filter(house__isnull=d["linked"] == "0")
    page = paginate(request, qs.order_by("division_code", "account_no"))
    return render(request, "utilities/list.html", {
        "title": "缴费户号", "page": page, "table": AccountTable(page.object_list), "filter": form,
        "breadcrumb": crumbs(("缴费户号", None))})


@login_required
def account_detail(request, pk):
    account = get_visible_or_404(UtilityAccount.objects.select_related("utility", "house", "household"),
                                 request.user, pk=pk)
    bills = Bill.objects.visible_to(request.user).filter(account=account).order_by("-period")[:36]
    return render(request, "utilities/account_detail.html", {
        "account": account, "bills": bills, "breadcrumb": crumbs(("缴费户号", "utilities:account_list"),
                                                                  (account.account_no, None))})


@login_required
def bill_list(request):
    need(request, "utilities.view_bill")
    qs = Bill.objects.visible_to(request.user).within(scope_of(request)).select_related("account", "utility")
    form = BillFilter(request.GET or None)
    if form.is_valid():
        d = form.cleaned_data
        if d["q"]:
            qs = qs.filter(Q(account__account_no=d["q"].upper()) | Q(address__contains=d["q"]))
        if d["utility"]:
            qs = qs.filter(utility__code=d["utility"])
        if d["status"]:
            qs = qs.filter(status=d["status"])
        if d["period"]:
            qs = qs.filter(period=d["period"])
        if d["overdue"]:
            qs = qs.filter(status=BillStatus.UNPAID, due_date__lt=clock.today())
    page = paginate(request, qs.order_by("-period", "id"))
    return render(request, "utilities/list.html", {
        "title": "水电气账单", "page": page, "table": BillTable(page.object_list), "filter": form,
        "links": [("utilities:import", "导入账单", "file-import")] if can(request.user, "utilities.import_bill") else [],
        "breadcrumb": crumbs(("账单", None))})


@login_required
def bill_detail(request, pk):
    bill = get_visible_or_404(Bill.objects.select_related("account", "utility", "payment"), request.user, pk=pk)
    return render(request, "utilities/bill_detail.html", {
        "bill": bill, "can_cash": bill.status == BillStatus.UNPAID and can(
            request.user, "utilities.take_cash", bill.division_code),
        "breadcrumb": crumbs(("账单", "utilities:bill_list"), (str(bill), None))})


@login_required
def payment_list(request):
    need(request, "utilities.view_payment")
    qs = Payment.objects.visible_to(request.user).within(scope_of(request))
    form = PaymentFilter(request.GET or None)
    if form.is_valid():
        d = form.cleaned_data
        if d["q"]:
            qs = qs.filter(Q(provider_txn_id=d["q"]) | Q(idempotency_key=d["q"]))
        for key in ("status", "channel", "provider"):
            if d[key]:
                qs = qs.filter(**{key: d[key]})
        if d["day"]:
            qs = qs.filter(paid_on=d["day"])
    page = paginate(request, qs.order_by("-created_at", "-id"))
    return render(request, "utilities/list.html", {
        "title": "缴费记录", "page": page, "filter": form,
        "table": PaymentTable(page.object_list, providers=dict(provider_choices())),
        "links": [("utilities:counter", "窗口缴费", "cash")] if can(request.user, "utilities.take_cash") else [],
        "breadcrumb": crumbs(("缴费记录", None))})


@login_required
def payment_detail(request, pk):
    payment = get_visible_or_404(Payment, request.user, pk=pk)
    bills = Bill.objects.filter(payment=payment).select_related("account", "utility")
    return render(request, "utilities/payment_detail.html", {
        "payment": payment, "bills": bills, "events": payment.events.all()[:100],
        "refunds": payment.refunds.all(), "provider": dict(provider_choices()).get(payment.provider, payment.provider),
        "can_refund": payment.status == "succeeded" and can(request.user, "utilities.refund_payment",
                                                            payment.division_code),
        "refund_form": RefundForm(), "now": clock.now(),
        "breadcrumb": crumbs(("缴费记录", "utilities:payment_list"), (f"#{payment.pk}", None))})


@login_required
@require_POST
def payment_refund(request, pk):
    payment = get_visible_or_404(Payment, request.user, pk=pk)
    form = RefundForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写退款原因（不超过 200 字）")
        return redirect(payment)
    try:
        actions.refund_payment(actor=request.user, payment=payment, reason=form.cleaned_data["reason"])
    except actions.PaymentRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已退款，相关账单恢复为待缴")
    return redirect(payment)


@login_required
@require_POST
def payment_query(request, pk):
    payment = get_visible_or_404(Payment, request.user, pk=pk)
    try:
        actions.query_payment(actor=request.user, payment=payment)
    except actions.PaymentRefused as exc:
        messages.error(request, str(exc))
    return redirect(payment)


