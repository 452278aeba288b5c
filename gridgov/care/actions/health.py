"""Writes on doctor appointments and family-doctor signing. A slot is never overbooked: its
row is locked (`select_for_update`) and `booked` is raised by a conditional UPDATE
(`booked < capacity`), so two bookings of the last place cannot both succeed."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from gridgov.core import audit, clock
from gridgov.core.access import ensure_visible, require
from gridgov.core.actors import action

from ..choices import AppointmentStatus, SigningStatus
from ..models import Appointment, Signing, Slot
from ..scoping import provider_ids
from .common import acts_for, require_for_person


def signed_doctor(person):
    """The person's active family doctor, or None."""
    s = Signing.objects.filter(person=person, status=SigningStatus.ACTIVE).select_related("doctor").first()
    return s.doctor if s else None


def booking_horizon(doctor, person):
    """How many days ahead `person` may book `doctor`: the signed residents' window for their
    own family doctor, the open window otherwise."""
    mine = signed_doctor(person)
    return doctor.signed_days_ahead if mine and mine.pk == doctor.pk else doctor.open_days_ahead


@action
def sign_doctor(*, actor, doctor, person, years=1):
    """Family-doctor signing (家庭医生签约), recorded by station or community staff."""
    if provider_ids(actor) is not None and doctor.provider_id not in provider_ids(actor):
        raise PermissionDenied("只能为本站医生签约")
    require(actor, "care.add_signing", person.division_code if provider_ids(actor) is None else doctor.division_code)
    if not doctor.is_active or not doctor.is_family_doctor:
        raise ValidationError({"doctor": "该医生不提供家庭医生签约"})
    if Signing.objects.filter(person=person, status=SigningStatus.ACTIVE).exists():
        raise ValidationError({"person": f"{person.name}已签约家庭医生，请先解约"})
    today = clock.today()
    signing = Signing.objects.create(doctor=doctor, person=person, division_code=person.division_code,
                                     signed_on=today, valid_until=today.replace(year=today.year + int(years)))
    audit.record(actor, "care.sign_doctor", signing, after={"doctor": doctor.pk, "person": person.pk})
    return signing


@action
def end_signing(*, actor, signing):
    require(actor, "care.change_signing", signing.division_code)
    signing.status = SigningStatus.ENDED
    signing.save(update_fields=["status"])
    audit.record(actor, "care.end_signing", signing, after={"status": signing.status})
    return signing


def _slot_for(schedule, date):
    """The slot row of a schedule on a date, made on first use; a race on making it is settled by
    the unique constraint (the loser reads the winner's row)."""
    try:
        with transaction.atomic():
            slot, _ = Slot.objects.get_or_create(
                schedule=schedule, date=date,
                defaults={"doctor": schedule.doctor, "capacity": schedule.capacity,
                          "division_code": schedule.division_code})
    except IntegrityError:
        slot = Slot.objects.get(schedule=schedule, date=date)
    return slot


@action
def book_appointment(*, actor, schedule, date, person, note=""):
    """Book a place with a doctor's sitting on `date` for `person` (the resident, a relative
    they act for, or staff at the station). Signed residents book their own family doctor
    further ahead (`Doctor.signed_days_ahead`). Never more bookings than places."""
    require_for_person(actor, person, "care.add_appointment")
    doctor = schedule.doctor
    if not (schedule.is_active and doctor.is_active):
        raise ValidationError({"schedule": "该排班已停诊"})
    if not isinstance(date, datetime.date) or date.isoweekday() != schedule.weekday:
        raise ValidationError({"date": f"{doctor.name}该时段只在{schedule.get_weekday_display()}出诊"})
    today = clock.today()
    horizon = booking_horizon(doctor, person)
    if date < today:
        raise ValidationError({"date": "不能预约过去的日期"})
    if date > today + datetime.timedelta(days=horizon):
        mine = signed_doctor(person)
        extra = "" if mine and mine.pk == doctor.pk else f"（签约居民可提前 {doctor.signed_days_ahead} 天）"
        raise ValidationError({"date": f"{doctor.name}的号源最多提前 {horizon} 天预约{extra}"})
    slot = _slot_for(schedule, date)
    slot = Slot.objects.select_for_update().get(pk=slot.pk)
    if Appointment.objects.filter(slot=slot, person=person, status=AppointmentStatus.BOOKED).exists():
        raise ValidationError({"schedule": f"{person.name}已预约该时段"})
    taken = Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1)
    if not taken:
        raise ValidationError({"schedule": f"{doctor.name} {date:%m月%d日} {schedule.start:%H:%M} 的号源已约满"})
    mine = signed_doctor(person)
    appt = Appointment.objects.create(
        slot=slot, doctor=doctor, person=person, booked_by=actor if getattr(actor, "pk", None) else None,
        division_code=person.division_code, signed=bool(mine and mine.pk == doctor.pk), note=(note or "")[:200],
        booked_at=clock.now())
    audit.record(actor, "care.book_appointment", appt, after={"slot": slot.pk, "person": person.pk})
    if acts_for(actor, person) is None:
        ensure_visible(actor, appt)
    return appt


@action
def cancel_appointment(*, actor, appointment):
    """Cancel a booking; the place goes back to the slot."""
    appt = Appointment.objects.select_for_update().get(pk=appointment.pk)
    mine = acts_for(actor, appt.person)
    if mine is False:
        raise PermissionDenied("只能取消本人或授权家人的预约")
    if mine is None:
        if provider_ids(actor) is not None and appt.doctor.provider_id not in provider_ids(actor):
            raise PermissionDenied("只能处理本站的预约")
        require(actor, "care.change_appointment", appt.division_code if provider_ids(actor) is None
                else appt.doctor.division_code)
    if appt.status != AppointmentStatus.BOOKED:
        raise ValidationError("该预约已取消或已就诊")
    appt.status, appt.cancelled_at = AppointmentStatus.CANCELLED, clock.now()
    appt.save(update_fields=["status", "cancelled_at"])
    Slot.objects.filter(pk=appt.slot_id, booked__gt=0).update(booked=F("booked") - 1)
    audit.record(actor, "care.cancel_appointment", appt, after={"status": appt.status})
    return appt
