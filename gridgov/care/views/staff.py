"""Staff and provider pages: orders, providers (items, doctors, schedules, accounts), subsidy
rules, appointments, settlements. Provider accounts reach the same pages and see only their
own rows (`scoping`)."""

import datetime

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gridgov.core import clock
from gridgov.core.access import can, get_visible_or_404
from gridgov.core.exports import export_response
from gridgov.core.paging import CappedPaginator
from gridgov.divisions.choices import Level
from gridgov.divisions.models import Division

from .. import actions
from ..choices import OPEN_STATUSES, OrderStatus, ProviderKind
from ..forms import (
    AcceptForm,
    AccountForm,
    CancelForm,
    CheckForm,
    CheckOutForm,
    DoctorForm,
    ItemForm,
    MonthForm,
    OrderFilter,
    ProviderForm,
    RevisitForm,
    RuleForm,
    ScheduleForm,
)
from ..models import Appointment, Doctor, Order, Provider, Schedule, ServiceItem, Settlement, SubsidyRule
from ..scoping import provider_ids
from ..tables import AppointmentTable, OrderTable, ProviderTable, SettlementTable, masked, yuan
from .common import ROOT, need, run, scope

PER_PAGE = 50


def _form_page(request, form, title, back, crumbs=()):
    return render(request, "care/form.html", {
        "form": form, "title": title, "back": back,
        "breadcrumb": [ROOT, *crumbs, {"label": title}],
    })


# --- orders --------------------------------------------------------------------------------------

@login_required
def order_list(request):
    need(request, "care.view_order")
    qs = Order.objects.visible_to(request.user).within(scope(request)).select_related("provider")
    providers = (Provider.objects.visible_to(request.user).within(scope(request)).exclude(kind=ProviderKind.HEALTH)
                 .only("pk", "name"))  # hundreds of options: the label is all they show
    form = OrderFilter(request.GET or None, providers=providers)
    if form.is_valid():
        d = form.cleaned_data
        if d["q"]:
            qs = qs.filter(Q(number__contains=d["q"]) | Q(contact_name__contains=d["q"]) | Q(address__contains=d["q"]))
        if d["kind"]:
            qs = qs.filter(kind=d["kind"])
        if d["status"] == "open":
            qs = qs.filter(status__in=OPEN_STATUSES)
        elif d["status"]:
            qs = qs.filter(status=d["status"])
        if d["provider"]:
            qs = qs.filter(provider=d["provider"])
    page = CappedPaginator(qs.order_by("-submitted_at", "-id"), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "care/order_list.html", {
        "page": page, "table": OrderTable(page.object_list), "filter": form,
        "is_provider": provider_ids(request.user) is not None,
        "breadcrumb": [ROOT, {"label": "服务订单"}],
    })


def order_context(request, order):
    user = request.user
    mine = provider_ids(user)
    provider_side = can(user, "care.change_order", order.division_code) and (mine is None or order.provider_id in mine)
    return {
        "order": order, "lines": list(order.lines.all()), "yuan": yuan,
        "phone": order.contact_phone if mine is not None and order.status in OPEN_STATUSES
        else masked(order.contact_phone),
        "provider_side": provider_side, "staff_side": provider_side and mine is None,
        "accept_form": AcceptForm(), "check_form": CheckForm(), "checkout_form": CheckOutForm(),
        "cancel_form": CancelForm(), "revisit_form": RevisitForm(),
        "open": order.status in OPEN_STATUSES,
    }


@login_required
def order_detail(request, pk):
    need(request, "care.view_order")  # staff and provider accounts; residents use the website
    order = get_visible_or_404(Order.objects.select_related("provider", "subsidy_rule", "case"), request.user, pk=pk)
    ctx = order_context(request, order)
    ctx["breadcrumb"] = [ROOT, {"label": "服务订单", "url": reverse("care:order_list")}, {"label": order.number}]
    return render(request, "care/order_detail.html", ctx)


ORDER_STEPS = {
    "accept": (actions.accept_order, AcceptForm, "已接单"),
    "check_in": (actions.check_in, CheckForm, "已签到，开始服务"),
    "check_out": (actions.check_out, CheckOutForm, "已签退，订单完成"),
    "cancel": (actions.cancel_order, CancelForm, "已取消订单"),
    "revisit": (actions.return_visit, RevisitForm, "已记录回访"),
}


@login_required
@require_POST
def order_step(request, pk, step):
    """One transition of an order by the provider (accept, check in, check out), or staff
    (cancel, return visit)."""
    need(request, "care.view_order")
    order = get_visible_or_404(Order, request.user, pk=pk)
    if step not in ORDER_STEPS:
        return HttpResponseRedirect(order.get_absolute_url())
    fn, form_class, success = ORDER_STEPS[step]
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        data = dict(form.cleaned_data)
        if step == "check_out":
            data["photo"] = data.pop("photo") or None
        run(request, fn, None, success, order=order, **data)
    else:
        from django.contrib import messages

        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return HttpResponseRedirect(request.POST.get("next") if request.POST.get("next", "").startswith("/care/")
                                else order.get_absolute_url())


@login_required
def order_export(request):
    need(request, "care.view_order")
    qs = (Order.objects.visible_to(request.user).within(scope(request)).select_related("provider")
          .order_by("-submitted_at")[:20000])
    rows = ([o.number, o.get_kind_display(), o.provider.name, o.contact_name, o.address, o.status_label(),
             yuan(o.total_fen), yuan(o.subsidy_fen), o.rating or ""] for o in qs)
    return export_response(request.user, rows, headers=["订单号", "类型", "服务商", "服务对象", "地址", "状态",
                                                        "金额(元)", "补贴(元)", "评分"],
                           filename="服务订单", fmt="xlsx", subject=("care.order", "", "服务订单"))


# --- providers -----------------------------------------------------------------------------------

@login_required
def provider_list(request):
    need(request, "care.view_provider")
    qs = (Provider.objects.visible_to(request.user).within(scope(request)).select_related("community")
          .order_by("division_code", "kind", "id"))
    kind = request.GET.get("kind", "")
    if kind in ProviderKind.values:
        qs = qs.filter(kind=kind)
    page = CappedPaginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    communities = Division.objects.visible_to(request.user).filter(level=Level.COMMUNITY, is_active=True)
    return render(request, "care/provider_list.html", {
        "page": page, "table": ProviderTable(page.object_list), "kinds": ProviderKind.choices, "kind": kind,
        "communities": communities.within(scope(request)).order_by("code")[:200]
        if can(request.user, "care.add_provider") else [],
        "breadcrumb": [ROOT, {"label": "服务商"}],
    })


@login_required
def provider_detail(request, pk):
    provider = get_visible_or_404(Provider.objects.select_related("community"), request.user, pk=pk)
    user, code = request.user, provider.division_code
    doctors = list(Doctor.objects.visible_to(user).filter(provider=provider).prefetch_related("schedules"))
    return render(request, "care/provider_detail.html", {
        "provider": provider, "yuan": yuan,
        "items": list(ServiceItem.objects.visible_to(user).filter(provider=provider)),
        "doctors": doctors, "accounts": list(provider.members.select_related("user")) if provider_ids(user) is None
        else [],
        "orders": Order.objects.visible_to(user).filter(provider=provider, status__in=OPEN_STATUSES).count(),
        "can_edit": can(user, "care.change_provider", code) and provider_ids(user) is None,
        "can_item": can(user, "care.add_serviceitem", code) and provider.kind != ProviderKind.HEALTH,
        "can_doctor": can(user, "care.add_doctor", code) and provider.kind == ProviderKind.HEALTH
        and provider_ids(user) is None,
        "can_account": can(user, "care.add_providermember", code) and provider_ids(user) is None,
        "breadcrumb": [ROOT, {"label": "服务商", "url": reverse("care:provider_list")}, {"label": provider.name}],
    })


def _community(request, code):
    return get_visible_or_404(Division.objects.filter(level=Level.COMMUNITY), request.user, code=code)


PROVIDERS = {"label": "服务商", "url": "/care/providers/"}


@login_required
def provider_edit(request, pk=None):
    provider = get_visible_or_404(Provider, request.user, "change", pk=pk) if pk else None
    community = provider.community if provider else _community(request, request.GET.get("community", ""))
    need(request, "care.change_provider" if pk else "care.add_provider", community.code)
    if provider_ids(request.user) is not None:
        need(request, "care.nothing")
    form = ProviderForm(request.POST or None, instance=provider)
    if request.method == "POST" and form.is_valid():
        target = Provider.objects.get(pk=pk) if pk else None
        saved = run(request, actions.save_provider, form, "已保存服务商", community=community, provider=target,
                    data=form.cleaned_data)
        if saved:
            return HttpResponseRedirect(saved.get_absolute_url())
    return _form_page(request, form, f"编辑服务商 · {provider.name}" if pk else f"登记服务商 · {community.name}",
                      provider.get_absolute_url() if pk else PROVIDERS["url"], [PROVIDERS])


@login_required
def item_edit(request, provider_pk, pk=None):
    provider = get_visible_or_404(Provider, request.user, pk=provider_pk)
    item = get_object_or_404(ServiceItem.objects.visible_to(request.user), pk=pk, provider=provider) if pk else None
    need(request, "care.change_serviceitem" if pk else "care.add_serviceitem", provider.division_code)
    form = ItemForm(request.POST or None, instance=item, provider=provider)
    if request.method == "POST" and form.is_valid():
        target = ServiceItem.objects.get(pk=pk) if pk else None
        if run(request, actions.save_item, form, "已保存服务项目", provider=provider, item=target,
               data=form.action_data()):
            return HttpResponseRedirect(provider.get_absolute_url())
    return _form_page(request, form, "编辑服务项目" if pk else "新增服务项目", provider.get_absolute_url(),
                      [PROVIDERS, {"label": provider.name, "url": provider.get_absolute_url()}])


@login_required
def account_create(request, provider_pk):
    provider = get_visible_or_404(Provider, request.user, pk=provider_pk)
    need(request, "care.add_providermember", provider.division_code)
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if run(request, actions.add_provider_account, form, "已开通服务商账号", provider=provider,
               **form.cleaned_data):
            return HttpResponseRedirect(provider.get_absolute_url())
    return _form_page(request, form, f"开通服务商账号 · {provider.name}", provider.get_absolute_url(),
                      [PROVIDERS, {"label": provider.name, "url": provider.get_absolute_url()}])


@login_required
def doctor_edit(request, provider_pk, pk=None):
    provider = get_visible_or_404(Provider, request.user, pk=provider_pk)
    doctor = get_object_or_404(Doctor.objects.visible_to(request.user), pk=pk, provider=provider) if pk else None
    need(request, "care.change_doctor" if pk else "care.add_doctor", provider.division_code)
    form = DoctorForm(request.POST or None, instance=doctor)
    if request.method == "POST" and form.is_valid():
        target = Doctor.objects.get(pk=pk) if pk else None
        if run(request, actions.save_doctor, form, "已保存医生", provider=provider, doctor=target,
               data=form.cleaned_data):
            return HttpResponseRedirect(provider.get_absolute_url())
    return _form_page(request, form, "编辑医生" if pk else "新增医生", provider.get_absolute_url(),
                      [PROVIDERS, {"label": provider.name, "url": provider.get_absolute_url()}])


@login_required
def schedule_edit(request, doctor_pk, pk=None):
    doctor = get_visible_or_404(Doctor.objects.select_related("provider"), request.user, pk=doctor_pk)
    schedule = get_object_or_404(Schedule, pk=pk, doctor=doctor) if pk else None
    need(request, "care.change_schedule" if pk else "care.add_schedule", doctor.division_code)
    form = ScheduleForm(request.POST or None, instance=schedule)
    back = doctor.provider.get_absolute_url()
    if request.method == "POST" and form.is_valid():
        target = Schedule.objects.get(pk=pk) if pk else None
        if run(request, actions.save_schedule, form, "已保存排班", doctor=doctor, schedule=target,
               data=form.cleaned_data):
            return HttpResponseRedirect(back)
    return _form_page(request, form, f"出诊排班 · {doctor.name}", back,
                      [PROVIDERS, {"label": doctor.provider.name, "url": back}])


# --- subsidy rules -------------------------------------------------------------------------------

@login_required
def rule_list(request):
    need(request, "care.view_subsidyrule")
    rules = list(SubsidyRule.objects.visible_to(request.user).select_related("division")
                 .prefetch_related("required_tags"))
    home = request.user.home_division() if hasattr(request.user, "home_division") else None
    return render(request, "care/rule_list.html", {
        "rules": rules, "can_add": home is not None and can(request.user, "care.add_subsidyrule", home.code),
        "can_edit": can(request.user, "care.change_subsidyrule"),
        "breadcrumb": [ROOT, {"label": "养老补贴规则"}],
    })


@login_required
def rule_edit(request, pk=None):
    rule = get_visible_or_404(SubsidyRule, request.user, "change", pk=pk) if pk else None
    division = rule.division if rule else request.user.home_division()
    if division is None:
        division = Division.objects.filter(level=Level.DISTRICT).order_by("code").first()
    need(request, "care.change_subsidyrule" if pk else "care.add_subsidyrule", division.code if division else None)
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        target = SubsidyRule.objects.get(pk=pk) if pk else None
        if run(request, actions.save_subsidy_rule, form, "已保存补贴规则", division=division, rule=target,
               data=form.action_data(), required_tags=form.cleaned_data["required_tags"]):
            return HttpResponseRedirect(reverse("care:rule_list"))
    return _form_page(request, form, f"补贴规则（适用：{division.name}）", reverse("care:rule_list"),
                      [{"label": "养老补贴规则", "url": reverse("care:rule_list")}])


# --- appointments --------------------------------------------------------------------------------

@login_required
def appointment_list(request):
    need(request, "care.view_appointment")
    qs = (Appointment.objects.visible_to(request.user).within(scope(request))
          .select_related("doctor", "person", "slot__schedule").order_by("-slot__date", "slot__schedule__start"))
    day = request.GET.get("date", "")
    try:
        qs = qs.filter(slot__date=datetime.date.fromisoformat(day)) if day else qs
    except ValueError:
        day = ""
    page = CappedPaginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "care/appointment_list.html", {
        "page": page, "table": AppointmentTable(page.object_list), "date": day,
        "breadcrumb": [ROOT, {"label": "预约看病"}],
    })


# --- settlements ---------------------------------------------------------------------------------

def _month(request):
    form = MonthForm(request.GET or None)
    if form.is_valid():
        return form.cleaned_data["month"].replace(day=1), form
    today = clock.today()
    return today.replace(day=1), MonthForm(initial={"month": today.replace(day=1)})


@login_required
def settlement_list(request):
    need(request, "care.view_settlement")
    month, form = _month(request)
    qs = (Settlement.objects.visible_to(request.user).within(scope(request)).filter(month=month)
          .select_related("provider").order_by("division_code", "provider__name"))
    rows = list(qs)
    if request.GET.get("format") == "xlsx":
        return export_response(request.user, ([s.provider.name, f"{s.month:%Y-%m}", s.order_count, yuan(s.total_fen),
                                               yuan(s.subsidy_fen), yuan(s.resident_fen), s.subsidy_minutes,
                                               s.average_rating or ""] for s in rows),
                               headers=["服务商", "月份", "完成订单", "订单金额(元)", "政府补贴(元)", "居民自付(元)",
                                        "补贴时长(分钟)", "平均评分"],
                               filename=f"服务商月度结算-{month:%Y-%m}", fmt="xlsx",
                               subject=("care.settlement", f"{month:%Y-%m}", "服务商月度结算"))
    totals = {k: yuan(sum(getattr(s, k) for s in rows)) for k in ("total_fen", "subsidy_fen", "resident_fen")}
    home = request.user.home_division() if hasattr(request.user, "home_division") else None
    return render(request, "care/settlement_list.html", {
        "table": SettlementTable(rows), "form": form, "month": month, "totals": totals, "count": len(rows),
        "orders": sum(s.order_count for s in rows),
        "can_run": provider_ids(request.user) is None and can(request.user, "care.add_settlement",
                                                               home.code if home else None),
        "breadcrumb": [ROOT, {"label": "月度结算"}],
    })


@login_required
@require_POST
def settlement_run(request):
    """Start the settlement job for a month over the user's area."""
    from gridgov.core.jobs import start_job

    home = request.user.home_division()
    prefix = home.code if home else ""
    need(request, "care.add_settlement", prefix or None)
    if provider_ids(request.user) is not None:
        need(request, "care.nothing")
    form = MonthForm(request.POST)
    month = form.cleaned_data["month"].replace(day=1) if form.is_valid() else clock.today().replace(day=1)
    start_job(actor=request.user, kind="care.settlement", title=f"服务商月度结算 {month:%Y-%m}",
              handler="gridgov.care.actions.settlement.settle_job",
              params={"month": month.isoformat(), "prefix": prefix, "started_by": request.user.pk},
              division_code=prefix)
    from django.contrib import messages

    messages.success(request, f"已开始 {month:%Y-%m} 结算，稍后刷新查看")
    return HttpResponseRedirect(f"{reverse('care:settlement_list')}?month={month:%Y-%m}")


__all__ = ["OrderStatus"]
