"""Appointments (预约办事): the hall's appointment desk (open slots, today's list, check-in by
code at reception, booking for a resident who phones or walks in) and the resident's booking page, linked from the community website
(`portal_links`): a verified resident books for themselves or an authorised elderly relative."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gridgov.core import clock
from gridgov.core.access import can, get_visible_or_404
from gridgov.core.pii import mask_name
from gridgov.core.residents import acting_for, resident_required
from gridgov.divisions.queries import public_community_or_404

from .. import actions
from ..actions.appointments import HORIZON_DAYS, find_for_check_in
from ..choices import AppointmentState
from ..models import Appointment, AppointmentSlot, ServiceGroup, ServiceItem
from ._common import need, run, scope_of

ROOT = {"label": "取号叫号", "url": "/services/queue/"}


class OpenSlotsForm(forms.Form):
    group = forms.ModelChoiceField(label="服务分组", queryset=ServiceGroup.objects.none())
    start_day = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end_day = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label="每天开始", initial="09:00", widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label="每天结束", initial="17:00", widget=forms.TimeInput(attrs={"type": "time"}))
    minutes = forms.IntegerField(label="每段分钟数", initial=30, min_value=5, max_value=240)
    capacity = forms.IntegerField(label="每段可约人数", initial=4, min_value=1, max_value=100)

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups


def _day(request):
    try:
        return datetime.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return clock.today()


@login_required
def desk(request):
    """预约管理: the day's slots and appointments, check-in by code, and opening slots."""
    need(request, "services.view_ticket")
    day = _day(request)
    groups = ServiceGroup.objects.visible_to(request.user).within(scope_of(request)).filter(is_active=True)
    editable = groups.filter(division_code__in=[g.division_code for g in groups
                                                 if can(request.user, "services.change_servicegroup", g.division_code)])
    form = OpenSlotsForm(request.POST or None, groups=editable, initial={"start_day": day, "end_day": day})
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            n = run(request, actions.open_slots, form, "", group=d["group"], start_day=d["start_day"],
                    end_day=d["end_day"], start_time=d["start_time"], end_time=d["end_time"], minutes=d["minutes"],
                    capacity=d["capacity"])
            if n:
                messages.success(request, f"已开放 {d['group'].name} 的预约时段（共 {n} 个，已有的时段保持不变）")
                return redirect(f"{reverse('services:appointments')}?day={d['start_day']:%Y-%m-%d}")
    slots = (AppointmentSlot.objects.visible_to(request.user).within(scope_of(request)).filter(day=day)
             .select_related("group").order_by("group__sort", "group__prefix", "start"))[:300]
    appts = (Appointment.objects.visible_to(request.user).within(scope_of(request)).filter(day=day)
             .select_related("slot__group", "person", "ticket").order_by("slot__start", "pk"))[:500]
    rows = [{"a": a, "name": mask_name(a.person.name), "can_check_in": a.state == AppointmentState.BOOKED
             and day == clock.today() and can(request.user, "services.add_ticket", a.division_code)} for a in appts]
    return render(request, "services/appointments.html", {
        "day": day, "slots": slots, "rows": rows, "form": form if editable.exists() else None,
        "can_check_in": can(request.user, "services.add_ticket"),
        "prev": day - datetime.timedelta(days=1), "next": day + datetime.timedelta(days=1),
        "breadcrumb": [ROOT, {"label": "预约管理"}]})


@login_required
@require_POST
def check_in(request):
    """导服台签到: by the appointment (list button) or by the 6-digit code the resident shows."""
    need(request, "services.add_ticket")
    appt = None
    if (pk := request.POST.get("appointment", "")).isdigit():
        appt = get_visible_or_404(Appointment, request.user, pk=int(pk))
    else:
        code = (request.POST.get("code") or "")[:20]
        for g in ServiceGroup.objects.visible_to(request.user).within(scope_of(request)).values_list(
                "division_code", flat=True).distinct()[:50]:
            if appt := find_for_check_in(g, code):
                break
        if appt is None:
            messages.error(request, "签到码不正确：没有找到今天的该预约")
            return redirect("services:appointments")
    done = run(request, actions.check_in_appointment, None, "", appointment=appt)
    if done and done is not True:
        messages.success(request, f"{mask_name(appt.person.name)} 已签到，排队号 {done.ticket.number}（预约优先）")
    return redirect("services:appointments")


class StaffBookForm(forms.Form):
    """代为预约: a slot of the clerk's community and, optionally, the item to be handled."""

    slot = forms.ModelChoiceField(label="预约时段", queryset=AppointmentSlot.objects.none(),
                                  error_messages={"required": "请选择预约时段",
                                                  "invalid_choice": "该时段不可预约（已约满、已开始或不属于本社区）"})
    item = forms.ModelChoiceField(label="拟办事项（可不选）", queryset=ServiceItem.objects.none(), required=False,
                                  error_messages={"invalid_choice": "拟办事项不存在或已停用"})

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots
        self.fields["slot"].label_from_instance = (
            lambda s: f"{s.day:%m月%d日} {s.start:%H:%M}–{s.end:%H:%M} · {s.group.name}（余 {s.free} 个）")
        self.fields["item"].queryset = ServiceItem.objects.filter(is_active=True).order_by("code")


def bookable_slots(user, scope):
    """Open slots of the clerk's halls from now to HORIZON_DAYS ahead with a free place."""
    from django.db.models import F, Q
    from django.utils import timezone

    now, today = timezone.localtime(clock.now()), clock.today()
    codes = [c for c in ServiceGroup.objects.visible_to(user).within(scope).values_list("division_code", flat=True)
             .distinct()[:50] if can(user, "services.add_ticket", c)]
    return (AppointmentSlot.objects.filter(division_code__in=codes, is_open=True, group__is_active=True,
                                           booked__lt=F("capacity"), day__gte=today,
                                           day__lte=today + datetime.timedelta(days=HORIZON_DAYS))
            .exclude(Q(day=today) & Q(start__lte=now.time()))
            .select_related("group").order_by("day", "start", "group__sort", "group__prefix"))


@login_required
def staff_book(request):
    """代为预约: reception books a slot for a resident who phones or walks in. The resident is
    found in the registry within the clerk's scope; the slot must be one of the clerk's halls."""
    need(request, "services.add_ticket")
    from gridgov.registry.models import Person
    from gridgov.registry.queries import person_filter

    q = request.GET.get("q", "").strip()[:50]
    persons = []
    if q and (pf := person_filter(q)) is not None:
        persons = list(Person.objects.visible_to(request.user).within(scope_of(request)).filter(pf)
                       .only("pk", "name", "id_masked", "phone_masked", "division_code")[:20])
    person = None
    if (pk := (request.POST.get("person") or request.GET.get("person") or "")).isdigit():
        person = get_visible_or_404(Person, request.user, pk=int(pk))
    form = None
    if person is not None:
        form = StaffBookForm(request.POST or None, slots=bookable_slots(request.user, scope_of(request)))
        if request.method == "POST" and form.is_valid():
            slot, item = form.cleaned_data["slot"], form.cleaned_data["item"]
            appt = run(request, actions.book_appointment, form, "", slot=slot, person=person, item=item)
            if appt and appt is not True:
                messages.success(request, f"已为 {mask_name(person.name)} 预约 {slot.day:%m月%d日} {slot.start:%H:%M}"
                                          f"（{slot.group.name}），签到码 {appt.code}，请告知办事人")
                return redirect(f"{reverse('services:appointments')}?day={slot.day:%Y-%m-%d}")
    elif request.method == "POST":
        messages.error(request, "请先查找并选择办事人")
    return render(request, "services/staff_book.html", {
        "q": q, "persons": persons, "person": person, "form": form,
        "breadcrumb": [ROOT, {"label": "预约管理", "url": reverse("services:appointments")}, {"label": "代为预约"}]})


# -- residents (community website) -------------------------------------------------------------

def _resident(view):
    return resident_required(view, verified=True)


def _community(code):
    return public_community_or_404(code)


class BookForm(forms.Form):
    slot = forms.IntegerField(widget=forms.HiddenInput)
    person = forms.TypedChoiceField(label="办事人", coerce=int)


def _my_appointments(request, persons):
    from django.db.models import Q

    return (Appointment.objects.filter(Q(booked_by=request.user) | Q(person__in=persons), day__gte=clock.today()
                                       - datetime.timedelta(days=30))
            .select_related("slot__group", "person", "ticket").order_by("-day", "-slot__start")[:30])


def book(request, code):
    return _resident(_book)(request, code)


def _book(request, code):
    """预约办事: the community's open slots over the next HORIZON_DAYS days, per group."""
    community = _community(code)
    persons = list(acting_for(request.resident))
    form = BookForm(request.POST or None)
    form.fields["person"].choices = [(p.pk, p.name) for p in persons]
    if request.method == "POST" and form.is_valid():
        slot = AppointmentSlot.objects.filter(pk=form.cleaned_data["slot"], division_code=community.code).first()
        person = next((p for p in persons if p.pk == form.cleaned_data["person"]), None)
        if slot is None or person is None:
            raise Http404("时段不存在")
        appt = run(request, actions.book_appointment, None, "", slot=slot, person=person)
        if appt and appt is not True:
            messages.success(request, f"预约成功：{slot.day:%m月%d日} {slot.start:%H:%M}，签到码 {appt.code}")
            return redirect("services:book", code=code)
    elif request.method == "POST":
        messages.error(request, "请选择办事人")
    now, today = clock.now(), clock.today()
    slots = list(AppointmentSlot.objects.filter(division_code=community.code, is_open=True, group__is_active=True,
                                                day__gte=today, day__lte=today + datetime.timedelta(days=HORIZON_DAYS))
                 .select_related("group").order_by("day", "group__sort", "group__prefix", "start")[:600])
    slots = [s for s in slots if datetime.datetime.combine(s.day, s.start, now.tzinfo) > now]
    days = {}
    for s in slots:
        days.setdefault(s.day, {}).setdefault(s.group, []).append(s)
    return render(request, "services/book.html", {
        "community": community, "days": [(d, list(g.items())) for d, g in days.items()], "persons": persons,
        "mine": _my_appointments(request, persons)})


@require_POST
def cancel(request, code, pk):
    return _resident(_cancel)(request, code, pk)


def _cancel(request, code, pk):
    persons = acting_for(request.resident)
    appt = next((a for a in _my_appointments(request, persons) if a.pk == pk), None)
    if appt is None:
        raise Http404("预约不存在")
    run(request, actions.cancel_appointment, None, "已取消预约", appointment=appt)
    return redirect("services:book", code=code)
