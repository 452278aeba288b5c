"""Appointments (预约办事): open slots, book, cancel, check in.

No overbooking: a booking takes a place with one conditional UPDATE
(`booked = booked + 1 WHERE booked < capacity`). On PostgreSQL concurrent UPDATEs of the slot
row queue on its row lock and re-check the condition on the committed row, so the last place
goes to exactly one booking; a CHECK constraint (`booked <= capacity`) backs it. A cancellation
gives the place back the same way.

Check-in (reception or kiosk) turns the appointment into a priority ticket of its group
(`take_ticket(priority=True, channel="appointment")`), which `call_next` serves first.
"""

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from gridgov.core import audit, clock
from gridgov.core.access import can, require
from gridgov.core.actors import action
from gridgov.core.workcalendar import WorkCalendar

from ..choices import AppointmentState, TicketChannel
from ..models import Appointment, AppointmentSlot
from .queue import take_ticket

HORIZON_DAYS = 14      # bookable up to two weeks ahead
MAX_OPEN = 3           # live appointments per person (no hoarding)
EARLY_MINUTES = 60     # check-in opens an hour before the slot
MAX_SLOT_DAYS = 31
MAX_SLOTS_PER_DAY = 40
MISSED_GRACE_MINUTES = 30  # an appointment not checked in 30 minutes after its slot ends is missed
SWEEP_BATCH = 2000         # appointments marked per sweep run (the next run takes the rest)


def _at(day, t):
    return datetime.datetime.combine(day, t, timezone.get_current_timezone())


def _may_act_for(actor, person, community_code):
    """Staff of the community (reception, phone booking), or a signed-in resident acting for
    themselves or an elderly relative (`core.residents.acting_for`)."""
    if can(actor, "services.add_ticket", community_code):
        return True
    from gridgov.core.residents import acting_for, current_resident

    profile = current_resident(actor)
    return profile is not None and acting_for(profile).filter(pk=person.pk).exists()


@action
def open_slots(*, actor, group, start_day, end_day, start_time, end_time, minutes, capacity):
    """开放预约: slots of `minutes` from start_time to end_time on each working day of the
    range, `capacity` places each. Existing slots are kept (re-running adds only the missing)."""
    require(actor, "services.change_servicegroup", group.division_code)
    errors = {}
    if not start_day or not end_day or end_day < start_day:
        errors["end_day"] = "结束日期不能早于开始日期"
    elif (end_day - start_day).days >= MAX_SLOT_DAYS:
        errors["end_day"] = f"一次最多开放 {MAX_SLOT_DAYS} 天"
    elif start_day < clock.today():
        errors["start_day"] = "开始日期不能早于今天"
    if not start_time or not end_time or end_time <= start_time:
        errors["end_time"] = "结束时间须晚于开始时间"
    if not isinstance(minutes, int) or not 5 <= minutes <= 240:
        errors["minutes"] = "每个时段须为 5 至 240 分钟"
    if not isinstance(capacity, int) or not 1 <= capacity <= 100:
        errors["capacity"] = "每个时段可约人数须为 1 至 100"
    if errors:
        raise ValidationError(errors)
    starts, t = [], _at(start_day, start_time)
    while t + datetime.timedelta(minutes=minutes) <= _at(start_day, end_time):
        starts.append((t.time(), (t + datetime.timedelta(minutes=minutes)).time()))
        t += datetime.timedelta(minutes=minutes)
    if not starts or len(starts) > MAX_SLOTS_PER_DAY:
        raise ValidationError({"minutes": f"每天须有 1 至 {MAX_SLOTS_PER_DAY} 个时段，请调整时段长度"})
    cal, rows, day = WorkCalendar(), [], start_day
    while day <= end_day:
        if cal.is_working_day(day):
            rows += [AppointmentSlot(group=group, division_code=group.division_code, day=day, start=a, end=b,
                                     capacity=capacity) for a, b in starts]
        day += datetime.timedelta(days=1)
    created = AppointmentSlot.objects.bulk_create(rows, ignore_conflicts=True)
    audit.record(actor, "services.open_slots", group, after={"from": str(start_day), "to": str(end_day),
                                                               "slots": len(created), "capacity": capacity})
    return len(rows)


@action
def set_slot(*, actor, slot, capacity, is_open=True):
    """Change a slot's places or close it; never below the places already booked."""
    require(actor, "services.change_servicegroup", slot.division_code)
    if not isinstance(capacity, int) or not 1 <= capacity <= 100:
        raise ValidationError({"capacity": "可约人数须为 1 至 100"})
    done = AppointmentSlot.objects.filter(pk=slot.pk, booked__lte=capacity).update(capacity=capacity, is_open=is_open)
    if not done:
        raise ValidationError({"capacity": "可约人数不能少于已预约人数"})
    audit.record(actor, "services.open_slots", slot, after={"capacity": capacity, "open": is_open})


def _new_code(slot):
    return f"{secrets.randbelow(1_000_000):06d}"


@action
def book_appointment(*, actor, slot, person, item=None):
    """预约: one place of `slot` for `person`. Refused when the slot is full, closed, past or
    beyond the horizon, when the person already holds this group's appointment that day, or
    already holds MAX_OPEN live appointments."""
    slot = AppointmentSlot.objects.select_related("group").get(pk=slot.pk)
    if person is None or not _may_act_for(actor, person, slot.division_code):
        raise PermissionDenied("只能为本人或已授权代办的家人预约")
    now, today = clock.now(), clock.today()
    if not slot.is_open or not slot.group.is_active:
        raise ValidationError({"slot": "该时段未开放预约"})
    if _at(slot.day, slot.start) <= now:
        raise ValidationError({"slot": "该时段已开始，请选择之后的时段"})
    if (slot.day - today).days > HORIZON_DAYS:
        raise ValidationError({"slot": f"最多可预约 {HORIZON_DAYS} 天内的时段"})
    live = Appointment.objects.filter(person=person, state=AppointmentState.BOOKED, day__gte=today)
    if live.filter(day=slot.day, slot__group=slot.group_id).exists():
        raise ValidationError({"slot": f"{slot.day:%m月%d日}已预约“{slot.group.name}”，请勿重复预约"})
    if live.count() >= MAX_OPEN:
        raise ValidationError({"slot": f"同一人最多同时保留 {MAX_OPEN} 个预约，请先办理或取消已有预约"})
    if item is not None and not slot.group.items.filter(pk=item.pk).exists() and slot.group.items.exists():
        raise ValidationError({"item": f"“{item.name}”不在“{slot.group.name}”的办理范围"})
    taken = AppointmentSlot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1)
    if not taken:
        raise ValidationError({"slot": f"{slot.day:%m月%d日} {slot.start:%H:%M} 的时段已约满，请选择其他时段"})
    for _ in range(10):
        try:
            with transaction.atomic():
                appt = Appointment.objects.create(
                    slot=slot, person=person, day=slot.day, code=_new_code(slot), item=item,
                    division_code=slot.division_code, booked_at=now,
                    booked_by=actor if getattr(actor, "is_authenticated", False) else None)
            break
        except IntegrityError as exc:
            if "svc_appt_one_per_slot" in str(exc):
                raise ValidationError({"slot": "已预约该时段，请勿重复预约"}) from None
    else:  # pragma: no cover  (a million codes per community and day)
        raise ValidationError({"slot": "签到码生成失败，请重试"})
    audit.record(actor, "services.book_appointment", appt,
                 after={"slot": str(slot), "group": slot.group.name, "person": person.pk})
    return appt


@action
def cancel_appointment(*, actor, appointment):
    """取消预约 (before the slot ends); the place is given back."""
    appt = Appointment.objects.select_for_update(of=("self",)).select_related("slot", "person").get(pk=appointment.pk)
    if not (getattr(actor, "pk", None) and appt.booked_by_id == actor.pk) and not _may_act_for(
            actor, appt.person, appt.division_code):
        raise PermissionDenied("无权取消该预约")
    if appt.state != AppointmentState.BOOKED:
        raise ValidationError(f"该预约{appt.get_state_display()}，不能取消")
    if _at(appt.day, appt.slot.end) <= clock.now():
        raise ValidationError("该预约时段已结束，不能取消")
    appt.state, appt.cancelled_at = AppointmentState.CANCELLED, clock.now()
    appt.save(update_fields=["state", "cancelled_at"])
    AppointmentSlot.objects.filter(pk=appt.slot_id, booked__gt=0).update(booked=F("booked") - 1)
    audit.record(actor, "services.cancel_appointment", appt, after={"state": appt.state})
    return appt


@action
def sweep_missed_appointments(*, actor, now=None):
    """爽约巡检: every appointment still `booked` MISSED_GRACE_MINUTES after its slot ended becomes
    `missed` (未到), with an audit entry each. Idempotent: only `booked` rows are taken, under a
    skip-locked row lock, and the UPDATE re-checks the state, so a check-in or cancellation that
    commits first wins and two sweeps never mark the same appointment twice. The place stays
    counted in the (past) slot. Returns how many were marked."""
    from django.db.models import Q

    require(actor, "services.change_appointment")
    cutoff = timezone.localtime(now or clock.now()) - datetime.timedelta(minutes=MISSED_GRACE_MINUTES)
    due = (Appointment.objects.filter(state=AppointmentState.BOOKED)
           .filter(Q(day__lt=cutoff.date()) | Q(day=cutoff.date(), slot__end__lte=cutoff.time()))
           .select_related("slot").select_for_update(of=("self",), skip_locked=True)
           .order_by("day", "pk")[:SWEEP_BATCH])
    marked = 0
    for appt in due:
        if not Appointment.objects.filter(pk=appt.pk, state=AppointmentState.BOOKED).update(
                state=AppointmentState.MISSED):
            continue
        audit.record(actor, "services.miss_appointment", appt, before={"state": AppointmentState.BOOKED},
                     after={"state": AppointmentState.MISSED, "slot_end": f"{appt.day} {appt.slot.end:%H:%M}"})
        marked += 1
    return marked


def find_for_check_in(community_code, code):
    """Today's appointment of the community with this check-in code, or None."""
    code = "".join((code or "").split())
    if len(code) != 6 or not code.isdigit():
        return None
    return Appointment.objects.select_related("slot__group", "person").filter(
        division_code=community_code, day=clock.today(), code=code).first()


@action
def check_in_appointment(*, actor, appointment, device=None):
    """签到: on the day, from EARLY_MINUTES before the slot until its end. The appointment becomes
    a priority ticket of its group. Reception (staff with services.add_ticket) or the kiosk
    (the anonymous visitor with the device) may check in."""
    appt = Appointment.objects.select_for_update().get(pk=appointment.pk)
    appt = Appointment.objects.select_related("slot__group", "person").get(pk=appt.pk)
    if device is None:
        require(actor, "services.add_ticket", appt.division_code)
    elif getattr(device, "community_id", None) and device.community.code != appt.division_code:
        raise ValidationError("该预约不属于本社区服务大厅")
    if appt.state == AppointmentState.CHECKED_IN:
        raise ValidationError(f"该预约已签到，排队号 {appt.ticket.number if appt.ticket else ''}")
    if appt.state != AppointmentState.BOOKED:
        raise ValidationError(f"该预约{appt.get_state_display()}，不能签到")
    now = clock.now()
    if appt.day != clock.today():
        raise ValidationError(f"该预约是 {appt.day:%Y年%m月%d日} 的，请在预约当天签到")
    if now < _at(appt.day, appt.slot.start) - datetime.timedelta(minutes=EARLY_MINUTES):
        raise ValidationError(f"签到时间为 {(_at(appt.day, appt.slot.start) - datetime.timedelta(minutes=EARLY_MINUTES)):%H:%M} 起，请稍后再来")
    if now > _at(appt.day, appt.slot.end):
        raise ValidationError("预约时段已过，请现场取号")
    ticket = take_ticket(actor=actor, group=appt.slot.group, channel=TicketChannel.APPOINTMENT, device=device,
                         person=appt.person, priority=True)
    appt.state, appt.checked_in_at, appt.ticket = AppointmentState.CHECKED_IN, now, ticket
    appt.save(update_fields=["state", "checked_in_at", "ticket"])
    audit.record(actor, "services.check_in_appointment", appt, after={"ticket": ticket.number})
    return appt
