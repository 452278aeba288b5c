"""An independent check of a partition: every figure recomputed from the output grids and the
input alone, with shapely.

Nothing in the grids' or the report's properties is trusted except what says *which* units of
a divided building a grid holds (geometry cannot say that; those grids must touch the
building).  Households per grid come from the input buildings' points, the street share from
the input lines, tiling and compactness from the polygons.

Figures (``verify(...)`` returns them in a dict):

* ``in_range`` — grids with min..max households; ``excepted`` — grids out of range for one of
  the two reasons a user can check from the input: the grid holds a single building (or part of
  one) of more than max households, or it is the whole of a boundary area whose total is under
  min; ``unexcused`` — the others (must be 0);
* ``gap_m2`` / ``overlap_m2`` per area summed; ``single_polygon`` (every grid one valid Polygon);
  ``buildings_once`` (every building point in exactly one grid);
* ``internal_m`` — length of boundary shared by two grids of the same area; ``near_m[class]`` —
  the part of it within ``TOL`` metres of an input line of that class (each metre counted once,
  for the first class in :data:`CLASS_ORDER` it is near); ``line_share`` — near any line;
  ``street_share`` — near a street or service road (streets proper); ``in_block_m`` — the rest;
* ``pp_mean`` / ``pp_min`` — Polsby-Popper 4πA/P² of the grids.
"""

from __future__ import annotations

import math

import numpy as np
import pyproj
import shapely
from shapely.geometry import shape

TOL = 5.0  # metres: a boundary this close to a line follows it
CLASS_ORDER = ("street", "service", "rail", "water", "path", "park")
STREETS_PROPER = ("street", "service")


def _metric(lon0, lat0):
    tr = pyproj.Transformer.from_crs(
        "EPSG:4326", f"+proj=tmerc +lat_0={lat0} +lon_0={lon0} +k=1 +ellps=WGS84 +units=m", always_xy=True
    )
    return lambda geoms: shapely.transform(
        np.asarray(geoms, dtype=object), lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1]))
    )


def _households(buildings, grids, gll, hi):
    """(households per grid, buildings_once, {grid: set of buildings with households in it})."""
    feats = buildings["features"]
    pts = shapely.point_on_surface(
        shapely.make_valid(np.asarray([shape(f["geometry"]) for f in feats], dtype=object))
    )
    tree = shapely.STRtree(gll)
    bi, gi = tree.query(pts, predicate="intersects")
    grid_of = {}
    for b, g in zip(bi.tolist(), gi.tolist(), strict=True):
        grid_of.setdefault(b, g)  # a point on a shared edge: the first grid
    once = len(grid_of) == len(feats)
    hh = [0] * len(grids)
    holders = [dict() for _ in grids]  # grid -> {building: households}
    split = {}  # building id -> {grid: [units]}
    for k, f in enumerate(grids):
        for bid, us in ((f["properties"] or {}).get("units") or {}).items():
            split.setdefault(str(bid), {})[k] = list(us)
    for b, f in enumerate(feats):
        p = f["properties"]
        g = grid_of.get(b)
        if g is None:
            continue
        bid = str(p["id"])
        if bid in split and p.get("units"):
            units = p["units"]
            claimed = sorted(u for us in split[bid].values() for u in us)
            if claimed != list(range(len(units))):
                once = False
            for k, us in split[bid].items():
                if shapely.distance(gll[k], pts[b]) > 1e-5:  # ~1 m in degrees: must touch the point
                    once = False
                n = sum(units[u] for u in us)
                hh[k] += n
                holders[k][bid] = holders[k].get(bid, 0) + n
        else:
            hh[g] += int(p["households"])
            if p["households"]:
                holders[g][bid] = int(p["households"])
    return hh, once, holders


def verify(buildings, lines, areas, grids_fc, lo=350, hi=500):
    grids = grids_fc["features"]
    apolys_ll = [shape(f["geometry"]) for f in areas["features"]]
    c = shapely.union_all(apolys_ll).centroid
    to_m = _metric(c.x, c.y)
    gll = np.asarray([shape(f["geometry"]) for f in grids], dtype=object)
    gm = to_m(gll)
    am = to_m(apolys_ll)
    area_of = []
    for g in gm:
        ov = [shapely.area(shapely.intersection(g, a)) for a in am]
        area_of.append(int(np.argmax(ov)))
    hh, once, holders = _households(buildings, grids, gll, hi)

    # area totals from the buildings' points
    feats = buildings["features"]
    pts = to_m(
        shapely.point_on_surface(
            shapely.make_valid(np.asarray([shape(f["geometry"]) for f in feats], dtype=object))
        )
    )
    area_total = [0] * len(am)
    atree = shapely.STRtree(am)
    pi, ai = atree.query(pts, predicate="intersects")
    seen = set()
    for p, a in zip(pi.tolist(), ai.tolist(), strict=True):
        if p not in seen:
            seen.add(p)
            area_total[a] += int(feats[p]["properties"]["households"])
    grids_in_area = [sum(1 for x in area_of if x == a) for a in range(len(am))]

    in_range = excepted = 0
    unexcused, exceptions = [], []
    for k, h in enumerate(hh):
        if lo <= h <= hi:
            in_range += 1
            continue
        a = area_of[k]
        nonzero = [b for b, n in holders[k].items() if n > 0]
        if h > hi and len(nonzero) == 1:
            excepted += 1
            exceptions.append((k, "single_building_over_max"))
        elif h < lo and area_total[a] < lo and grids_in_area[a] == 1:
            excepted += 1
            exceptions.append((k, "area_total_below_min"))
        else:
            unexcused.append(k)

    single = all(g.geom_type == "Polygon" and g.is_valid for g in gm)
    gap = overlap = 0.0
    for a, poly in enumerate(am):
        mine = [g for g, x in zip(gm, area_of, strict=True) if x == a]
        if not mine:
            gap += poly.area
            continue
        u = shapely.union_all(mine)
        gap += max(0.0, shapely.area(shapely.difference(poly, u)))
        overlap += max(0.0, sum(g.area for g in mine) - u.area)

    # internal boundary: shared by two grids of the same area
    shared = []
    tree = shapely.STRtree(gm)
    ii, jj = tree.query(gm, predicate="intersects")
    bnd = shapely.boundary(gm)
    for i, j in zip(ii.tolist(), jj.tolist(), strict=True):
        if i < j and area_of[i] == area_of[j]:
            s = shapely.intersection(bnd[i], shapely.buffer(bnd[j], 0.05, cap_style="flat"))
            s = (
                shapely.line_merge(
                    shapely.union_all(
                        [p for p in shapely.get_parts(s) if p.geom_type in ("LineString", "MultiLineString")]
                    )
                )
                if not s.is_empty
                else s
            )
            if not s.is_empty and s.length > 0:
                shared.append(s)
    internal = shapely.union_all(shared) if shared else shapely.LineString()
    internal_m = float(internal.length)
    lm = (
        to_m([shape(f["geometry"]) for f in lines["features"]])
        if lines["features"]
        else np.empty(0, dtype=object)
    )
    cls = [f["properties"].get("class", "street") for f in lines["features"]]
    near, rest = {}, internal
    for name in CLASS_ORDER:
        sel = [g for g, c_ in zip(lm, cls, strict=True) if c_ == name]
        if not sel or rest.is_empty:
            near[name] = 0.0
            continue
        zone = shapely.buffer(shapely.union_all(sel), TOL)
        near[name] = float(shapely.intersection(rest, zone).length)
        rest = shapely.difference(rest, zone)
    in_block = float(rest.length)
    on_any = internal_m - in_block

    pp = [4 * math.pi * g.area / g.length**2 if g.length else 0.0 for g in gm]
    n = len(grids)
    return {
        "grids": n,
        "households": int(sum(hh)),
        "grid_households": hh,
        "in_range": in_range,
        "excepted": excepted,
        "exceptions": exceptions,
        "unexcused": unexcused,
        "share_in_range_or_excepted": (in_range + excepted) / n if n else 1.0,
        "single_polygon": single,
        "buildings_once": once,
        "gap_m2": gap,
        "overlap_m2": overlap,
        "internal_m": internal_m,
        "near_m": near,
        "in_block_m": in_block,
        "line_share": on_any / internal_m if internal_m else 1.0,
        "street_share": sum(near[c_] for c_ in STREETS_PROPER) / internal_m if internal_m else 1.0,
        "pp_mean": float(np.mean(pp)) if pp else 0.0,
        "pp_min": float(np.min(pp)) if pp else 0.0,
    }
