"""The demo plan: everything the demo district consists of, computed from (scale, seed) with
no database — divisions with polygons, synthetic roads and buildings, and the grids the
partition engine draws. `gridgov.demo.load` writes a plan to the database.

Deterministic: the same (scale, seed) gives the same codes, polygons, households and grids.
Streets are generated and partitioned one at a time (each with its own seed derived from the
street code), so a street looks the same in every scale that includes it with the same
household budgets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely

from . import geometry as g

SCALES = {
    # tests: one street, two communities
    "tiny": {"streets": ["430702004000"], "communities": 2, "per_community": (700, 1000)},
    # `make run`: 丹阳街道 and 白马湖街道, every community (~34 grids)
    "small": {"streets": ["430702004000", "430702005000"], "communities": None, "per_community": (700, 1000)},
    # the whole district: 19 units, 168 communities, ~250k households, ~580 grids
    "district": {"streets": None, "communities": None, "total": 250_000},
}
GRID_MIN, GRID_MAX = 350, 500
UNIT_SPLIT = 200  # a building with more households than this is a block of stairwell units


def _units(households):
    """Even per-unit household counts for a big building the city generator left without units."""
    n = -(-households // 160)
    base, extra = divmod(households, n)
    return [base + (1 if i < extra else 0) for i in range(n)]


@dataclass
class GridPlan:
    code: str
    name: str
    community_code: str
    households: int
    polygon: object  # shapely, lon/lat
    building_ids: list
    certificate: dict | None = None


@dataclass
class BuildingPlan:
    id: str
    community_code: str
    grid_code: str
    households: int
    units: list | None
    lng: float
    lat: float
    footprint: object  # shapely Polygon, lon/lat


@dataclass
class DemoPlan:
    scale: str
    seed: int
    district: g.Unit
    outline: object
    streets: list  # [g.Unit] selected streets; .children = selected communities
    budgets: dict
    grids: list = field(default_factory=list)
    buildings: list = field(default_factory=list)
    road_count: int = 0
    reports: dict = field(default_factory=dict)  # street code -> partition report

    @property
    def communities(self):
        return [c for s in self.streets for c in s.children]

    def summary(self):
        reps = list(self.reports.values())
        n = sum(r["grid_count"] for r in reps)
        in_range = sum(r["in_range_count"] for r in reps)
        return {
            "streets": len(self.streets),
            "communities": len(self.communities),
            "grids": len(self.grids),
            "buildings": len(self.buildings),
            "roads": self.road_count,
            "households": sum(gp.households for gp in self.grids),
            "grids_in_range": in_range,
            "share_in_range": round(in_range / n, 4) if n else 1.0,
            "all_out_of_range_certified": all(r["all_out_of_range_certified"] for r in reps),
            "gap_area_m2": round(sum(r["gap_area_m2"] for r in reps), 3),
            "overlap_area_m2": round(sum(r["overlap_area_m2"] for r in reps), 3),
        }


def build_plan(scale="small", seed=2026, progress=None):
    """Compute the whole demo district for ``scale`` (tiny|small|district) and ``seed``."""
    if scale not in SCALES:
        raise ValueError(f"未知的规模 {scale}（可选：{'、'.join(SCALES)}）")
    progress = progress or (lambda msg: None)
    spec = SCALES[scale]
    district, streets = g.read_divisions()
    outline = g.build_geometry(streets, seed)
    district.polygon = outline
    district.point = (outline.representative_point().x, outline.representative_point().y)
    if spec["streets"]:
        streets = [s for s in streets if s.code in spec["streets"]]
    if spec["communities"]:
        for s in streets:
            s.children = s.children[: spec["communities"]]
    if spec.get("per_community"):
        budgets = g.household_budgets(streets, seed, per_community=spec["per_community"])
    else:
        budgets = g.household_budgets(streets, seed, total=spec["total"])
    plan = DemoPlan(scale, seed, district, outline, streets, budgets)
    progress(f"区划：{len(streets)} 个街道（乡镇），{len(plan.communities)} 个社区（村），"
             f"计划 {sum(budgets.values())} 户")
    for i, s in enumerate(streets, 1):
        _street_city(plan, s, seed)
        progress(f"[{i}/{len(streets)}] {s.name}：{sum(1 for gp in plan.grids if gp.code.startswith(s.code[:9]))} "
                 f"个网格，{sum(budgets[c.code] for c in s.children)} 户")
    return plan


def _street_city(plan, street, seed):
    """Roads and buildings for one street's communities, then the grids inside them."""
    from gridgov.partition import PartitionParams, partition
    from gridgov.partition.synthetic import make_city_in

    street_seed = seed * 1009 + int(street.code[6:9])
    areas = [(c.code, c.polygon) for c in street.children]
    region = shapely.union_all([c.polygon for c in street.children])
    budgets = {c.code: plan.budgets[c.code] for c in street.children}
    buildings_fc, streets_fc, boundaries_fc = make_city_in(region, areas, budgets, seed=street_seed)
    prefix = street.code[6:9]
    for f in buildings_fc["features"]:
        props = f["properties"]
        props["id"] = f"{prefix}{props['id'][1:]}"
        if props["households"] > UNIT_SPLIT and not props.get("units"):
            props["units"] = _units(props["households"])
    plan.road_count += len(streets_fc["features"])
    result = partition(buildings_fc, streets_fc, boundaries_fc,
                       PartitionParams(min_households=GRID_MIN, max_households=GRID_MAX, seed=street_seed))
    plan.reports[street.code] = result.report
    names = {c.code: c.name for c in street.children}
    grid_of = {}
    for f in result.grids["features"]:
        p = f["properties"]
        community = names[p["area_code"]]
        number = int(p["code"][12:])
        gp = GridPlan(
            code=p["code"], name=f"{street.name}{community}第{number}网格", community_code=p["area_code"],
            households=int(p["households"]), polygon=shapely.set_precision(shapely.geometry.shape(f["geometry"]),
                                                                          g.PRECISION),
            building_ids=list(p["building_ids"]), certificate=p.get("certificate"),
        )
        plan.grids.append(gp)
        for bid in gp.building_ids:
            grid_of[bid] = gp
    geoms = [shapely.geometry.shape(f["geometry"]) for f in buildings_fc["features"]]
    centres = shapely.centroid(np.asarray(geoms, dtype=object))
    for f, geom, c in zip(buildings_fc["features"], geoms, centres, strict=True):
        p = f["properties"]
        gp = grid_of.get(p["id"])
        if gp is None:
            continue
        plan.buildings.append(BuildingPlan(
            id=p["id"], community_code=gp.community_code, grid_code=gp.code, households=int(p["households"]),
            units=p.get("units"), lng=round(c.x, 6), lat=round(c.y, 6),
            footprint=shapely.set_precision(geom, g.PRECISION),
        ))
