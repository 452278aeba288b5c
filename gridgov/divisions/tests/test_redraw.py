"""Issue 4: drawing grids on the platform — job, proposal, publish (dependents move, history,
audit, atomicity), administrative re-division and grid health."""

import pytest
from django.core.exceptions import ValidationError

from gridgov.divisions.models import Division, DivisionChange, DivisionShape
from gridgov.divisions.redraw.choices import PartitionMode, ProposalStatus
from gridgov.divisions.redraw.streets import save_streets

pytest.importorskip("gridgov.partition")
registry = pytest.importorskip("gridgov.registry.models")

A, A1, A2 = "430702004001", "430702004001001", "430702004001002"
# Community A covers the two grid squares of the shared tree: [111.706, 111.710] × [29.040, 29.042].
A_SHAPE = {"type": "Polygon", "coordinates": [[[111.706, 29.04], [111.71, 29.04], [111.71, 29.042],
                                               [111.706, 29.042], [111.706, 29.04]]]}


def _line(*pts):
    return {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [list(p) for p in pts]},
            "properties": {"name": "测试路"}}


def make_buildings(tree, admin_user, heavy=18, light=8):
    """A 12 × 6 lattice of buildings: the left half (grid A1) has `heavy` households each, the
    right half (A2) `light` — A1 is over 500, A2 under 350. One house, household and person per
    building. Returns the Building list."""
    from gridgov.divisions.actions import set_shape

    set_shape(actor=admin_user, division=tree[A], geometry=A_SHAPE)
    save_streets([_line((111.706, 29.041), (111.71, 29.041)), _line((111.708, 29.04), (111.708, 29.042)),
                  _line((111.707, 29.04), (111.707, 29.042)), _line((111.709, 29.04), (111.709, 29.042))])
    buildings = []
    for i in range(12):
        for j in range(6):
            lng, lat = 111.706 + 0.004 * (i + 0.5) / 12, 29.04 + 0.002 * (j + 0.5) / 6
            grid = tree[A1] if i < 6 else tree[A2]
            buildings.append(registry.Building(
                grid=grid, division_code=grid.code, code=f"{(i % 6) * 6 + j + 1:05d}", address=f"测试路{i}-{j}", lng=lng, lat=lat,
                household_count=heavy if i < 6 else light))
    registry.Building.objects.bulk_create(buildings)
    houses = registry.House.objects.bulk_create([
        registry.House(grid=b.grid, division_code=b.division_code, building=b, room="101") for b in buildings])
    households = registry.Household.objects.bulk_create([
        registry.Household(grid=h.grid, division_code=h.division_code, house=h, number=f"H{h.building.pk}")
        for h in houses])
    registry.Person.objects.bulk_create([
        registry.Person(grid=hh.grid, division_code=hh.division_code, house=hh.house, household=hh,
                        name=f"居民{hh.number}") for hh in households])
    Division.objects.filter(code=A1).update(household_count=36 * heavy)
    Division.objects.filter(code=A2).update(household_count=36 * light)
    return buildings


def draw(admin_user, tree, **kw):
    from gridgov.divisions.redraw.jobs import start_partition

    proposal = start_partition(actor=admin_user, area=tree[A], run_now=True, **kw)
    proposal.refresh_from_db()
    return proposal


def assert_consistent():
    """Every house/household/person sits in its building's grid, with the grid's code."""
    for h in registry.House.objects.select_related("building", "grid"):
        assert h.grid_id == h.building.grid_id and h.division_code == h.grid.code
    for p in registry.Person.objects.select_related("house", "grid"):
        assert p.grid_id == p.house.grid_id and p.division_code == p.grid.code
    for hh in registry.Household.objects.select_related("house"):
        assert hh.grid_id == hh.house.grid_id
    for b in registry.Building.objects.select_related("grid"):
        assert b.division_code == b.grid.code and b.grid.is_active


@pytest.fixture
def city(tree, admin_user):
    return make_buildings(tree, admin_user)


def test_job_produces_a_draft_with_stable_codes(admin_user, tree, city):
    proposal = draw(admin_user, tree)
    assert proposal.status == ProposalStatus.DRAFT, proposal.error
    assert proposal.job.status == "succeeded"
    codes = [f["properties"]["code"] for f in proposal.grids["features"]]
    assert codes == [A1, A2]  # both grids survive and keep their codes
    assert proposal.report["share_in_range"] == 1.0
    assert sum(m["households"] for m in proposal.moves) > 0
    net = sum(m["households"] * (1 if m["from"] == A1 else -1) for m in proposal.moves)
    assert net > 0  # households go from the over-full A1 to A2
    assert len(proposal.assignment) == len(city)


def test_publish_moves_dependents_closes_shapes_and_audits(admin_user, tree, city):
    from gridgov.core.models import AuditEntry
    from gridgov.divisions.redraw.publish import publish_proposal

    proposal = draw(admin_user, tree)
    old_shape_ids = set(DivisionShape.objects.filter(division__code__in=[A1, A2]).values_list("pk", flat=True))
    summary = publish_proposal(actor=admin_user, proposal=proposal)
    assert summary["moved_buildings"] > 0
    assert_consistent()
    # buildings follow the assignment
    for b in registry.Building.objects.all():
        assert b.division_code == proposal.assignment[str(b.pk)]
    # old versions are closed, not changed; new current versions exist
    assert DivisionShape.objects.filter(pk__in=old_shape_ids, valid_to__isnull=False).count() == 2
    for code in (A1, A2):
        g = Division.objects.get(code=code)
        assert g.current_shape().version == 2 and g.is_active
        assert 350 <= g.household_count <= 500
    assert Division.objects.get(code=A).household_count == 936  # communities and streets recounted
    assert Division.objects.get(code="430702004000").household_count == 936
    assert AuditEntry.objects.filter(action="divisions.regrid").count() == 2
    entry = AuditEntry.objects.get(action="divisions.regrid", division_code=A1)
    assert entry.before["moved_out"]["households"] > 0
    assert AuditEntry.objects.filter(action="divisions.publish_proposal").exists()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PUBLISHED
    with pytest.raises(ValidationError):
        publish_proposal(actor=admin_user, proposal=proposal)


def test_publish_retires_a_grid_and_its_records_follow_the_successor(admin_user, tree, city):
    from gridgov.divisions.redraw.publish import publish_proposal

    proposal = draw(admin_user, tree, min_households=300, max_households=1000)
    codes = [f["properties"]["code"] for f in proposal.grids["features"]]
    assert codes == [A1]  # the heavier grid survives
    publish_proposal(actor=admin_user, proposal=proposal)
    a2 = Division.objects.get(code=A2)
    assert not a2.is_active and a2.valid_to is not None
    assert a2.shapes.filter(valid_to__isnull=True).count() == 0 and a2.shapes.count() == 1  # history kept
    assert not registry.Person.objects.filter(grid=a2).exists()
    assert registry.Building.objects.filter(division_code=A1).count() == len(city)
    # building codes stay unique inside the surviving grid
    assert registry.Building.objects.filter(grid__code=A1).values("code").distinct().count() == len(city)
    assert_consistent()
    change = DivisionChange.objects.get(kind="regrid")
    assert change.code_map == {A2: A1}
    from django.apps import apps

    if apps.is_installed("gridgov.party"):  # the branch of the retired grid is retired too
        from gridgov.party.models import PartyOrganization

        assert not PartyOrganization.objects.get(division=a2).is_active
        assert PartyOrganization.objects.get(division__code=A1).is_active


def test_failure_mid_publish_changes_nothing(admin_user, tree, city, monkeypatch):
    from gridgov.divisions.redraw import publish

    proposal = draw(admin_user, tree)
    before = list(registry.Person.objects.order_by("pk").values_list("division_code", flat=True))
    shapes_before = DivisionShape.objects.count()

    def boom(*a, **k):
        raise RuntimeError("模拟故障")

    monkeypatch.setattr(publish, "_recount", boom)  # after every dependent has moved
    with pytest.raises(RuntimeError):
        publish.publish_proposal(actor=admin_user, proposal=proposal)
    assert list(registry.Person.objects.order_by("pk").values_list("division_code", flat=True)) == before
    assert DivisionShape.objects.count() == shapes_before
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFT


def test_stale_proposal_is_refused(admin_user, tree, city):
    from gridgov.divisions.redraw.publish import publish_proposal

    first, second = draw(admin_user, tree), draw(admin_user, tree)
    publish_proposal(actor=admin_user, proposal=first)
    with pytest.raises(ValidationError, match="重新计算"):
        publish_proposal(actor=admin_user, proposal=second)


def test_adjust_mode_keeps_codes_and_moves_few(admin_user, tree, city):
    proposal = draw(admin_user, tree, mode=PartitionMode.ADJUST)
    assert proposal.status == ProposalStatus.DRAFT, proposal.error
    assert [f["properties"]["code"] for f in proposal.grids["features"]] == [A1, A2]
    assert proposal.report["platform"]["moved_households"] < 300


def test_area_without_boundaries_fails_with_chinese_message(admin_user, tree):
    from gridgov.divisions.redraw.jobs import start_partition

    empty = Division.objects.create(code="430702004009", name="新建社区", level=3, parent=tree["430702004000"])
    proposal = start_partition(actor=admin_user, area=empty, run_now=True)
    assert proposal.status == ProposalStatus.FAILED
    assert "没有任何社区边界" in proposal.error
    assert proposal.job.status == "failed"


def test_permission_needed(make_user, tree):
    from django.core.exceptions import PermissionDenied

    from gridgov.accounts.choices import RoleCode
    from gridgov.divisions.redraw.jobs import start_partition

    worker = make_user(RoleCode.GRID_WORKER, tree[A1])
    with pytest.raises(PermissionDenied):
        start_partition(actor=worker, area=tree[A])


def test_move_community_rewrites_every_code(admin_user, tree, city):
    from gridgov.divisions.redraw.redivision import move_community

    change = move_community(actor=admin_user, community=tree[A], new_street=tree["430702005000"])
    new_a = Division.objects.get(code=change.new_code)
    assert new_a.code.startswith("430702005") and new_a.code != "430702005001"  # next free number
    assert change.code_map[A1] == new_a.code + "001"
    old = Division.objects.get(code=A)
    assert not old.is_active and old.valid_to
    for model in (registry.Building, registry.House, registry.Household, registry.Person):
        assert not model.objects.filter(division_code__startswith=A).exists()
        assert model.objects.filter(division_code__startswith=new_a.code).count() == len(city)
    assert_consistent()
    assert Division.objects.get(code=new_a.code + "001").current_shape() is not None
    assert new_a.current_shape() is not None


def test_merge_communities(admin_user, tree, city):
    from gridgov.divisions.redraw.redivision import merge_communities

    b = registry.Building.objects.create(grid=tree["430702004002001"], division_code="430702004002001",
                                         code="00001", address="B楼", household_count=10)
    change = merge_communities(actor=admin_user, keep=tree[A], absorb=tree["430702004002"])
    assert change.code_map["430702004002001"] == "430702004001003"
    b.refresh_from_db()
    assert b.division_code == "430702004001003" and b.grid.code == "430702004001003"
    assert not Division.objects.get(code="430702004002").is_active


def test_health_lists_out_of_range_grids(admin_user, tree, city):
    from gridgov.divisions.redraw.health import unhealthy_grids

    codes = [g.code for g in unhealthy_grids(admin_user)]
    assert A1 in codes and A2 in codes  # 648 and 288 households


def test_points_entities_and_open_cases_follow_closed_cases_stay(admin_user, tree, city):
    from gridgov.divisions.redraw.publish import publish_proposal

    proposal = draw(admin_user, tree)
    moved = next(b for b in city if proposal.assignment[str(b.pk)] != A1 and b.grid.code == A1)
    target = proposal.assignment[str(moved.pk)]
    klass = registry.ComponentClass.objects.filter(parent__isnull=False).first() or \
        registry.ComponentClass.objects.create(code="0101", name="测试部件")
    component = registry.Component.objects.create(grid=tree[A1], division_code=A1, code="4307020101000001",
                                                  component_class=klass, lng=moved.lng, lat=moved.lat)
    entity = registry.LegalEntity.objects.create(grid=tree[A1], division_code=A1, name="测试公司",
                                                 credit_code="91430702MA4L000001", building=moved)
    cases = []
    try:
        from gridgov.cases import actions as case_actions
        from gridgov.cases.choices import CaseState, Channel
        from gridgov.cases.models import Case, CaseCategory

        category = CaseCategory.objects.filter(extra_questions=[]).first() or CaseCategory.objects.first()
        for _ in range(2):
            cases.append(case_actions.report_case(actor=admin_user, category=category, title="测试事件",
                                                  channel=Channel.COUNTER, lng=moved.lng, lat=moved.lat,
                                                  grid=tree[A1], attributes={}))
        Case.objects.filter(pk=cases[1].pk).update(state=CaseState.CLOSED, grid=tree[A1], division_code=A1)
        Case.objects.filter(pk=cases[0].pk).update(grid=tree[A1], division_code=A1)
    except ImportError:  # cases app absent: cover what exists
        cases = []
    publish_proposal(actor=admin_user, proposal=proposal)
    component.refresh_from_db()
    entity.refresh_from_db()
    assert component.division_code == target and entity.division_code == target
    if cases:
        for c in cases:
            c.refresh_from_db()
        assert cases[0].division_code == target  # open: follows the point
        assert cases[1].division_code == A1  # closed: keeps its historical grid


def test_a_high_rise_is_split_by_unit_and_its_houses_follow(admin_user, tree, city):
    from gridgov.divisions.redraw.publish import publish_proposal

    tower = registry.Building.objects.create(grid=tree[A1], division_code=A1, code="00099", address="高层",
                                             lng=111.7079, lat=29.0411, household_count=640, units=4)
    for unit in range(1, 5):
        house = registry.House.objects.create(grid=tree[A1], division_code=A1, building=tower, unit=unit, room="101")
        registry.Person.objects.create(grid=tree[A1], division_code=A1, house=house, name=f"高层{unit}")
    proposal = draw(admin_user, tree)
    assert proposal.status == ProposalStatus.DRAFT, proposal.error
    assert proposal.report["share_in_range"] == 1.0  # 1576 households: possible only by splitting the tower
    split = proposal.report["platform"]["unit_assignment"]
    assert str(tower.pk) in split and len(set(split[str(tower.pk)].values())) > 1
    publish_proposal(actor=admin_user, proposal=proposal)
    for house in registry.House.objects.filter(building=tower).select_related("grid"):
        assert house.grid.code == split[str(tower.pk)][str(house.unit)] == house.division_code
    for p in registry.Person.objects.filter(house__building=tower).select_related("house"):
        assert p.grid_id == p.house.grid_id
    total = sum(Division.objects.filter(level=4, is_active=True, code__startswith=A).values_list(
        "household_count", flat=True))
    assert total == 936 + 640


def test_creator_is_notified_and_a_draft_can_be_discarded(admin_user, tree, city):
    from gridgov.divisions.redraw.publish import discard_proposal, publish_proposal

    proposal = draw(admin_user, tree)
    assert admin_user.notifications.filter(title__contains="已生成").exists()
    discard_proposal(actor=admin_user, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DISCARDED
    with pytest.raises(ValidationError):
        publish_proposal(actor=admin_user, proposal=proposal)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_publishes_of_one_area_one_wins(admin_user, tree, city):
    """Two administrators publish two proposals of the same community at once (PostgreSQL row
    locks): the second waits for the first and is then refused as stale."""
    from gridgov.core.testing import race, require_postgresql
    from gridgov.divisions.redraw.publish import publish_proposal

    require_postgresql("行锁并发只在 PostgreSQL 上验证（SQLite 写事务本身串行）")
    first, second = draw(admin_user, tree), draw(admin_user, tree)
    r = race(lambda proposal: publish_proposal(actor=admin_user, proposal=proposal), (first, second),
             refused=(ValidationError,))
    assert not r.errors and len(r.ok) == 1 and len(r.refused) == 1, r.outcomes
    assert_consistent()


def test_a_person_follows_the_house_they_live_in_not_their_household(admin_user, tree, city):
    from gridgov.divisions.redraw.publish import publish_proposal

    proposal = draw(admin_user, tree)
    moved = next(b for b in city if proposal.assignment[str(b.pk)] != b.grid.code)
    stayed = next(b for b in city if proposal.assignment[str(b.pk)] == b.grid.code)
    person = registry.Person.objects.create(
        grid=moved.grid, division_code=moved.division_code, house=moved.houses.get(),
        household=registry.Household.objects.get(house__building=stayed), name="人户分离")
    publish_proposal(actor=admin_user, proposal=proposal)
    person.refresh_from_db()
    assert person.division_code == proposal.assignment[str(moved.pk)]
