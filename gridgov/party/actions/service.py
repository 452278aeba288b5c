"""Actions on service records (履职记录): a member logs, the branch verifies or rejects;
platform records (cases reported, volunteer attendance) arrive verified."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from gridgov.core import audit, clock, uploads
from gridgov.core.access import can, require_district_wide
from gridgov.core.actors import action
from gridgov.core.notify import notify

from .. import capping, sums
from ..choices import ActivityStatus, ItemSource, MemberStatus, RequestStatus
from ..models import ActivityPhoto, PostClaim, ServiceActivity
from ._common import require_self_or, require_staff, user_of

MAX_PHOTOS = 6


def current_post_id(member):
    return (PostClaim.objects.filter(member=member, status=RequestStatus.APPROVED)
            .values_list("post_id", flat=True).first())


@action
def log_activity(*, actor, member, item, occurred_at, duration_minutes=0, place="", note="", quantity=1,
                 photos=(), check_in_at=None, check_out_at=None):
    """A member records a piece of service (from the phone page). It counts only after the
    branch secretary verifies it."""
    require_self_or(actor, member, "party.add_serviceactivity")
    errors = {}
    if member.status != MemberStatus.ACTIVE or not member.branch_id:
        raise ValidationError("请先在居住网格报到并通过审核，再登记服务")
    if item.source != ItemSource.MANUAL:
        errors["item"] = "该事项由平台自动计分，无需手工登记"
    if not item.is_active:
        errors["item"] = "该服务事项已停用"
    if occurred_at > clock.now():
        errors["occurred_at"] = "服务时间不能晚于当前时间"
    if check_in_at and check_out_at and check_out_at < check_in_at:
        errors["check_out_at"] = "签退时间不能早于签到时间"
    quantity = Decimal(quantity or 1)
    if quantity <= 0 or quantity > 100:
        errors["quantity"] = "数量应在 1 到 100 之间"
    try:
        photos = uploads.clean_images(photos, max_count=MAX_PHOTOS)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    if check_in_at and check_out_at and not duration_minutes:
        duration_minutes = int((check_out_at - check_in_at).total_seconds() // 60)
    activity = ServiceActivity.objects.create(
        member=member, branch_id=member.branch_id, post_id=current_post_id(member) or item.post_id, item=item,
        division_code=member.division_code, occurred_at=occurred_at, duration_minutes=duration_minutes or 0,
        place=place[:120], note=note, quantity=quantity,
        points=capping.capped(item, item.points * quantity, member.pk, occurred_at),
        check_in_at=check_in_at, check_out_at=check_out_at,
    )
    for f in photos:
        ActivityPhoto.objects.create(activity=activity, image=f)
    audit.record(actor, "party.log_activity", activity, after=audit.snapshot(activity))
    return activity


@action
def verify_activity(*, actor, activity, approve=True, reason=""):
    """The branch secretary verifies (it counts) or rejects (with a reason) a pending record;
    the member's scores are recomputed at once so they see the score move."""
    activity = ServiceActivity.objects.select_for_update().select_related("member", "item").get(pk=activity.pk)
    require_staff(actor, "party.verify_serviceactivity", activity.division_code)
    if activity.status != ActivityStatus.PENDING:
        raise ValidationError("该记录已核实或已驳回")
    if not approve and not reason.strip():
        raise ValidationError({"reason": "驳回时请填写原因"})
    activity.status = ActivityStatus.VERIFIED if approve else ActivityStatus.REJECTED
    activity.verified_by, activity.verified_at = user_of(actor), clock.now()
    activity.reject_reason = "" if approve else reason[:200]
    if approve:  # the day's verified points stay within the item's cap
        activity.points = capping.capped(activity.item, activity.points, activity.member_id, activity.occurred_at,
                                         statuses=(ActivityStatus.VERIFIED,), exclude_pk=activity.pk)
    activity.save(update_fields=["status", "verified_by", "verified_at", "reject_reason", "points"])
    audit.record(actor, "party.verify_activity", activity, after={"status": activity.status, "reason": reason})
    if approve:
        sums.refresh([(activity.division_code, sums.month_of(activity.occurred_at))])
    from ..scoring import score_members

    score_members([activity.member_id], notify=False)
    member = activity.member
    if member.user_id and not approve:
        title = "服务记录被驳回"
        transaction.on_commit(lambda: notify(member.user, title, reason, url="/party/me/", category="party"))
    return activity


@action
def verify_many(*, actor, activities, approve=True, reason=""):
    """Verify or reject several records (the branch page's batch button)."""
    done = 0
    for a in activities:
        if can(actor, "party.verify_serviceactivity", a.division_code) and a.status == ActivityStatus.PENDING:
            verify_activity(actor=actor, activity=a, approve=approve, reason=reason)
            done += 1
    return done


# Sources another app may report service through (record_platform_activity); cases and
# volunteer attendance are made inside the party app itself.
PLATFORM_SOURCES = (ItemSource.PROXY,)


@action
def record_platform_activity(*, actor, member, source, source_ref, occurred_at, note="", place=""):
    """A piece of service another app saw the member complete (a delivered proxy service, 双代)
    becomes a VERIFIED service record of the member's item of that source: the item of the
    member's post if it has one, else the first active item of the source. Points and caps come
    from the item (data, edited on the 六员岗位 page). Idempotent on (source, source_ref): a second
    call returns the first record. Returns None when no item of that source is active (party
    staff switched it off: nothing counts). The caller passes its own actor: the member, or
    the system actor."""
    from ..models import ServiceItem

    if source not in PLATFORM_SOURCES:
        raise ValidationError({"source": "该来源不能由其他模块自动计分"})
    source_ref = str(source_ref or "")[:60]
    if not source_ref:
        raise ValidationError({"source_ref": "缺少来源记录"})
    require_self_or(actor, member, "party.verify_serviceactivity")
    existing = ServiceActivity.objects.filter(source=source, source_ref=source_ref).first()
    if existing is not None:
        return existing
    if member.status != MemberStatus.ACTIVE or not member.branch_id:
        raise ValidationError({"member": f"党员“{member.name}”未在网格报到，服务无法计入"})
    items = ServiceItem.objects.filter(source=source, is_active=True).order_by("post__sort", "id")
    post_id = current_post_id(member)
    item = (items.filter(post_id=post_id).first() if post_id else None) or items.first()
    if item is None:
        return None
    now = clock.now()
    activity = ServiceActivity.objects.create(
        member=member, branch_id=member.branch_id, post_id=post_id or item.post_id, item=item, source=source,
        source_ref=source_ref, division_code=member.division_code, occurred_at=occurred_at, place=place[:120],
        note=note, points=capping.capped(item, item.points, member.pk, occurred_at, statuses=(ActivityStatus.VERIFIED,)),
        status=ActivityStatus.VERIFIED, verified_at=now,
    )
    sums.refresh([(activity.division_code, sums.month_of(activity.occurred_at))])
    audit.record(actor, "party.record_platform_activity", activity,
                 after={"source": source, "source_ref": source_ref, "points": str(activity.points)})
    from ..scoring import score_members

    score_members([member.pk], notify=False)
    return activity


def _case_model():
    from django.apps import apps

    if not apps.is_installed("gridgov.cases"):
        return None
    try:
        model = apps.get_model("cases", "Case")
    except LookupError:
        return None
    names = {f.name for f in model._meta.get_fields()}
    return model if {"reporter", "reported_at"} <= names else None


@action
def import_case_activities(*, actor, start, end):
    """Cases the members reported through the platform in [start, end) become verified records
    of the 'cases' item of their post (idempotent via source_ref). Returns the number created."""
    from ..models import PartyMember, ServiceItem

    require_district_wide(actor, "party.verify_serviceactivity")
    Case = _case_model()
    items = {i.post_id: i for i in ServiceItem.objects.filter(source=ItemSource.CASES, is_active=True)}
    if Case is None or not items:
        return 0
    members = {m["user_id"]: m for m in PartyMember.objects.filter(
        status=MemberStatus.ACTIVE, branch__isnull=False, user__isnull=False).values(
        "id", "user_id", "branch_id", "division_code")}
    if not members:
        return 0
    posts = dict(PostClaim.objects.filter(status=RequestStatus.APPROVED).values_list("member_id", "post_id"))
    fallback = next(iter(items.values()))
    rows, now = [], clock.now()
    cases = Case.objects.filter(reporter_id__in=list(members), reported_at__gte=start, reported_at__lt=end)
    for pk, reporter_id, at in cases.values_list("pk", "reporter_id", "reported_at").iterator():
        m = members[reporter_id]
        item = items.get(posts.get(m["id"])) or fallback
        rows.append(ServiceActivity(
            member_id=m["id"], branch_id=m["branch_id"], post_id=item.post_id, item=item, source=ItemSource.CASES,
            source_ref=f"case:{pk}", division_code=m["division_code"], occurred_at=at, points=item.points,
            status=ActivityStatus.VERIFIED, verified_at=now, note="平台上报事件",
        ))
    rows = _cap_case_rows(rows, items)
    ServiceActivity.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    sums.refresh({(r.division_code, sums.month_of(r.occurred_at)) for r in rows})
    return len(rows)


def _cap_case_rows(rows, items):
    """The new ones of `rows` (a re-run finds the earlier ones by source_ref), capped per record
    and per member and day by their item, after what those days already counted."""
    from django.utils import timezone

    if not rows:
        return rows
    done = set()
    refs = [r.source_ref for r in rows]
    for i in range(0, len(refs), 900):
        done.update(ServiceActivity.objects.filter(source=ItemSource.CASES, source_ref__in=refs[i:i + 900])
                    .values_list("source_ref", flat=True))
    rows = sorted((r for r in rows if r.source_ref not in done), key=lambda r: r.occurred_at)
    capped_items = {i.pk: i for i in items.values() if i.max_points_per_day is not None}
    earned = {}
    if rows and capped_items:
        start = capping.day_bounds(rows[0].occurred_at)[0]
        end = capping.day_bounds(rows[-1].occurred_at)[1]
        existing = (ServiceActivity.objects.filter(item_id__in=list(capped_items), occurred_at__gte=start,
                                                   occurred_at__lt=end, member_id__in={r.member_id for r in rows})
                    .exclude(status=ActivityStatus.REJECTED)
                    .values_list("member_id", "item_id", "occurred_at", "points"))
        for member_id, item_id, at, points in existing.iterator():
            key = (member_id, item_id, timezone.localtime(at).date())
            earned[key] = earned.get(key, 0) + points
    by_pk = {i.pk: i for i in items.values()}
    return capping.cap_batch(lambda r: by_pk[r.item_id], rows, earned)
