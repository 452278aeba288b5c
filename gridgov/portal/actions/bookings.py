"""Facility booking and public-interest sessions (ADR 0027).

Never a double booking: the facility row is locked (`select_for_update`; on SQLite the IMMEDIATE
transaction already serialises writers), then the overlap and the rule's limits are checked,
then the row is written; on PostgreSQL an exclusion constraint refuses overlapping live
bookings of one facility even if some code skipped this path."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from gridgov.core import audit, clock
from gridgov.core.access import can, require
from gridgov.core.actors import action

from ..choices import ACTIVE_BOOKING_STATES, BookingState
from ..models import Booking, BookingRule, Session, SessionSignup, SessionSlot

DEFAULT_RULE = dict(slot_minutes=60, max_slots_per_booking=3, max_per_week=2, advance_days=14,
                    needs_approval=False, cancel_hours_before=2, verified_only=True)


def rule_for(facility):
    """The facility's rule, or the defaults (unsaved) when staff set none."""
    return BookingRule.objects.filter(facility=facility).first() or BookingRule(facility=facility, **DEFAULT_RULE)


def _own(actor, profile):
    if getattr(actor, "pk", None) != profile.user_id:
        raise PermissionDenied("只能以本人账号预约")


def _check_hours(facility, rule, start, end):
    local_start, local_end = timezone.localtime(start), timezone.localtime(end)
    if local_start.date() != (local_end - datetime.timedelta(microseconds=1)).date():
        raise ValidationError({"starts_at": "预约不能跨天"})
    step = datetime.timedelta(minutes=rule.slot_minutes)
    for a, b in facility.hours_on(local_start.date()):
        open_at = local_start.replace(hour=a.hour, minute=a.minute, second=0, microsecond=0)
        close_at = local_start.replace(hour=b.hour, minute=b.minute, second=0, microsecond=0)
        if open_at <= local_start and local_end <= close_at:
            if (local_start - open_at) % step:
                raise ValidationError({"starts_at": f"请按 {rule.slot_minutes} 分钟的时段预约"})
            return
    hours = facility.hours_display() or "未设置开放时间"
    raise ValidationError({"starts_at": f"所选时间不在开放时间内（开放时间：{hours}）"})


@action
def book(*, actor, profile, facility, starts_at, slots=1, attendees=1, purpose=""):
    """Book `slots` consecutive slots of a facility from `starts_at`. Bad input (outside the
    opening hours, over the weekly limit, a taken slot …) gets a clear Chinese error and writes
    nothing."""
    from gridgov.community.choices import FacilityStatus
    from gridgov.community.models import Facility

    _own(actor, profile)
    facility = Facility.objects.select_for_update().get(pk=facility.pk)  # one booker per facility at a time
    if not facility.bookable or facility.status != FacilityStatus.BUILT:
        raise ValidationError("该场地暂不接受预约")
    rule = rule_for(facility)
    if rule.verified_only and not profile.is_verified:
        raise ValidationError("请先完成实名认证再预约")
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    slots = int(slots or 1)
    if not 1 <= slots <= rule.max_slots_per_booking:
        raise ValidationError({"slots": f"一次最多预约 {rule.max_slots_per_booking} 个时段"})
    ends_at = starts_at + datetime.timedelta(minutes=rule.slot_minutes * slots)
    now = clock.now()
    if starts_at <= now:
        raise ValidationError({"starts_at": "不能预约已开始或已过去的时段"})
    if starts_at > now + datetime.timedelta(days=rule.advance_days):
        raise ValidationError({"starts_at": f"最多提前 {rule.advance_days} 天预约"})
    _check_hours(facility, rule, starts_at, ends_at)
    attendees = int(attendees or 1)
    if attendees < 1 or (facility.capacity and attendees > facility.capacity):
        raise ValidationError({"attendees": f"使用人数须在 1–{facility.capacity or 1} 人之间"})
    purpose = (purpose or "").strip()[:100]
    if not purpose:
        raise ValidationError({"purpose": "请填写用途"})
    local = timezone.localtime(starts_at)
    week_start = timezone.make_aware(datetime.datetime.combine(
        local.date() - datetime.timedelta(days=local.weekday()), datetime.time.min))
    used = Booking.objects.filter(facility=facility, resident=profile, state__in=ACTIVE_BOOKING_STATES,
                                  starts_at__gte=week_start,
                                  starts_at__lt=week_start + datetime.timedelta(days=7)).count()
    if used >= rule.max_per_week:
        raise ValidationError(f"超过预约上限：该场地每人每周最多预约 {rule.max_per_week} 次")
    if Booking.objects.filter(facility=facility, state__in=ACTIVE_BOOKING_STATES, starts_at__lt=ends_at,
                              ends_at__gt=starts_at).exists():
        raise ValidationError({"starts_at": "该时段已被预约，请选择其他时段"})
    booking = Booking(facility=facility, resident=profile, division_code=facility.division_code,
                      starts_at=starts_at, ends_at=ends_at, attendees=attendees, purpose=purpose,
                      state=BookingState.PENDING if rule.needs_approval else BookingState.CONFIRMED)
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError:  # the PostgreSQL exclusion constraint: someone got there first
        raise ValidationError({"starts_at": "该时段已被预约，请选择其他时段"})
    audit.record(actor, "portal.book", booking, after={"facility": facility.pk, "from": starts_at.isoformat(),
                                                        "to": ends_at.isoformat(), "state": booking.state})
    return booking


@action
def decide_booking(*, actor, booking, approve, note=""):
    """Community staff approve or reject a booking waiting for approval."""
    require(actor, "portal.change_booking", booking.division_code)
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.state != BookingState.PENDING:
        raise ValidationError("该预约不在待审批状态")
    booking.state = BookingState.CONFIRMED if approve else BookingState.REJECTED
    booking.decided_by, booking.decided_at, booking.decision_note = actor, clock.now(), (note or "")[:200]
    booking.save()
    audit.record(actor, "portal.decide_booking", booking, after={"state": booking.state, "note": note})
    return booking


@action
def cancel_booking(*, actor, booking):
    """The resident cancels until the rule's N hours before the start; staff may cancel anytime."""
    booking = Booking.objects.select_for_update().select_related("resident").get(pk=booking.pk)
    if booking.state not in ACTIVE_BOOKING_STATES:
        raise ValidationError("该预约已结束或已取消")
    own = getattr(actor, "pk", None) == booking.resident.user_id
    if not own:
        require(actor, "portal.change_booking", booking.division_code)
    else:
        rule = rule_for(booking.facility)
        if clock.now() > booking.starts_at - datetime.timedelta(hours=rule.cancel_hours_before):
            raise ValidationError(f"开始前 {rule.cancel_hours_before} 小时内不能取消，请联系社区")
    booking.state = BookingState.CANCELLED
    booking.save(update_fields=["state"])
    audit.record(actor, "portal.cancel_booking", booking)
    return booking


def _check_rating(rating, comment):
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": "请选择 1–5 星评价"})
    return rating, (comment or "").strip()[:200]


@action
def rate_booking(*, actor, booking, rating, comment=""):
    _own(actor, booking.resident)
    if booking.state != BookingState.CONFIRMED:
        raise ValidationError("只能评价已确认的预约")
    if booking.rating:
        raise ValidationError("已评价过")
    booking.rating, booking.rating_comment = _check_rating(rating, comment)
    booking.save(update_fields=["rating", "rating_comment"])
    audit.record(actor, "portal.rate_booking", booking, after={"rating": booking.rating})
    return booking


@action
def set_booking_rule(*, actor, facility, **values):
    require(actor, "portal.change_bookingrule", facility.division_code)
    rule = BookingRule.objects.filter(facility=facility).first() or BookingRule(
        facility=facility, division_code=facility.division_code, **DEFAULT_RULE)
    before = audit.snapshot(rule) if rule.pk else None
    for name, value in values.items():
        if name not in DEFAULT_RULE and name != "note":
            raise ValueError(f"不可修改的字段：{name}")
        setattr(rule, name, value)
    rule.full_clean(exclude=["facility"])
    rule.save()
    audit.record(actor, "portal.set_booking_rule", rule, before=before, after=audit.snapshot(rule))
    return rule


@action
def save_session(*, actor, community, title, kind, place, description="", provider="", slots=(), session=None):
    """Publish a public-interest service with its slots [(starts_at, ends_at, capacity)]."""
    require(actor, "portal.add_session" if session is None else "portal.change_session", community.code)
    if not (title or "").strip() or not (place or "").strip():
        raise ValidationError("请填写名称和地点")
    session = session or Session(community=community, division_code=community.code, created_by=actor)
    session.title, session.kind, session.place = title.strip()[:100], kind, place.strip()[:120]
    session.description, session.provider = description[:2000], provider[:100]
    session.full_clean(exclude=["community", "created_by"])
    session.save()
    for i, (start, end, capacity) in enumerate(slots, 1):
        if end <= start or int(capacity) < 1:
            raise ValidationError(f"第 {i} 个时段：结束时间须晚于开始时间，名额至少 1")
        SessionSlot.objects.create(session=session, division_code=session.division_code, starts_at=start,
                                   ends_at=end, capacity=int(capacity))
    audit.record(actor, "portal.save_session", session, after={"title": session.title, "slots": len(slots)})
    from ..homecache import invalidate_home

    transaction.on_commit(lambda: invalidate_home(community.code))
    return session


@action
def remove_session(*, actor, session):
    """删除 a public-interest service. With no sign-up ever, the session and its slots are deleted.
    Otherwise it is withdrawn (撤下): unpublished, its upcoming sign-ups cancelled and their places
    released, and past sign-ups (with their ratings) kept. Returns "deleted" or "withdrawn"."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    require(actor, "portal.change_session", session.division_code)
    code = session.division_code
    signups = SessionSignup.objects.filter(slot__session=session)
    if not signups.exists():
        before = {"title": session.title, "slots": session.slots.count()}
        audit.record(actor, "portal.remove_session", session, before=before, reason="删除（无人报名）")
        session.delete()
        outcome = "deleted"
    else:
        now = clock.now()
        upcoming = list(signups.filter(cancelled_at__isnull=True, slot__starts_at__gt=now).select_for_update())
        for signup in upcoming:
            SessionSlot.objects.filter(pk=signup.slot_id).update(taken=F("taken") - 1)
        SessionSignup.objects.filter(pk__in=[s.pk for s in upcoming]).update(cancelled_at=now)
        session.is_published = False
        session.save(update_fields=["is_published", "updated_at"])
        audit.record(actor, "portal.remove_session", session, before={"is_published": True},
                     after={"is_published": False, "cancelled_signups": len(upcoming)}, reason="撤下（已有报名）")
        outcome = "withdrawn"
    from ..homecache import invalidate_home

    transaction.on_commit(lambda: invalidate_home(code[:12]))
    return outcome


@action
def sign_up_session(*, actor, profile, slot, for_person=None):
    """Take one place in a session slot (for oneself or an elder one acts for)."""
    from ..access import acting_for

    _own(actor, profile)
    if not profile.is_verified:
        raise ValidationError("请先完成实名认证再报名")
    if for_person is not None and not acting_for(profile).filter(pk=for_person.pk).exists():
        raise PermissionDenied("您没有代该老人报名的授权")
    slot = SessionSlot.objects.select_for_update().get(pk=slot.pk)
    if slot.starts_at <= clock.now():
        raise ValidationError("该时段已开始，不能报名")
    if SessionSignup.objects.filter(slot=slot, resident=profile, cancelled_at__isnull=True).exists():
        raise ValidationError("您已报名该时段")
    if slot.taken >= slot.capacity:
        raise ValidationError("该时段名额已满")
    SessionSlot.objects.filter(pk=slot.pk).update(taken=F("taken") + 1)
    signup = SessionSignup.objects.create(slot=slot, resident=profile, for_person=for_person,
                                          division_code=slot.division_code)
    audit.record(actor, "portal.sign_up_session", signup, after={"slot": slot.pk})
    return signup


@action
def cancel_signup(*, actor, signup):
    if getattr(actor, "pk", None) != signup.resident.user_id and not can(actor, "portal.change_sessionsignup",
                                                                          signup.division_code):
        raise PermissionDenied("没有权限")
    if signup.cancelled_at:
        raise ValidationError("已取消")
    SessionSlot.objects.select_for_update().filter(pk=signup.slot_id).update(taken=F("taken") - 1)
    signup.cancelled_at = clock.now()
    signup.save(update_fields=["cancelled_at"])
    audit.record(actor, "portal.cancel_signup", signup)
    return signup


@action
def rate_signup(*, actor, signup, rating, comment=""):
    _own(actor, signup.resident)
    if signup.cancelled_at or signup.rating:
        raise ValidationError("该报名不能再评价")
    signup.rating, signup.rating_comment = _check_rating(rating, comment)
    signup.save(update_fields=["rating", "rating_comment"])
    audit.record(actor, "portal.rate_signup", signup, after={"rating": signup.rating})
    return signup
