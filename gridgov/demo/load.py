"""Writing a demo plan to the database, in bulk.

The demo generator is a set-up tool run from the command line on an empty database (like a
migration), not a user action: it writes with bulk_create for speed and leaves one audit entry
(`demo.generate`, actor 系统) describing what it loaded.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging

import numpy as np
from django.db import transaction

from gridgov.core import audit, clock
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


def building_rows(plan, by_code, seed):
    """Field dicts for registry.Building, one per synthetic building or, for a block the
    engine split between grids, one per grid with its units (deterministic for a seed)."""
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
            "grid": by_code[b.grid_code], "division_code": b.grid_code, "code": f"{per_grid[b.grid_code]:05d}",
            "name": name[:100], "address": a["address"][:200], "building_type": a["kind"], "floors": a["floors"],
            "units": len(b.units) if b.units else a["units"], "lng": b.lng, "lat": b.lat,
            "footprint": g.to_geojson(b.footprint), "year_built": a["year_built"], "household_count": b.households,
        })
    return rows


def load_buildings(plan, by_code, seed, progress):
    """registry.Building rows for the synthetic buildings (skipped if the registry has none)."""
    try:
        from gridgov.registry.models import Building
    except ImportError:
        progress("楼栋：registry.Building 不存在，跳过")
        return 0
    rows = building_rows(plan, by_code, seed)
    if importlib.util.find_spec("gridgov.registry.bulk") is not None:
        from gridgov.registry.bulk import create_buildings_bulk

        objs = create_buildings_bulk(rows)
    else:  # the registry's bulk helper is the preferred path; plain bulk_create otherwise
        fields = {f.name for f in Building._meta.concrete_fields}
        now = clock.now()
        objs = []
        for r in rows:
            values = {k: v for k, v in r.items() if k in fields}
            if "updated_at" in fields:
                values["updated_at"] = now
            objs.append(Building(**values))
        with transaction.atomic():
            Building.objects.bulk_create(objs, batch_size=BATCH)
    progress(f"楼栋：{len(objs)} 栋")
    return len(objs)


DEMO_MODULES = ["gridgov.registry.demo", "gridgov.cases.demo", "gridgov.party.demo"]


def run_app_demos(scale, seed, progress, modules=DEMO_MODULES, failures=None):
    """Call `generate(scale=, seed=, progress=)` of every app demo module that exists. A module
    that raises is reported (and listed in `failures`) and the others still run."""
    done = []
    for name in modules:
        try:
            spec = importlib.util.find_spec(name)
        except ModuleNotFoundError:  # the parent package itself is missing
            spec = None
        if spec is None:
            progress(f"（{name} 尚未提供，跳过）")
            continue
        module = importlib.import_module(name)
        if not hasattr(module, "generate"):
            continue
        progress(f"— {name} —")
        try:
            module.generate(scale=scale, seed=seed, progress=progress)
        except Exception as exc:  # one app's demo must not stop the others
            logger.exception("demo module %s failed", name)
            progress(f"！{name} 生成失败：{type(exc).__name__}: {exc}")
            if failures is not None:
                failures.append(f"{name}: {type(exc).__name__}: {exc}")
            continue
        done.append(name)
    return done


def record_audit(plan, summary):
    audit.record(None, "demo.generate", ("demo.district", plan.district.code, f"演示区划（{plan.scale}）"),
                 after={"scale": plan.scale, "seed": plan.seed, **summary}, division_code=plan.district.code)


def load_roads(plan, by_code, progress):
    """Store each street's road centre lines so the platform can re-draw its grids later."""
    from gridgov.divisions.redraw.streets import save_streets

    total = sum(save_streets(fc, division=by_code[code], source="demo") for code, fc in plan.roads.items())
    progress(f"道路：{total} 条中心线")
    return total
