"""Writing a demo plan to the database, in bulk.

The demo generator is a set-up tool run from the command line on an empty database (like a
migration), not a user action: it writes with bulk_create for speed and leaves one audit entry
(`demo.generate`, actor 系统) describing what it loaded.
"""

from __future__ import annotations

import logging
import threading

import numpy as np
from django.db import connection, transaction

from gridgov.core import audit, clock
from gridgov.core.actors import system_actor
from gridgov.core.manifest import collect, resolve
from gridgov.divisions import geo
from gridgov.divisions.choices import Level
from gridgov.divisions.codes import PATH_LENGTH
from gridgov.divisions.models import Division, DivisionShape

from . import geometry as g

logger = logging.getLogger(__name__)
BATCH = 2000
ROADS = [
    "人民路", "建设路", "朝阳路", "武陵大道", "洞庭大道", "柳叶大道", "皂果路", "紫缘路", "常德大道", "桃花源路",
    "沅安路", "永安路", "高车路", "朗州路", "育英路", "青年路", "丹阳路", "白马湖路", "穿紫河路", "府坪路",
    "体育路", "北正街", "光荣路", "建民巷", "临江路", "滨湖路", "花山路", "七里桥路", "芙蓉路", "芷兰路",
]
ESTATES = ["和园", "锦苑", "华府", "新村", "家园", "花园", "小区", "雅居", "公馆", "嘉园"]
ESTATE_HEADS = ["金色", "阳光", "碧桂", "湘北", "沅江", "柳湖", "紫菱", "荷花", "善卷", "德山", "桃源", "白马",
                "丹阳", "东江", "长庚", "府坪", "穿紫", "芙蓉", "朗州", "武陵"]


def _division(code, name, level, parent, unit=None, households=0, now=None, point=None):
    point = point or (unit.point if unit is not None else None)
    return Division(
        code=code, name=name, level=level, parent=parent, path=code[: PATH_LENGTH[Level(level)]],
        urban_rural_code=(unit.urban_rural_code if unit is not None else "") or "",
        centre_lng=round(point[0], 6) if point else None, centre_lat=round(point[1], 6) if point else None,
        household_count=households, valid_from=now,
    )


def _shape(division, polygon, households, now):
    geometry = g.to_geojson(polygon)
    min_lng, min_lat, max_lng, max_lat = polygon.bounds
    return DivisionShape(
        division=division, version=1, geometry=geometry, min_lng=min_lng, min_lat=min_lat, max_lng=max_lng,
        max_lat=max_lat, area_m2=geo.area_m2(geometry), households=households, valid_from=now,
        note="演示数据生成",
    )


@transaction.atomic
def load_divisions(plan, progress):
    """District, streets, communities and grids with version-1 shapes. Returns {code: Division}."""
    now = clock.now()
    hh_comm = {c.code: 0 for c in plan.communities}
    for gp in plan.grids:
        hh_comm[gp.community_code] += gp.households
    hh_street = {s.code: sum(hh_comm[c.code] for c in s.children) for s in plan.streets}
    total = sum(hh_street.values())
    d = plan.district
    district = _division(d.code, d.name, Level.DISTRICT, None, d, total, now)
    district.save()
    streets = [_division(s.code, s.name, Level.STREET, district, s, hh_street[s.code], now) for s in plan.streets]
    Division.objects.bulk_create(streets)
    by_code = {x.code: x for x in [district, *Division.objects.filter(level=Level.STREET)]}
    comms = [
        _division(c.code, c.name, Level.COMMUNITY, by_code[s.code], c, hh_comm[c.code], now)
        for s in plan.streets for c in s.children
    ]
    Division.objects.bulk_create(comms, batch_size=BATCH)
    by_code.update({x.code: x for x in Division.objects.filter(level=Level.COMMUNITY)})
    grids = []
    for gp in plan.grids:
        rp = gp.polygon.representative_point()
        grids.append(_division(gp.code, gp.name, Level.GRID, by_code[gp.community_code], None, gp.households, now,
                               point=(rp.x, rp.y)))
        if gp.certificate:
            grids[-1].note = gp.certificate.get("message_zh", "")[:200]
    Division.objects.bulk_create(grids, batch_size=BATCH)
    by_code.update({x.code: x for x in Division.objects.filter(level=Level.GRID)})
    progress(f"区划：1 个区、{len(streets)} 个街道、{len(comms)} 个社区、{len(grids)} 个网格")

    shapes = [_shape(by_code[d.code], plan.outline, total, now)]
    shapes += [_shape(by_code[s.code], s.polygon, hh_street[s.code], now) for s in plan.streets]
    shapes += [_shape(by_code[c.code], c.polygon, hh_comm[c.code], now) for c in plan.communities]
    shapes += [_shape(by_code[gp.code], gp.polygon, gp.households, now) for gp in plan.grids]
    DivisionShape.objects.bulk_create(shapes, batch_size=BATCH)
    progress(f"边界：{len(shapes)} 个（第 1 版）")
    return by_code


def _building_type(b, rng):
    if b.units:
        return "high_rise"
    if b.households >= 12:
        return "multi_storey"
    return "bungalow" if rng.random() < 0.8 else "villa"


def building_rows(plan, seed):
    """Field dicts for a building register, one per synthetic building or, for a block the
    engine split between grids, one per grid with its units (deterministic for a seed). The
    grid is given by its 15-digit code; the registry's demo step loads them (`plan.building_rows()`)."""
    rng = np.random.default_rng(seed + 104729)
    street_name = {s.code: s.name for s in plan.streets}
    comm_name = {c.code: c.name for c in plan.communities}
    per_grid, per_road, per_estate, estate_of_grid, base_attrs = {}, {}, {}, {}, {}
    rows = []
    for b in sorted(plan.buildings, key=lambda x: (x.grid_code, x.id)):
        per_grid[b.grid_code] = per_grid.get(b.grid_code, 0) + 1
        base = b.id.split("-")[0]
        if base not in base_attrs:
            road = ROADS[int(rng.integers(len(ROADS)))]
            key = (b.community_code, road)
            per_road[key] = per_road.get(key, 0) + int(rng.integers(1, 4))
            kind = _building_type(b, rng)
            units = len(b.units) if b.units else (int(rng.integers(1, 5)) if kind == "multi_storey" else 1)
            if kind == "high_rise":
                floors = int(np.clip(round(max(b.units) / 4) + rng.integers(0, 6), 12, 33))
            elif kind == "multi_storey":
                floors = int(np.clip(round(b.households / max(units, 1) / 2) + rng.integers(0, 2), 3, 7))
            else:
                floors = int(rng.integers(1, 4))
            if kind in ("high_rise", "multi_storey"):
                if b.grid_code not in estate_of_grid:
                    estate_of_grid[b.grid_code] = (ESTATE_HEADS[int(rng.integers(len(ESTATE_HEADS)))]
                                                   + ESTATES[int(rng.integers(len(ESTATES)))])
                estate = estate_of_grid[b.grid_code]
                per_estate[estate] = per_estate.get(estate, 0) + 1
                name = f"{estate}{per_estate[estate]}栋"
            else:
                name = f"{comm_name[b.community_code]}{road}{per_road[key]}号"
            base_attrs[base] = {
                "name": name, "kind": kind, "units": units, "floors": floors,
                "address": f"武陵区{street_name[b.community_code[:9] + '000']}{road}{per_road[key]}号",
                "year_built": int(rng.integers(1985, 2024)),
            }
        a = base_attrs[base]
        name = a["name"]
        if b.unit_numbers:
            name += f"（{'、'.join(str(n) for n in b.unit_numbers)}单元）"
        rows.append({
            "grid": b.grid_code, "division_code": b.grid_code, "code": f"{per_grid[b.grid_code]:05d}",
            "name": name[:100], "address": a["address"][:200], "building_type": a["kind"], "floors": a["floors"],
            "units": len(b.units) if b.units else a["units"], "lng": b.lng, "lat": b.lat,
            "footprint": g.to_geojson(b.footprint), "year_built": a["year_built"], "household_count": b.households,
        })
    return rows


def demo_steps(*, with_plan=None):
    """The demo steps the installed apps declare (`DemoStep` in their contributions.py), in
    ascending order; `with_plan=True/False` narrows to the steps that do / do not load part of
    the plan."""
    steps = sorted((step for _app, step in collect("demo")), key=lambda s: s.order)
    return [s for s in steps if with_plan is None or s.with_plan == with_plan]


def _concurrent():
    """Whether background steps may run beside the others: a server database (SQLite takes one
    writer at a time) and no transaction open (inside one, as in tests, a thread's own connection
    would not see the rows the steps before it wrote)."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def run_steps(steps, *, plan, scale, seed, progress, failures=None):
    """Run demo steps in order; returns {step key: what it returned}. A step that raises is
    reported (and listed in `failures`) and the others still run.

    A `background` step runs beside the steps after it when the database takes concurrent
    writers and no transaction is open (PostgreSQL outside tests): in a thread with a connection
    of its own, so the server derives its sums while this process builds the next step's rows.
    A later step that `needs` it waits for it first; every one is waited for before returning.
    Likewise every step's `prepare` is called before the first step runs (ADR 0046)."""
    done, pending, prepared = {}, {}, {}

    def run(step):
        func = resolve(step.func)
        kwargs = {"plan": plan} if step.with_plan else {}
        if prepared.get(step.key) is not None:
            kwargs["prepared"] = prepared[step.key]
        try:
            done[step.key] = func(scale=scale, seed=seed, progress=progress, **kwargs) or {}
        except Exception as exc:  # one app's demo must not stop the others
            logger.exception("demo step %s failed", step.key)
            progress(f"！{step.key} 生成失败：{type(exc).__name__}: {exc}")
            if failures is not None:
                failures.append(f"{step.key}: {type(exc).__name__}: {exc}")

    def in_thread(step):
        try:
            run(step)
        finally:
            connection.close()  # the thread's own connection

    concurrent = _concurrent()
    for step in steps if concurrent else ():
        if step.prepare:  # a step's database-free part, started now in a process of its own
            try:
                prepared[step.key] = resolve(step.prepare)(scale=scale, seed=seed)
            except Exception:  # the step then does all its work itself
                logger.exception("demo step %s: prepare failed", step.key)
    for step in steps:
        for key in step.needs:
            if key in pending:
                pending.pop(key).join()
        progress(f"— {step.key} —")
        if step.background and concurrent:
            progress(f"{step.key}：后台进行")
            pending[step.key] = threading.Thread(target=in_thread, args=(step,), name=f"demo-{step.key}")
            pending[step.key].start()
        else:
            run(step)
    for thread in pending.values():
        thread.join()
    return done


def record_audit(plan, summary):
    audit.record(system_actor(), "demo.generate", ("demo.district", plan.district.code, f"演示区划（{plan.scale}）"),
                 after={"scale": plan.scale, "seed": plan.seed, **summary}, division_code=plan.district.code)


def load_roads(plan, by_code, progress):
    """Store each street's road centre lines so the platform can re-draw its grids later."""
    from gridgov.divisions.redraw.streets import save_streets

    total = sum(save_streets(fc, division=by_code[code], source="demo") for code, fc in plan.roads.items())
    progress(f"道路：{total} 条中心线")
    return total
