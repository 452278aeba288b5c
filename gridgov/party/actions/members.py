"""Actions on members: create, register at a grid (报到), transfer, leave, work units."""

from django.core.exceptions import ValidationError
from django.db import transaction

from gridgov.core import audit, clock
from gridgov.core.access import ensure_visible
from gridgov.core.actors import action
from gridgov.core.notify import notify

from ..choices import MemberCategory, MemberStatus, RegistrationKind, RequestStatus, SignupStatus
from ..models import EventSignup, PartyMember, PartyOrganization, PostClaim, Registration, WorkUnit
from ._common import is_system, require_self_or, require_staff, user_of
from .org import hand_over_secretary_role


def branch_of(grid):
    """The active grid branch of a grid (organisations are created by sync_organizations)."""
    org = PartyOrganization.objects.filter(division=grid, is_active=True).first()
    if org is None:
        raise ValidationError({"grid": f"网格“{grid}”尚未建立党支部"})
    return org


def _check_category(category, work_unit, origin_organization):
    if category == MemberCategory.IN_SERVICE and work_unit is None:
        raise ValidationError({"work_unit": "在职党员必须填写工作单位"})
    if category == MemberCategory.FLOATING and not origin_organization:
        raise ValidationError({"origin_organization": "流动党员必须填写原党组织"})


@action
def create_member(*, actor, person, category, grid=None, work_unit=None, origin_organization="", joined_on=None,
                  user=None, skills="", register=False):
    """Add a party member for a registry person. `grid` defaults to the person's grid; with
    `register` the member is registered at its branch at once (staff-entered members)."""
    grid = grid or person.grid
    require_staff(actor, "party.add_partymember", grid.code)
    _check_category(category, work_unit, origin_organization)
    if PartyMember.objects.filter(person=person).exists():
        raise ValidationError({"person": f"{person.name} 已是登记在册的党员"})
    now = clock.now()
    member = PartyMember(
        person=person, user=user, name=person.name, category=category, work_unit=work_unit,
        origin_organization=origin_organization, joined_on=joined_on, grid=grid, division_code=grid.code,
        skills=skills,
    )
    if register:
        member.branch = branch_of(grid)
        member.registered_at = now
    member.full_clean(exclude=["person", "user", "grid", "branch", "work_unit"])
    member.save()
    if register:
        Registration.objects.create(member=member, branch=member.branch, division_code=grid.code,
                                    status=RequestStatus.APPROVED, requested_at=now, decided_at=now,
                                    decided_by=user_of(actor), note="登记时直接报到")
    audit.record(actor, "party.create_member", member, after=audit.snapshot(member))
    if not is_system(actor):
        ensure_visible(actor, member)
    return member


@action
def update_member(*, actor, member, **fields):
    """Edit a member's category, unit, origin organisation, skills, account link."""
    require_staff(actor, "party.change_partymember", member.division_code)
    allowed = {"category", "work_unit", "origin_organization", "joined_on", "skills", "user"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"不可修改的字段：{', '.join(sorted(unknown))}")
    before = audit.snapshot(member)
    old_user_id = member.user_id
    for k, v in fields.items():
        setattr(member, k, v)
    _check_category(member.category, member.work_unit, member.origin_organization)
    member.save()
    audit.record(actor, "party.update_member", member, *audit.diff(before, audit.snapshot(member)))
    if member.user_id != old_user_id:  # a secretary's grant follows the account link
        former = PartyMember(pk=member.pk, user_id=old_user_id)
        for org in PartyOrganization.objects.filter(secretary=member).select_related("division"):
            hand_over_secretary_role(actor=actor, organization=org, previous=former, secretary=member)
    return member


@action
def request_registration(*, actor, member, grid, note=""):
    """A member asks to register (报到) at the branch of `grid` — usually where they live."""
    require_self_or(actor, member, "party.add_registration")
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError("该党员已离开，不能报到")
    branch = branch_of(grid)
    if member.branch_id == branch.pk:
        raise ValidationError({"grid": "已在该网格党支部报到"})
    if Registration.objects.filter(member=member, status=RequestStatus.PENDING).exists():
        raise ValidationError({"grid": "已有待审核的报到申请，请等待支部审核"})
    kind = RegistrationKind.TRANSFER if member.branch_id else RegistrationKind.REGISTER
    reg = Registration.objects.create(member=member, branch=branch, division_code=branch.division_code, kind=kind,
                                      requested_at=clock.now(), note=note[:200])
    audit.record(actor, "party.request_registration", reg, after=audit.snapshot(reg))
    return reg


def _place_member(member, branch, now):
    """Put a member in a branch; claims in the old grid end (posts are per grid)."""
    if member.branch_id and member.branch_id != branch.pk:
        PostClaim.objects.filter(member=member, status__in=[RequestStatus.PENDING, RequestStatus.APPROVED]).update(
            status=RequestStatus.ENDED, decided_at=now, decision_note="转接到其他支部")
    member.branch = branch
    member.grid_id = branch.division_id
    member.division_code = branch.division_code
    member.registered_at = now
    member.save(update_fields=["branch", "grid", "division_code", "registered_at"])


@action
def decide_registration(*, actor, registration, approve, note=""):
    """The branch approves or rejects a registration; on approval the member joins the branch."""
    reg = Registration.objects.select_for_update().select_related("member", "branch").get(pk=registration.pk)
    require_staff(actor, "party.change_registration", reg.division_code)
    if reg.status != RequestStatus.PENDING:
        raise ValidationError("该申请已处理")
    if not approve and not note.strip():
        raise ValidationError({"note": "驳回时请填写原因"})
    now = clock.now()
    reg.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    reg.decided_at, reg.decided_by, reg.decision_note = now, user_of(actor), note[:200]
    reg.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    member = PartyMember.objects.select_for_update().get(pk=reg.member_id)
    if approve:
        _place_member(member, reg.branch, now)
    audit.record(actor, "party.decide_registration", reg, after={"status": reg.status, "note": note})
    if member.user_id:
        title = f"报到申请{'已通过' if approve else '未通过'}：{reg.branch}"
        transaction.on_commit(lambda: notify(member.user, title, note, url="/party/me/", category="party"))
    return reg


@action
def transfer_member(*, actor, member, to_grid, note=""):
    """Staff move a member to another grid branch (组织关系转接) in one step."""
    require_staff(actor, "party.change_partymember", member.division_code)
    require_staff(actor, "party.change_partymember", to_grid.code)
    branch = branch_of(to_grid)
    if member.branch_id == branch.pk:
        raise ValidationError({"to_grid": "党员已在该支部"})
    now = clock.now()
    Registration.objects.filter(member=member, status=RequestStatus.PENDING).update(
        status=RequestStatus.ENDED, decided_at=now, decision_note="已由工作人员转接")
    reg = Registration.objects.create(member=member, branch=branch, division_code=branch.division_code,
                                      kind=RegistrationKind.TRANSFER, status=RequestStatus.APPROVED,
                                      requested_at=now, decided_at=now, decided_by=user_of(actor), note=note[:200])
    old = member.branch_id
    _place_member(member, branch, now)
    audit.record(actor, "party.transfer_member", member, before={"branch": old}, after={"branch": branch.pk},
                 reason=note)
    return reg


@action
def member_leaves(*, actor, member, note=""):
    """A member leaves the grid (moved away, relation transferred out): claims end, future
    signups are cancelled, history stays."""
    require_staff(actor, "party.change_partymember", member.division_code)
    if member.status == MemberStatus.LEFT:
        raise ValidationError("该党员已离开")
    now = clock.now()
    member.status = MemberStatus.LEFT
    member.left_on = clock.today()
    member.save(update_fields=["status", "left_on"])
    PostClaim.objects.filter(member=member, status__in=[RequestStatus.PENDING, RequestStatus.APPROVED]).update(
        status=RequestStatus.ENDED, decided_at=now, decision_note="党员已离开")
    Registration.objects.filter(member=member, status=RequestStatus.PENDING).update(
        status=RequestStatus.ENDED, decided_at=now, decision_note="党员已离开")
    EventSignup.objects.filter(member=member, status=SignupStatus.SIGNED_UP, event__starts_at__gt=now).update(
        status=SignupStatus.CANCELLED)
    for org in PartyOrganization.objects.filter(secretary=member).select_related("division"):
        org.secretary = None  # the office falls vacant, and the secretary's grant ends with it
        org.save(update_fields=["secretary"])
        hand_over_secretary_role(actor=actor, organization=org, previous=member, secretary=None)
    audit.record(actor, "party.member_leaves", member, after={"status": member.status}, reason=note)
    return member


@action
def create_work_unit(*, actor, name, division, credit_code="", party_org_name="", contact_name="",
                     contact_phone=""):
    """Register an employer of in-service members (dual management: unit + grid)."""
    require_staff(actor, "party.add_workunit", division.code)
    unit = WorkUnit(name=name.strip(), division=division, division_code=division.code, credit_code=credit_code,
                    party_org_name=party_org_name, contact_name=contact_name, contact_phone=contact_phone)
    unit.full_clean(exclude=["division"])
    unit.save()
    audit.record(actor, "party.create_work_unit", unit, after=audit.snapshot(unit))
    return unit
