"""Actions on the organisation tree: keep one organisation per division in step with the
division tree, move a branch with its members when grids change, set the secretary."""

from django.core.exceptions import ValidationError

from gridgov.accounts.choices import RoleCode
from gridgov.accounts.models import Role, RoleAssignment
from gridgov.accounts.roles import ensure_roles
from gridgov.core import audit, clock
from gridgov.core.access import require_district_wide
from gridgov.core.actors import action
from gridgov.divisions.models import Division

from ..choices import ORG_KIND_BY_LEVEL, ORG_SUFFIX, ActivityStatus, OrgHistoryAction, OrgKind, RequestStatus
from ..models import (
    OrganizationHistory,
    PartyMember,
    PartyOrganization,
    PostClaim,
    Registration,
    ServiceActivity,
)
from ._common import require_staff, user_of


def org_name(division):
    """武陵区 → 中共武陵区委; 丹阳街道 → 丹阳街道党工委; A社区第一网格 → A社区第一网格党支部."""
    kind = ORG_KIND_BY_LEVEL[division.level]
    if kind == OrgKind.DISTRICT_COMMITTEE:
        base = division.name[:-1] if division.name.endswith("区") else division.name
        return f"中共{base}区委"
    return f"{division.name}{ORG_SUFFIX[kind]}"


@action
def sync_organizations(*, actor, divisions=None):
    """Create or update one organisation per division of levels 1–4 (idempotent). A retired
    division retires its organisation; a renamed or re-parented one follows. Bulk: one pass per
    level. `divisions` limits the pass (with their ancestors); default is the whole tree.
    Returns {"created", "updated", "retired"}."""
    qs = Division.objects.all()
    if divisions is not None:
        codes = set()
        for d in divisions:
            codes.add(d.code)
            codes.update(a.code for a in d.ancestors())
        qs = qs.filter(code__in=codes)
    divs = sorted(qs, key=lambda d: (d.level, d.code))
    root_code = divs[0].code if divs else ""
    if divisions is None or not divs:  # the whole tree
        require_district_wide(actor, "party.add_partyorganization")
    else:
        require_staff(actor, "party.add_partyorganization", root_code)
    now = clock.now()
    existing = {o.division_id: o for o in PartyOrganization.objects.filter(division__in=[d.pk for d in divs])}
    parents = {o.division_id: o for o in PartyOrganization.objects.filter(
        division__in={d.parent_id for d in divs if d.parent_id})}
    parents.update(existing)
    counts = {"created": 0, "updated": 0, "retired": 0}
    history = []
    for level in (1, 2, 3, 4):
        new = []
        for d in (x for x in divs if x.level == level):
            parent = parents.get(d.parent_id)
            org = existing.get(d.pk)
            if org is None:
                org = PartyOrganization(
                    division=d, division_code=d.code, parent=parent, kind=ORG_KIND_BY_LEVEL[level],
                    name=org_name(d), is_active=d.is_active, created_at=now,
                )
                new.append(org)
                continue
            changed = []
            if org.parent_id != (parent.pk if parent else None):
                org.parent = parent
                changed.append("parent")
            if org.division_code != d.code:
                org.division_code = d.code
                changed.append("division_code")
            if org.name != org_name(d):
                org.name = org_name(d)
                changed.append("name")
                history.append(OrganizationHistory(organization=org, at=now, action=OrgHistoryAction.RENAMED,
                                                   to_division=d, note=org.name, actor=user_of(actor)))
            if org.is_active != d.is_active:
                org.is_active = d.is_active
                changed.append("is_active")
                action = OrgHistoryAction.RETIRED if not d.is_active else OrgHistoryAction.REACTIVATED
                counts["retired"] += not d.is_active
                history.append(OrganizationHistory(organization=org, at=now, action=action, from_division=d,
                                                   actor=user_of(actor)))
            if changed:
                org.save(update_fields=changed)
                counts["updated"] += 1
        if new:
            PartyOrganization.objects.bulk_create(new, batch_size=1000)
            for org in new:
                existing[org.division_id] = parents[org.division_id] = org
                history.append(OrganizationHistory(organization=org, at=now, action=OrgHistoryAction.CREATED,
                                                   to_division_id=org.division_id, actor=user_of(actor)))
            counts["created"] += len(new)
    OrganizationHistory.objects.bulk_create(history, batch_size=2000)
    audit.record(actor, "party.sync_organizations", ("party.partyorganization", "sync", "同步党组织"),
                 after=counts, division_code=root_code)
    return counts


@action
def move_branch(*, actor, from_grid, to_grid, note=""):
    """When a grid is retired, split or merged (partition publish), the members of its branch
    follow to the branch of `to_grid` with their pending registrations, claims and unverified
    records; verified history stays where it happened. Writes history rows on both branches."""
    require_staff(actor, "party.change_partyorganization", from_grid.code)
    require_staff(actor, "party.change_partyorganization", to_grid.code)
    if to_grid.level != 4 or from_grid.level != 4:
        raise ValidationError("只能在网格党支部之间迁移")
    sync_organizations(actor=actor, divisions=[from_grid, to_grid])
    source = PartyOrganization.objects.select_for_update().get(division=from_grid)
    target = PartyOrganization.objects.select_for_update().get(division=to_grid)
    if source.pk == target.pk:
        return 0
    code = to_grid.code
    moved = PartyMember.objects.filter(branch=source).update(branch=target, grid=to_grid, division_code=code)
    PartyMember.objects.filter(branch__isnull=True, grid=from_grid).update(grid=to_grid, division_code=code)
    Registration.objects.filter(branch=source, status=RequestStatus.PENDING).update(branch=target, division_code=code)
    PostClaim.objects.filter(branch=source, status__in=[RequestStatus.PENDING, RequestStatus.APPROVED]).update(
        branch=target, division_code=code)
    ServiceActivity.objects.filter(branch=source, status=ActivityStatus.PENDING).update(
        branch=target, division_code=code)
    now = clock.now()
    OrganizationHistory.objects.bulk_create([
        OrganizationHistory(organization=source, at=now, action=OrgHistoryAction.MOVED, from_division=from_grid,
                            to_division=to_grid, members_moved=moved, note=note[:200], actor=user_of(actor)),
        OrganizationHistory(organization=target, at=now, action=OrgHistoryAction.MOVED, from_division=from_grid,
                            to_division=to_grid, members_moved=moved, note=note[:200], actor=user_of(actor)),
    ])
    audit.record(actor, "party.move_branch", source, after={"to": target.pk, "members": moved}, reason=note,
                 division_code=from_grid.code)
    return moved


@action
def update_organization(*, actor, organization, secretary=None, committee=None, **fields):
    """Edit contact details, the secretary and committee members (chosen from its members)."""
    require_staff(actor, "party.change_partyorganization", organization.division_code)
    allowed = {"contact_name", "contact_phone", "residents_committee", "workstation"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"不可修改的字段：{', '.join(sorted(unknown))}")
    before = audit.snapshot(organization)
    previous = organization.secretary
    prefix = organization.division_code if organization.is_branch else organization.division.path
    for m in ([secretary] if secretary else []) + list(committee or []):
        if not m.division_code.startswith(prefix):
            raise ValidationError({"secretary": f"{m} 不是本组织的党员"})
    for k, v in fields.items():
        setattr(organization, k, v)
    if secretary is not None:
        organization.secretary = secretary
    organization.full_clean(exclude=["division", "parent"])
    organization.save()
    if committee is not None:
        organization.committee.set(committee)
    after = audit.snapshot(organization)
    audit.record(actor, "party.update_organization", organization, *audit.diff(before, after))
    if secretary is not None and (previous is None or previous.pk != secretary.pk):
        hand_over_secretary_role(actor=actor, organization=organization, previous=previous, secretary=secretary)
    return organization


@action
def hand_over_secretary_role(*, actor, organization, previous, secretary):
    """The secretary's platform account holds the 党组织书记 role over the organisation's
    division (verify records, decide registrations and claims, run volunteer events there); the
    previous secretary's grant over that division ends. A secretary without an account gets no
    grant — returns False then, so the page can say so."""
    role = Role.objects.filter(code=RoleCode.PARTY_SECRETARY).first() or ensure_roles()[RoleCode.PARTY_SECRETARY]
    division = organization.division
    if previous is not None and previous.user_id and (secretary is None or previous.user_id != secretary.user_id):
        gone = RoleAssignment.objects.filter(user_id=previous.user_id, role=role, division=division).delete()[0]
        if gone:
            audit.record(actor, "accounts.revoke_role", previous.user, before={"role": role.code},
                         reason=f"不再担任{organization.name}书记", division_code=division.code)
    if secretary is None or not secretary.user_id:
        return False
    _, created = RoleAssignment.objects.get_or_create(user_id=secretary.user_id, role=role, division=division)
    if created:
        audit.record(actor, "accounts.assign_role", secretary.user, after={"role": role.code},
                     reason=f"任{organization.name}书记", division_code=division.code)
    return True


@action
def follow_persons(*, actor, grids=None):
    """After a grid split or merge the registry has moved persons to their new grids; move each
    active member whose person now lives in another grid to that grid's branch (pending claims
    end — posts are per grid). `grids` limits the pass to members of those old grids. Returns the
    number of members moved; each receiving branch gets a history row."""
    from django.db.models import F

    from ..choices import MemberStatus

    members = PartyMember.objects.filter(status=MemberStatus.ACTIVE).exclude(person__grid_id=F("grid_id"))
    if grids is not None:
        members = members.filter(grid__in=list(grids))
    moves = list(members.values_list("pk", "person__grid_id", "branch_id"))
    if not moves:
        return 0
    targets = Division.objects.filter(pk__in={g for _, g, _ in moves})
    for t in targets:
        require_staff(actor, "party.change_partyorganization", t.code)
    sync_organizations(actor=actor, divisions=list(targets))
    branch_of = {o.division_id: o for o in PartyOrganization.objects.filter(division__in=targets)}
    now = clock.now()
    by_target = {}
    for pk, grid_id, branch_id in moves:
        by_target.setdefault(grid_id, []).append((pk, branch_id))
    history = []
    for grid_id, items in by_target.items():
        org = branch_of[grid_id]
        ids = [pk for pk, _ in items]
        registered = [pk for pk, b in items if b]
        PartyMember.objects.filter(pk__in=ids).update(grid_id=grid_id, division_code=org.division_code)
        PartyMember.objects.filter(pk__in=registered).update(branch=org)
        PostClaim.objects.filter(member__in=ids, status__in=[RequestStatus.PENDING, RequestStatus.APPROVED]).update(
            status=RequestStatus.ENDED, decided_at=now, decision_note="网格调整，请在新网格重新认岗")
        Registration.objects.filter(member__in=ids, status=RequestStatus.PENDING).update(
            branch=org, division_code=org.division_code)
        ServiceActivity.objects.filter(member__in=ids, status=ActivityStatus.PENDING).update(
            branch=org, division_code=org.division_code)
        history.append(OrganizationHistory(organization=org, at=now, action=OrgHistoryAction.MOVED,
                                           to_division_id=grid_id, members_moved=len(ids),
                                           note="网格调整，党员随居住地迁入", actor=user_of(actor)))
    OrganizationHistory.objects.bulk_create(history)
    audit.record(actor, "party.follow_persons", ("party.partymember", "follow", "党员随网格调整"),
                 after={"moved": len(moves)})
    return len(moves)
