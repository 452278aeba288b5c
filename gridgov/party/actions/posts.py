"""Actions on the six posts (六员): claims (认岗领责) within the per-grid capacity, and the
post / item / rule configuration party staff edit."""

from django.core.exceptions import ValidationError
from django.db import transaction

from gridgov.core import audit, clock
from gridgov.core.access import require_district_wide
from gridgov.core.actors import action
from gridgov.core.notify import notify

from ..choices import MemberStatus, RequestStatus
from ..models import PartyOrganization, PostClaim, RolePost, ScoringRule, ServiceItem
from ._common import require_self_or, require_staff, user_of


def filled(branch, post):
    return PostClaim.objects.filter(branch=branch, post=post, status=RequestStatus.APPROVED).count()


@action
def claim_post(*, actor, member, post, skills=""):
    """A registered member claims a post in their grid branch; the branch approves it."""
    require_self_or(actor, member, "party.add_postclaim")
    if member.status != MemberStatus.ACTIVE or not member.branch_id:
        raise ValidationError({"post": "请先在居住网格报到并通过审核，再认领岗位"})
    if not post.is_active:
        raise ValidationError({"post": "该岗位已停用"})
    if PostClaim.objects.filter(member=member, status__in=[RequestStatus.PENDING, RequestStatus.APPROVED]).exists():
        raise ValidationError({"post": "您已认领岗位或有待审核的认岗申请"})
    if filled(member.branch_id, post) >= post.capacity_per_grid:
        raise ValidationError({"post": f"本网格“{post.name}”名额已满（{post.capacity_per_grid} 人）"})
    claim = PostClaim.objects.create(member=member, post=post, branch_id=member.branch_id,
                                     division_code=member.division_code, skills=skills[:200],
                                     requested_at=clock.now())
    audit.record(actor, "party.claim_post", claim, after=audit.snapshot(claim))
    return claim


@action
def decide_claim(*, actor, claim, approve, note=""):
    """Approve or reject a claim. The branch row is locked so two approvals cannot both take
    the last place of a post."""
    claim = PostClaim.objects.select_for_update().select_related("post", "member").get(pk=claim.pk)
    require_staff(actor, "party.change_postclaim", claim.division_code)
    PartyOrganization.objects.select_for_update().filter(pk=claim.branch_id).first()
    if claim.status != RequestStatus.PENDING:
        raise ValidationError("该申请已处理")
    if not approve and not note.strip():
        raise ValidationError({"note": "驳回时请填写原因"})
    if approve and filled(claim.branch_id, claim.post) >= claim.post.capacity_per_grid:
        raise ValidationError(f"本网格“{claim.post.name}”名额已满（{claim.post.capacity_per_grid} 人）")
    claim.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    claim.decided_at, claim.decided_by, claim.decision_note = clock.now(), user_of(actor), note[:200]
    claim.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    audit.record(actor, "party.decide_claim", claim, after={"status": claim.status, "note": note})
    member = claim.member
    if member.user_id:
        title = f"认岗申请{'已通过' if approve else '未通过'}：{claim.post.name}"
        transaction.on_commit(lambda: notify(member.user, title, note, url="/party/me/", category="party"))
    return claim


@action
def release_claim(*, actor, claim, note=""):
    """End a claim (the member steps down from the post)."""
    require_self_or(actor, claim.member, "party.change_postclaim")
    if claim.status not in (RequestStatus.PENDING, RequestStatus.APPROVED):
        raise ValidationError("该认岗已结束")
    claim.status = RequestStatus.ENDED
    claim.decided_at, claim.decision_note = clock.now(), note[:200] or "主动退出岗位"
    claim.save(update_fields=["status", "decided_at", "decision_note"])
    audit.record(actor, "party.release_claim", claim, after={"status": claim.status})
    return claim


def _edit(actor, perm, obj, fields, allowed, action):
    require_district_wide(actor, perm)
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"不可修改的字段：{', '.join(sorted(unknown))}")
    before = audit.snapshot(obj) if obj.pk else None
    for k, v in fields.items():
        setattr(obj, k, v)
    obj.full_clean()
    obj.save()
    audit.record(actor, action, obj, *audit.diff(before, audit.snapshot(obj)), division_code="")
    return obj


POST_FIELDS = {"name", "duties", "capacity_per_grid", "target_period", "target_points", "sort", "is_active"}
ITEM_FIELDS = {"post", "name", "standard", "source", "points", "max_points_per_record", "max_points_per_day",
               "is_active"}
RULE_FIELDS = {"enabled", "behind_ratio", "grace_days", "notify_member", "notify_secretary"}


@action
def update_post(*, actor, post, **fields):
    """Edit a post's duties, capacity and target (rules are data)."""
    return _edit(actor, "party.change_rolepost", post, fields, POST_FIELDS, "party.update_post")


@action
def save_item(*, actor, item=None, **fields):
    """Create or edit a service item (quantified standard and points)."""
    if item is None:
        return _edit(actor, "party.add_serviceitem", ServiceItem(), fields, ITEM_FIELDS, "party.create_item")
    return _edit(actor, "party.change_serviceitem", item, fields, ITEM_FIELDS, "party.update_item")


@action
def update_rule(*, actor, rule, **fields):
    """Edit a scoring rule (behind ratio, grace days, who is reminded)."""
    return _edit(actor, "party.change_scoringrule", rule, fields, RULE_FIELDS, "party.update_rule")


__all__ = ["RolePost", "ScoringRule", "claim_post", "decide_claim", "release_claim", "save_item", "update_post",
           "update_rule"]
