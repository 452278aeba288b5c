"""The demo district: geometry nests and tiles, grids are in range or certified, the plan is
deterministic for a seed, the command loads an empty database once, demo accounts log in."""

import io

import pytest
import shapely
from django.core.management import CommandError, call_command

from gridgov.accounts.choices import RoleCode
from gridgov.demo import geometry as g
from gridgov.demo.accounts import DEMO_PASSWORD, demo_accounts
from gridgov.demo.plan import GRID_MAX, GRID_MIN, build_plan

TOL = 1e-9  # deg² (~0.01 m²): rounding noise only


@pytest.fixture(scope="module")
def tiny():
    return build_plan("tiny", seed=7)


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _tiles(parts, whole):
    """(gap, overlap) areas of `parts` against `whole`."""
    union = shapely.union_all(parts)
    overlap = sum(p.area for p in parts) - union.area
    return whole.symmetric_difference(union).area, overlap


@pytest.mark.parametrize("seed", [3, 7, 2026])
def test_whole_district_geometry_nests_and_tiles(seed):
    _, streets = g.read_divisions()
    assert len(streets) == 19 and sum(len(s.children) for s in streets) == 168
    outline = g.build_geometry(streets, seed=seed)
    minx, miny, maxx, maxy = outline.bounds
    assert 0.15 < maxx - minx < 0.3 and 0.12 < maxy - miny < 0.3
    assert outline.contains(shapely.Point(111.683, 29.055))
    gap, overlap = _tiles([s.polygon for s in streets], outline)
    assert gap < TOL and abs(overlap) < TOL
    for s in streets:
        assert s.polygon.is_valid and not s.polygon.is_empty
        assert s.polygon.buffer(1e-7).contains(shapely.Point(s.point))
        gap, overlap = _tiles([c.polygon for c in s.children], s.polygon)
        assert gap < TOL and abs(overlap) < TOL, s.name
        for c in s.children:
            assert c.polygon.is_valid and c.polygon.area > 0
            assert c.polygon.within(s.polygon.buffer(1e-7))


def test_tiny_plan_grids_tile_communities(tiny):
    assert [s.name for s in tiny.streets] == ["丹阳街道"]
    assert len(tiny.communities) == 2
    assert tiny.grids
    for c in tiny.communities:
        grids = [gp for gp in tiny.grids if gp.community_code == c.code]
        assert grids, c.name
        gap, overlap = _tiles([gp.polygon for gp in grids], c.polygon)
        assert gap < 1e-8 and abs(overlap) < 1e-8, c.name
        assert sum(gp.households for gp in grids) == tiny.budgets[c.code]
        for gp in grids:
            assert gp.code.startswith(c.code) and len(gp.code) == 15 and gp.code[12:] != "000"
            assert gp.name.startswith(f"丹阳街道{c.name}第")
            assert GRID_MIN <= gp.households <= GRID_MAX or gp.certificate, gp
    for gp in tiny.grids:  # buildings (or a split block's units) add up to the grid's households
        assert sum(b.households for b in tiny.buildings if b.grid_code == gp.code) == gp.households
    summary = tiny.summary()
    assert summary["all_out_of_range_certified"] and summary["gap_area_m2"] < 1 and summary["overlap_area_m2"] < 1


def test_plan_is_deterministic_for_a_seed(tiny):
    again = build_plan("tiny", seed=7)
    assert [(gp.code, gp.households, gp.building_ids) for gp in again.grids] == [
        (gp.code, gp.households, gp.building_ids) for gp in tiny.grids
    ]
    assert [gp.polygon.wkt for gp in again.grids] == [gp.polygon.wkt for gp in tiny.grids]
    assert [(b.id, b.lng, b.lat) for b in again.buildings] == [(b.id, b.lng, b.lat) for b in tiny.buildings]
    other = build_plan("tiny", seed=8)
    assert [c.polygon.wkt for c in other.communities] != [c.polygon.wkt for c in tiny.communities]


@pytest.mark.django_db
def test_demo_command_loads_tree_shapes_buildings_and_accounts(client):
    from gridgov.divisions.choices import Level
    from gridgov.divisions.models import Division, DivisionShape

    out = demo_out = io.StringIO()
    call_command("demo", scale="tiny", seed=7, no_apps=True, stdout=out)
    assert "完成" in out.getvalue()
    counts = {lvl: Division.objects.filter(level=lvl).count() for lvl in Level.values}
    assert counts[Level.DISTRICT] == 1 and counts[Level.STREET] == 1 and counts[Level.COMMUNITY] == 2
    assert counts[Level.GRID] >= 2
    assert DivisionShape.objects.filter(valid_to__isnull=True, version=1).count() == sum(counts.values())
    district = Division.objects.get(level=Level.DISTRICT)
    grids = list(Division.objects.filter(level=Level.GRID))
    assert district.household_count == sum(x.household_count for x in grids) > 0
    for grid in grids:
        assert grid.parent.level == Level.COMMUNITY and grid.code.startswith(grid.parent.code)
        assert grid.path == grid.code and grid.centre_lng
    street = Division.objects.get(level=Level.STREET)
    assert street.name == "丹阳街道" and street.path == "430702004"

    from gridgov.registry.models import Building

    buildings = Building.objects.all()
    assert buildings.count() > 0
    assert sum(buildings.values_list("household_count", flat=True)) == district.household_count
    b = buildings.first()
    assert len(b.code) == 5 and b.division_code == b.grid.code and b.address.startswith("武陵区丹阳街道")

    # the demo logins work through the real login form
    for acc in demo_accounts():
        client.logout()
        resp = client.post("/accounts/login/", {"username": acc.username, "password": DEMO_PASSWORD})
        assert resp.status_code == 302, acc.username
    from gridgov.accounts.models import RoleAssignment

    workers = RoleAssignment.objects.filter(role__code="grid_worker")
    assert sorted(workers.values_list("division__code", flat=True)) == sorted(x.code for x in grids)
    assert workers.get(user__username="gw001").division.code.startswith("430702004")
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    assert "gw001" in out.getvalue() and DEMO_PASSWORD in out.getvalue() and "网格员" in out.getvalue()
    # the count above the table is the table's (#12: "9 个" above 11 accounts): an app's demo
    # step adds its own logins after the role accounts, and they count too
    from gridgov.accounts.models import User

    for acc in demo_accounts(made_by_step=True):
        User.objects.create(username=acc.username, full_name=acc.full_name)
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    lines = out.getvalue().splitlines()
    table = lines[lines.index(next(x for x in lines if x.startswith("---"))) + 1:]
    named = {x.split()[0] for x in table if "…" not in x.split()[0]}
    assert len(named) >= len(demo_accounts()) + len(demo_accounts(made_by_step=True))
    assert f"演示账号：{len(named)} 个，另有网格员 {len(grids) - 1} 个" in lines[0], lines[0]
    assert "演示账号：" not in demo_out.getvalue()  # no earlier total that the table contradicts

    # --if-empty: nothing happens the second time; without it, a clear refusal
    before = Division.objects.count()
    call_command("demo", scale="tiny", if_empty=True, stdout=io.StringIO())
    assert Division.objects.count() == before
    with pytest.raises(CommandError, match="已有区划"):
        call_command("demo", scale="tiny", stdout=io.StringIO())


@pytest.mark.django_db
def test_setup_platform_is_idempotent():
    from gridgov.accounts.models import Role

    call_command("setup_platform")
    n = Role.objects.count()
    call_command("setup_platform")
    from gridgov.core.manifest import collect

    declared = {str(c) for c in RoleCode} | {r.role for _app, r in collect("roles")}  # apps add their own roles (and the system role)
    assert Role.objects.count() == n == len(declared)


def test_demo_steps_come_from_the_manifests_in_order():
    from gridgov.demo.load import demo_steps

    keys = [s.key for s in demo_steps()]
    assert keys[:1] == ["registry.buildings"]  # the plan's buildings first: people live in them
    assert keys.index("registry.people") < keys.index("cases") and keys.index("registry.people") < keys.index("party")
    assert [s.key for s in demo_steps(with_plan=True)] == ["registry.buildings"]


def test_fallback_splitter_when_the_engine_fails(monkeypatch):
    import gridgov.partition as engine

    def broken(*args, **kwargs):
        raise engine.PartitionError("测试：引擎故障", reason="test")

    monkeypatch.setattr(engine, "partition", broken)
    plan = build_plan("tiny", seed=7)
    assert all("fallback" in r for r in plan.reports.values())
    for c in plan.communities:
        grids = [gp for gp in plan.grids if gp.community_code == c.code]
        gap, overlap = _tiles([gp.polygon for gp in grids], c.polygon)
        assert gap < 1e-8 and abs(overlap) < 1e-8
        assert sum(gp.households for gp in grids) == plan.budgets[c.code]
        assert all(GRID_MIN <= gp.households <= GRID_MAX or gp.certificate for gp in grids)


def test_a_failing_app_demo_does_not_stop_the_others(monkeypatch):
    import sys
    import types

    from gridgov.core.manifest import DemoStep
    from gridgov.demo.load import run_steps

    module = types.ModuleType("gridgov_demo_steps")
    calls = []

    def boom(**kw):
        raise RuntimeError("坏了")

    module.bad = boom
    module.good = lambda **kw: calls.append(kw["scale"]) or {"rows": 1}
    monkeypatch.setitem(sys.modules, "gridgov_demo_steps", module)
    steps = [DemoStep("bad", "gridgov_demo_steps.bad"), DemoStep("good", "gridgov_demo_steps.good")]
    lines, failures = [], []
    done = run_steps(steps, plan=None, scale="tiny", seed=1, progress=lines.append, failures=failures)
    assert done == {"good": {"rows": 1}} and calls == ["tiny"]
    assert failures and "坏了" in failures[0] and any("生成失败" in x for x in lines)


def test_streets_planned_in_worker_processes_give_the_same_plan(monkeypatch):
    from gridgov.demo import plan as plan_mod

    monkeypatch.setitem(plan_mod.SCALES, "two", {"streets": ["430702004000", "430702005000"], "communities": 1,
                                                 "per_community": (700, 1000)})

    def shape(p):
        return ([(gp.code, gp.households, gp.polygon.wkb, tuple(gp.building_ids)) for gp in p.grids],
                [(b.id, b.grid_code, b.households, b.footprint.wkb) for b in p.buildings], p.road_count)

    monkeypatch.setenv("GRIDGOV_DEMO_WORKERS", "1")
    assert plan_mod.workers(2) == 1
    serial = build_plan("two", 5)
    monkeypatch.setenv("GRIDGOV_DEMO_WORKERS", "2")
    assert plan_mod.workers(2) == 2
    parallel = build_plan("two", 5)
    assert len(serial.grids) >= 2
    assert shape(parallel) == shape(serial)


def test_background_steps_run_beside_the_later_ones_and_are_waited_for(monkeypatch):
    """A background step runs in a thread of its own (on PostgreSQL outside a transaction): the
    steps after it start before it ends, a step that `needs` it waits for it, a failure in it is
    reported like any other, and run_steps returns only when every one has finished."""
    import sys
    import threading
    import types

    from gridgov.core.manifest import DemoStep
    from gridgov.demo import load

    release, order = threading.Event(), []
    module = types.ModuleType("gridgov_demo_bg")

    def sums(**kw):
        assert release.wait(5), "the step after the background one never ran"
        order.append(("sums", threading.current_thread().name))
        return {"rows": 3}

    def broken(**kw):
        order.append(("broken", threading.current_thread().name))
        raise RuntimeError("汇总失败")

    def middle(**kw):
        order.append(("middle", threading.current_thread().name))
        release.set()  # the background step was waiting for this: it runs beside us

    module.sums, module.broken, module.middle = sums, broken, middle
    module.reader = lambda **kw: order.append(("reader", threading.current_thread().name))
    monkeypatch.setitem(sys.modules, "gridgov_demo_bg", module)
    monkeypatch.setattr(load, "_concurrent", lambda: True)
    steps = [DemoStep("sums", "gridgov_demo_bg.sums", background=True),
             DemoStep("broken", "gridgov_demo_bg.broken", background=True),
             DemoStep("middle", "gridgov_demo_bg.middle"),
             DemoStep("reader", "gridgov_demo_bg.reader", needs=("sums",))]
    lines, failures = [], []
    done = load.run_steps(steps, plan=None, scale="tiny", seed=1, progress=lines.append, failures=failures)
    names = [name for name, _thread in order]
    assert names.index("middle") < names.index("sums") < names.index("reader")
    assert dict(order)["sums"] == "demo-sums" and dict(order)["middle"] == threading.current_thread().name
    assert done == {"sums": {"rows": 3}, "middle": {}, "reader": {}}
    assert failures == ["broken: RuntimeError: 汇总失败"] and "— sums —" in lines

    monkeypatch.setattr(load, "_concurrent", lambda: False)  # SQLite or inside a transaction: in order
    order.clear()
    release.set()
    load.run_steps(steps[:1] + steps[2:], plan=None, scale="tiny", seed=1, progress=lines.append)
    assert [name for name, _ in order] == ["sums", "middle", "reader"]
    assert {thread for _, thread in order} == {threading.current_thread().name}
