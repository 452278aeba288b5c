"""Resident pages on the community website (完美社区网, /c/<code>/care/): the providers of the
community with their prices (public), ordering a repair, home elderly care or goods for oneself
or an elderly relative one is authorised for (verified residents), one's orders with cancel and
rating, the health station's doctors with the family doctor first, and booking a place."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gridgov.core import clock
from gridgov.core.residents import acting_for, current_resident, verified_resident_required
from gridgov.divisions.queries import public_community_or_404 as community_or_404

from .. import actions, subsidy
from ..actions.health import booking_horizon, signed_doctor
from ..choices import OPEN_STATUSES, ORDER_KIND_OF, OrderKind, OrderStatus, ProviderKind
from ..forms import RateForm
from ..models import Appointment, Doctor, Order, Provider, Schedule, ServiceItem, Slot

WINDOWS = [("08:00-10:00", "08:00–10:00"), ("10:00-12:00", "10:00–12:00"), ("14:00-16:00", "14:00–16:00"),
           ("16:00-18:00", "16:00–18:00")]
KIND_ORDER = [ProviderKind.ELDERLY, ProviderKind.PROPERTY, ProviderKind.REPAIR, ProviderKind.MERCHANT]


def _providers(community):
    return Provider.objects.filter(community=community, is_active=True)


def hub(request, code):
    """上门服务: the community's providers by kind, with their items and prices (public)."""
    community = community_or_404(code)
    providers = list(_providers(community).exclude(kind=ProviderKind.HEALTH).prefetch_related("items"))
    groups = [(ProviderKind(k).label, [p for p in providers if p.kind == k]) for k in KIND_ORDER]
    return render(request, "care/site/hub.html", {
        "community": community, "groups": [g for g in groups if g[1]],
        "station": _providers(community).filter(kind=ProviderKind.HEALTH).first(),
    })


class OrderForm(forms.Form):
    person = forms.TypedChoiceField(label="服务对象", coerce=int)
    date = forms.DateField(label="上门日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    window = forms.ChoiceField(label="上门时段", required=False, choices=WINDOWS)
    address = forms.CharField(label="服务地址", max_length=200)
    contact_phone = forms.CharField(label="联系电话", max_length=20, required=False)
    description = forms.CharField(label="需求说明", max_length=500, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    public_part = forms.BooleanField(label="楼道、屋面、电梯等公共部位（同时转社区事件办理）", required=False)
    subsidy_rule = forms.TypedChoiceField(label="使用政府补贴时长", coerce=int, required=False, empty_value=None)

    def __init__(self, *args, provider, persons, rules, **kwargs):
        super().__init__(*args, **kwargs)
        self.provider, self.kind = provider, ORDER_KIND_OF[provider.kind]
        self.fields["person"].choices = [(p.pk, p.name) for p in persons]
        self.items = list(provider.items.filter(is_active=True))
        for item in self.items:
            self.fields[f"qty_{item.pk}"] = forms.IntegerField(
                label=f"{item.name}（{item.price_fen / 100:.2f} 元/{item.get_unit_display()}）", min_value=0,
                max_value=99, required=False, initial=0, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
        if self.kind == OrderKind.GOODS:
            del self.fields["date"], self.fields["window"]
        if self.kind != OrderKind.REPAIR:
            del self.fields["public_part"]
        if self.kind == OrderKind.CARE:
            self.fields["subsidy_rule"].choices = [("", "不使用")] + [(r.pk, r.name) for r in rules]
        else:
            del self.fields["subsidy_rule"]

    def item_fields(self):
        return [self[f"qty_{i.pk}"] for i in self.items]

    def other_fields(self):
        return [f for f in self.visible_fields() if not f.name.startswith("qty_")]

    def lines(self):
        return [(i, self.cleaned_data.get(f"qty_{i.pk}") or 0) for i in self.items
                if self.cleaned_data.get(f"qty_{i.pk}")]

    def window_range(self):
        if "date" not in self.cleaned_data or not self.cleaned_data.get("date"):
            return None, None
        a, b = self.cleaned_data["window"].split("-")
        tz = timezone.get_current_timezone()
        day = self.cleaned_data["date"]
        return (datetime.datetime.combine(day, datetime.time.fromisoformat(a), tzinfo=tz),
                datetime.datetime.combine(day, datetime.time.fromisoformat(b), tzinfo=tz))


@verified_resident_required
def order_form(request, code, pk):
    community = community_or_404(code)
    provider = get_object_or_404(_providers(community).exclude(kind=ProviderKind.HEALTH), pk=pk)
    persons = list(acting_for(request.resident).select_related("house"))
    rules = {r.pk: r for p in persons for r in subsidy.rules_for(p)}
    form = OrderForm(request.POST or None, provider=provider, persons=persons, rules=rules.values(),
                     initial={"address": str(persons[0].house) if persons and persons[0].house_id else ""})
    if request.method == "POST" and form.is_valid():
        person = next(p for p in persons if p.pk == form.cleaned_data["person"])
        start, end = form.window_range()
        try:
            order = actions.submit_order(
                actor=request.user, provider=provider, person=person, items=form.lines(),
                address=form.cleaned_data["address"], description=form.cleaned_data["description"],
                window_start=start, window_end=end, contact_phone=form.cleaned_data["contact_phone"],
                subsidy_rule=rules.get(form.cleaned_data.get("subsidy_rule")),
                public_part=form.cleaned_data.get("public_part", False))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                target = field if field in form.fields else ("date" if field == "window_start" and "date" in
                                                            form.fields else None)
                form.add_error(target, errors)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已提交订单 {order.number}，服务商接单后会与您联系")
            return HttpResponseRedirect(reverse("care_site:my_order", args=[code, order.pk]))
    eligible = {p.name: [r.name for r in subsidy.eligible_rules(p)] for p in persons}
    return render(request, "care/site/order_form.html", {
        "community": community, "provider": provider, "form": form, "eligible": eligible,
        "rules": list(rules.values())})


@verified_resident_required
def my_orders(request, code):
    community = community_or_404(code)
    orders = Order.objects.visible_to(request.user).select_related("provider", "person").order_by("-submitted_at")[:50]
    appts = (Appointment.objects.visible_to(request.user).select_related("doctor", "person", "slot__schedule")
             .order_by("-slot__date")[:30])
    return render(request, "care/site/my_orders.html", {"community": community, "orders": orders,
                                                        "appointments": appts, "today": clock.today()})


@verified_resident_required
def my_order(request, code, pk):
    community = community_or_404(code)
    order = get_object_or_404(Order.objects.visible_to(request.user).select_related("provider", "subsidy_rule"), pk=pk)
    form = RateForm(request.POST or None)
    if request.method == "POST":
        try:
            if "cancel" in request.POST:
                actions.cancel_order(actor=request.user, order=order, reason="居民取消")
                messages.success(request, "已取消订单")
            elif form.is_valid():
                actions.rate_order(actor=request.user, order=order, rating=form.cleaned_data["rating"],
                                   comment=form.cleaned_data["comment"])
                messages.success(request, "感谢您的评价")
            else:
                raise ValidationError("请选择评分")
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        return HttpResponseRedirect(reverse("care_site:my_order", args=[code, pk]))
    return render(request, "care/site/my_order.html", {
        "community": community, "order": order, "lines": list(order.lines.all()), "form": form,
        "can_cancel": order.status in (OrderStatus.SUBMITTED, OrderStatus.ACCEPTED),
        "can_rate": order.status == OrderStatus.DONE and not order.rating, "open": order.status in OPEN_STATUSES})


def _days(doctor, schedules, horizon):
    """[(date, schedule, places left)] for the next `horizon` days."""
    today = clock.today()
    slots = {(s.schedule_id, s.date): s for s in Slot.objects.filter(
        schedule__in=schedules, date__gte=today, date__lte=today + datetime.timedelta(days=horizon))}
    out = []
    for n in range(horizon + 1):
        day = today + datetime.timedelta(days=n)
        for s in schedules:
            if s.weekday == day.isoweekday():
                slot = slots.get((s.pk, day))
                out.append((day, s, s.capacity - (slot.booked if slot else 0)))
    return out


def doctors(request, code):
    """The station's doctors and their sittings; a signed-in resident sees their family doctor
    first, with the longer booking window."""
    community = community_or_404(code)
    station = _providers(community).filter(kind=ProviderKind.HEALTH).first()
    if station is None:
        raise Http404("本社区尚未登记卫生服务站")
    profile = current_resident(request.user)
    persons = list(acting_for(profile)) if profile else []
    me = persons[0] if persons else None
    mine = signed_doctor(me) if me else None
    rows = []
    for d in Doctor.objects.filter(provider=station, is_active=True).prefetch_related("schedules"):
        schedules = [s for s in d.schedules.all() if s.is_active]
        horizon = booking_horizon(d, me) if me else d.open_days_ahead
        rows.append({"doctor": d, "mine": mine is not None and mine.pk == d.pk, "days": _days(d, schedules, horizon)})
    rows.sort(key=lambda r: not r["mine"])
    return render(request, "care/site/doctors.html", {"community": community, "station": station, "rows": rows,
                                                      "persons": persons, "mine": mine})


@require_POST
@verified_resident_required
def book(request, code):
    community = community_or_404(code)
    schedule = get_object_or_404(Schedule.objects.select_related("doctor__provider"),
                                 pk=request.POST.get("schedule") or 0, doctor__provider__community=community)
    persons = {p.pk: p for p in acting_for(request.resident)}
    try:
        person = persons[int(request.POST.get("person") or 0)]
        day = datetime.date.fromisoformat(request.POST.get("date", ""))
        actions.book_appointment(actor=request.user, schedule=schedule, date=day, person=person)
    except (KeyError, ValueError):
        messages.error(request, "请选择就诊人和日期")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, f"已预约 {schedule.doctor.name} {day:%m月%d日} {schedule.start:%H:%M}")
        return HttpResponseRedirect(reverse("care_site:mine", args=[code]))
    return HttpResponseRedirect(reverse("care_site:doctors", args=[code]))


@require_POST
@verified_resident_required
def cancel_appointment(request, code, pk):
    appt = get_object_or_404(Appointment.objects.visible_to(request.user), pk=pk)
    try:
        actions.cancel_appointment(actor=request.user, appointment=appt)
        messages.success(request, "已取消预约")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    return HttpResponseRedirect(reverse("care_site:mine", args=[code]))


__all__ = ["ServiceItem"]
