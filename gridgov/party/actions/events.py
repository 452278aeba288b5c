"""Actions on volunteer events (党员志愿服务先锋行): publish, sign up (no double booking,
capacity enforced under row locks), check in/out; attendance becomes a verified record."""

from django.core.exceptions import ValidationError

from gridgov.core import audit, clock
from gridgov.core.actors import action

from .. import capping, sums
from ..choices import ACTIVE_SIGNUP, ActivityStatus, EventStatus, ItemSource, MemberStatus, SignupStatus
from ..models import EventSignup, PartyMember, ServiceActivity, VolunteerEvent
from ._common import require_self_or, require_staff
from .service import current_post_id


@action
def publish_event(*, actor, organization, title, place, starts_at, ends_at, capacity, item, description=""):
    """An organisation publishes a volunteer event with a time window and capacity."""
    require_staff(actor, "party.add_volunteerevent", organization.division_code)
    errors = {}
    if ends_at <= starts_at:
        errors["ends_at"] = "结束时间必须晚于开始时间"
    if not capacity or capacity < 1:
        errors["capacity"] = "名额至少为 1"
    if errors:
        raise ValidationError(errors)
    event = VolunteerEvent.objects.create(
        organization=organization, division_code=organization.division_code, title=title[:100], place=place[:120],
        starts_at=starts_at, ends_at=ends_at, capacity=capacity, item=item, description=description,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(actor, "party.publish_event", event, after=audit.snapshot(event))
    return event


@action
def cancel_event(*, actor, event, reason=""):
    """Cancel an event; its signups are cancelled."""
    require_staff(actor, "party.change_volunteerevent", event.division_code)
    event.status = EventStatus.CANCELLED
    event.save(update_fields=["status"])
    event.signups.filter(status=SignupStatus.SIGNED_UP).update(status=SignupStatus.CANCELLED)
    audit.record(actor, "party.cancel_event", event, after={"status": event.status}, reason=reason)
    return event


@action
def sign_up(*, actor, event, member):
    """Sign a member up. The member row and the event row are locked so that neither a double
    booking (two overlapping events) nor an overfull event can slip through concurrent requests."""
    require_self_or(actor, member, "party.add_eventsignup")
    member = PartyMember.objects.select_for_update().get(pk=member.pk)
    event = VolunteerEvent.objects.select_for_update().get(pk=event.pk)
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError("该党员已离开，不能报名")
    if event.status != EventStatus.PUBLISHED or event.ends_at <= clock.now():
        raise ValidationError("该活动已结束或已取消，不能报名")
    if EventSignup.objects.filter(event=event, member=member, status__in=ACTIVE_SIGNUP).exists():
        raise ValidationError("已报名该活动")
    clash = (EventSignup.objects.filter(member=member, status__in=ACTIVE_SIGNUP,
                                        event__starts_at__lt=event.ends_at, event__ends_at__gt=event.starts_at)
             .exclude(event__status=EventStatus.CANCELLED).select_related("event").first())
    if clash:
        raise ValidationError(f"与已报名的活动“{clash.event.title}”时间冲突")
    if EventSignup.objects.filter(event=event, status__in=ACTIVE_SIGNUP).count() >= event.capacity:
        raise ValidationError("活动名额已满")
    signup = EventSignup.objects.create(event=event, member=member, division_code=event.division_code,
                                        signed_up_at=clock.now())
    audit.record(actor, "party.sign_up", signup, after={"event": event.pk, "member": member.pk})
    return signup


@action
def cancel_signup(*, actor, signup):
    """The member withdraws before the event starts."""
    require_self_or(actor, signup.member, "party.change_eventsignup")
    if signup.status != SignupStatus.SIGNED_UP:
        raise ValidationError("已签到的报名不能取消")
    signup.status = SignupStatus.CANCELLED
    signup.save(update_fields=["status"])
    audit.record(actor, "party.cancel_signup", signup, after={"status": signup.status})
    return signup


@action
def check_in(*, actor, signup):
    """Check in at the event (from the event's opening until its end)."""
    signup = EventSignup.objects.select_for_update().select_related("event", "member").get(pk=signup.pk)
    require_self_or(actor, signup.member, "party.change_eventsignup")
    now = clock.now()
    if signup.status != SignupStatus.SIGNED_UP:
        raise ValidationError("当前状态不能签到")
    if not (signup.event.starts_at.timestamp() - 3600 <= now.timestamp() <= signup.event.ends_at.timestamp()):
        raise ValidationError("不在活动时间内，不能签到（开始前 1 小时起可签到）")
    signup.status, signup.checked_in_at = SignupStatus.CHECKED_IN, now
    signup.save(update_fields=["status", "checked_in_at"])
    audit.record(actor, "party.check_in", signup, after={"at": now.isoformat()})
    return signup


@action
def check_out(*, actor, signup):
    """Check out: the attendance becomes a verified service record of the event's item."""
    signup = EventSignup.objects.select_for_update().select_related("event__item", "member").get(pk=signup.pk)
    require_self_or(actor, signup.member, "party.change_eventsignup")
    if signup.status != SignupStatus.CHECKED_IN:
        raise ValidationError("请先签到")
    now = clock.now()
    member, event = signup.member, signup.event
    activity = ServiceActivity.objects.create(
        member=member, branch_id=member.branch_id, post_id=current_post_id(member) or event.item.post_id,
        item=event.item, source=ItemSource.VOLUNTEER, source_ref=f"signup:{signup.pk}",
        division_code=member.division_code, occurred_at=signup.checked_in_at, place=event.place,
        duration_minutes=int((now - signup.checked_in_at).total_seconds() // 60), note=f"志愿活动：{event.title}",
        points=capping.capped(event.item, event.item.points, member.pk, signup.checked_in_at,
                              statuses=(ActivityStatus.VERIFIED,)),
        status=ActivityStatus.VERIFIED, check_in_at=signup.checked_in_at,
        check_out_at=now, verified_at=now,
    )
    sums.refresh([(activity.division_code, sums.month_of(activity.occurred_at))])
    signup.status, signup.checked_out_at, signup.activity = SignupStatus.ATTENDED, now, activity
    signup.save(update_fields=["status", "checked_out_at", "activity"])
    audit.record(actor, "party.check_out", signup, after={"activity": activity.pk})
    from ..scoring import score_members

    score_members([member.pk], notify=False)
    return signup
