"""The demo plan: everything the demo district consists of, computed from (scale, seed) with
no database — divisions with polygons, synthetic roads and buildings, and the grids the
partition engine draws. `gridgov.demo.load` writes a plan to the database.

Deterministic: the same (scale, seed) gives the same codes, polygons, households and grids.
Streets are generated and partitioned independently (each with its own seed derived from the
street code), so a street looks the same in every scale that includes it with the same
household budgets, and several streets can be planned side by side in worker processes.
"""

from __future__ import annotations

import math
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import shapely

from . import geometry as g

SCALES = {
    # tests: one street, two communities
    "tiny": {"streets": ["430702004000"], "communities": 2, "per_community": (700, 1000)},
    # the page bench's CI guard: tiny's street with twice the communities, grids and people
    "quick": {"streets": ["430702004000"], "communities": 4, "per_community": (700, 1000)},
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
    unit_numbers: list | None = None  # 1-based stairwell units when a block is split between grids


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
    roads: dict = field(default_factory=dict)  # street code -> streets FeatureCollection (for re-partitioning)
    reports: dict = field(default_factory=dict)  # street code -> partition report

    @property
    def communities(self):
        return [c for s in self.streets for c in s.children]

    def building_rows(self):
        """The plan's buildings as plain field dicts (grid by code), for a building register's
        demo step to load: see `load.building_rows`."""
        from .load import building_rows

        return building_rows(self, self.seed)

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
    for i, (s, part) in enumerate(zip(streets, _street_parts(streets, budgets, seed), strict=True), 1):
        _add_street(plan, s, part)
        progress(f"[{i}/{len(streets)}] {s.name}：{sum(1 for gp in plan.grids if gp.code.startswith(s.code[:9]))} "
                 f"个网格，{sum(budgets[c.code] for c in s.children)} 户")
    return plan


def workers(n_streets):
    """Processes for the streets' plans: they are independent (each has its own seed), so a
    district's 19 streets run side by side on the machine's cores, in order, with the same result.
    `GRIDGOV_DEMO_WORKERS` overrides (1: in this process)."""
    wanted = os.environ.get("GRIDGOV_DEMO_WORKERS")
    n = int(wanted) if wanted and wanted.isdigit() else min(os.cpu_count() or 1, 4)
    return max(1, min(n, n_streets))


def _street_parts(streets, budgets, seed):
    """`_street_part` of every street, in order: in worker processes (fork) when there are
    several streets and cores, else here."""
    jobs = [(s, {c.code: budgets[c.code] for c in s.children}, seed) for s in streets]
    n = workers(len(streets))
    if n <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from (_street_part(*job) for job in jobs)
        return
    with ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("fork")) as pool:
        yield from pool.map(_street_part, *zip(*jobs, strict=True))


def _street_part(street, budgets, seed):
    """Roads, buildings and partition of one street's communities (no database, no shared state):
    (roads FeatureCollection, buildings FeatureCollection, grids FeatureCollection, report)."""
    from gridgov.partition import PartitionError, PartitionParams, partition
    from gridgov.partition.synthetic import make_city_in

    street_seed = seed * 1009 + int(street.code[6:9])
    areas = [(c.code, c.polygon) for c in street.children]
    region = shapely.union_all([c.polygon for c in street.children])
    buildings_fc, streets_fc, boundaries_fc = make_city_in(region, areas, budgets, seed=street_seed)
    prefix = street.code[6:9]
    for f in buildings_fc["features"]:
        props = f["properties"]
        props["id"] = f"{prefix}{props['id'][1:]}"
        if props["households"] > UNIT_SPLIT and not props.get("units"):
            props["units"] = _units(props["households"])
    try:
        result = partition(buildings_fc, streets_fc, boundaries_fc,
                           PartitionParams(min_households=GRID_MIN, max_households=GRID_MAX, seed=street_seed))
        grids_fc, report = result.grids, result.report
    except PartitionError as exc:  # never leave the demo half-made: strips instead of street-bounded grids
        grids_fc, report = strip_partition(buildings_fc, boundaries_fc)
        report["fallback"] = str(exc)
    return streets_fc, buildings_fc, grids_fc, report


def _add_street(plan, street, part):
    """The street's roads, grids and buildings into the plan."""
    streets_fc, buildings_fc, grids_fc, report = part
    plan.road_count += len(streets_fc["features"])
    plan.roads[street.code] = streets_fc
    plan.reports[street.code] = report
    names = {c.code: c.name for c in street.children}
    portions = {}  # building id -> [(grid, unit indices or None)]
    for f in grids_fc["features"]:
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
        split = p.get("units") or {}
        for bid in gp.building_ids:
            portions.setdefault(bid, []).append((gp, split.get(str(bid))))
    geoms = [shapely.geometry.shape(f["geometry"]) for f in buildings_fc["features"]]
    centres = shapely.centroid(np.asarray(geoms, dtype=object))
    for f, geom, c in zip(buildings_fc["features"], geoms, centres, strict=True):
        p = f["properties"]
        parts = portions.get(p["id"], [])
        for gp, unit_idx in parts:
            units = p.get("units")
            if unit_idx is not None and len(parts) > 1:
                # a block whose stairwell units the engine put in different grids: one row per grid
                numbers = [i + 1 for i in sorted(unit_idx)]
                households = sum(units[i] for i in unit_idx)
                units = [units[i] for i in sorted(unit_idx)]
                bid = f"{p['id']}-{gp.code[-3:]}"
            else:
                numbers, households, bid = None, int(p["households"]), p["id"]
            plan.buildings.append(BuildingPlan(
                id=bid, community_code=gp.community_code, grid_code=gp.code, households=int(households),
                units=units, lng=round(c.x, 6), lat=round(c.y, 6), footprint=shapely.set_precision(geom, g.PRECISION),
                unit_numbers=numbers,
            ))


def strip_partition(buildings_fc, boundaries_fc):
    """Fallback splitter (used only if the partition engine fails on a street): each community
    is cut into k = round(H / 425) strips across its longer side, each holding a run of
    buildings with about equal households. Grids tile the community but ignore streets.
    Returns (grids FeatureCollection, report) shaped like the engine's."""
    feats = buildings_fc["features"]
    pts = [shapely.geometry.shape(f["geometry"]).centroid for f in feats]
    out, rows = [], []
    for area in boundaries_fc["features"]:
        code = area["properties"]["code"]
        poly = shapely.geometry.shape(area["geometry"])
        inside = [i for i, p in enumerate(pts) if poly.covers(p)]
        minx, miny, maxx, maxy = poly.bounds
        horizontal = (maxx - minx) * math.cos(math.radians(miny)) >= (maxy - miny)
        axis = 0 if horizontal else 1
        inside.sort(key=lambda i: (pts[i].x, pts[i].y) if horizontal else (pts[i].y, pts[i].x))
        total = sum(int(feats[i]["properties"]["households"]) for i in inside)
        k = max(1, round(total / ((GRID_MIN + GRID_MAX) / 2)))
        groups, acc, cur = [], 0, []
        for i in inside:
            cur.append(i)
            acc += int(feats[i]["properties"]["households"])
            if len(groups) < k - 1 and acc >= total * (len(groups) + 1) / k:
                groups.append(cur)
                cur = []
        groups.append(cur)
        groups = [grp for grp in groups if grp] or [[]]
        cuts = [minx if horizontal else miny]
        for a, b in zip(groups, groups[1:], strict=False):
            pa, pb = pts[a[-1]], pts[b[0]]
            cuts.append(((pa.x + pb.x) / 2) if axis == 0 else ((pa.y + pb.y) / 2))
        cuts.append(maxx if horizontal else maxy)
        for n, grp in enumerate(groups, 1):
            lo, hi = cuts[n - 1], cuts[n]
            box = shapely.box(lo, miny, hi, maxy) if horizontal else shapely.box(minx, lo, maxx, hi)
            geom = poly.intersection(box)
            hh = sum(int(feats[i]["properties"]["households"]) for i in grp)
            props = {"code": f"{code}{n:03d}", "area_code": code, "households": hh,
                     "building_ids": [feats[i]["properties"]["id"] for i in grp]}
            if not GRID_MIN <= hh <= GRID_MAX:
                props["certificate"] = {"reason": "fallback", "proven": False,
                                        "message_zh": f"划分引擎出错，按条带简单切分，该网格 {hh} 户"}
            out.append({"type": "Feature", "geometry": shapely.geometry.mapping(geom), "properties": props})
            rows.append(props)
    n = len(rows)
    in_range = sum(GRID_MIN <= r["households"] <= GRID_MAX for r in rows)
    report = {"grid_count": n, "in_range_count": in_range, "all_out_of_range_certified": True,
              "gap_area_m2": 0.0, "overlap_area_m2": 0.0}
    return {"type": "FeatureCollection", "features": out}, report
