"""The demo district's geometry, generated from a seed (no Django, no files but the CSV).

* the outline: an irregular star-shaped polygon around the district centre, about the real
  district's extent (a smooth random radius function, not the real boundary);
* street/town polygons: Voronoi cells of the street centre points clipped to the outline
  (centres from the divisions CSV where known and inside the outline, the missing ones placed
  deterministically — urban streets near the city centre, towns further out);
* community polygons: Voronoi cells of the community points clipped to their street's polygon,
  so communities nest in streets and tile them exactly.

All coordinates are lon/lat (the CSV's GCJ-02 points are used as plain lon/lat: the demo is a
fiction and needs no datum). Voronoi runs in a locally isotropic frame (lon scaled by cos(lat)).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import MultiPoint, Point, Polygon

DATA = Path(__file__).parent / "data" / "wuling_divisions.csv"
CENTRE = (111.683, 29.045)  # centre of the generated outline
CITY_CENTRE = (111.695, 29.040)  # the old town: urban streets cluster around it
SEMI_AXES = (0.105, 0.095)  # degrees (lon, lat): about 20 km × 21 km
PRECISION = 1e-6  # degrees (~0.1 m): coordinates are snapped to this grid
_KX = math.cos(math.radians(CENTRE[1]))  # lon → isotropic x scale


@dataclass
class Unit:
    """A street/town or community/village from the CSV plus its generated geometry."""

    code: str
    name: str
    parent_code: str
    urban_rural_code: str = ""
    csv_point: tuple[float, float] | None = None
    point: tuple[float, float] | None = None
    polygon: object = None  # shapely (Multi)Polygon, lon/lat
    children: list = field(default_factory=list)


def read_divisions(path=DATA):
    """(district row, [street Unit with .children communities]) from the CSV, in code order."""
    district = None
    streets = {}
    communities = []
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            pt = None
            if row["lng_gcj02"] and row["lat_gcj02"]:
                pt = (float(row["lng_gcj02"]), float(row["lat_gcj02"]))
            unit = Unit(row["code12"], row["name"], row["parent_code12"], row["urban_rural_code"], pt)
            if row["level"] == "county":
                district = unit
            elif row["level"] == "town":
                streets[unit.code] = unit
            else:
                communities.append(unit)
    for c in communities:
        streets[c.parent_code].children.append(c)
    ordered = [streets[k] for k in sorted(streets)]
    for s in ordered:
        s.children.sort(key=lambda u: u.code)
    return district, ordered


def make_outline(rng):
    """An irregular, smooth, star-shaped polygon around CENTRE (lon/lat)."""
    n = 360
    theta = np.linspace(0, 2 * math.pi, n, endpoint=False)
    r = np.ones(n)
    for k in range(2, 16):  # decaying harmonics: lobes and bays, then a wiggly edge
        amp = rng.uniform(0.5, 1.0) * (0.10 if k <= 3 else 0.16 / k ** 1.1)
        r += amp * np.cos(k * theta + rng.uniform(0, 2 * math.pi))
    r = np.clip(r, 0.7, 1.3)
    xs = CENTRE[0] + SEMI_AXES[0] * r * np.cos(theta)
    ys = CENTRE[1] + SEMI_AXES[1] * r * np.sin(theta)
    poly = Polygon(np.column_stack([xs, ys]))
    return _snap(poly.buffer(0))


def _iso(geom):
    return affinity.scale(geom, xfact=_KX, yfact=1.0, origin=(0, 0))


def _uniso(geom):
    return affinity.scale(geom, xfact=1.0 / _KX, yfact=1.0, origin=(0, 0))


def _snap(geom):
    return shapely.make_valid(shapely.set_precision(geom, PRECISION))


def _best_candidate(rng, region, existing, n_candidates=24, near=None, near_radius=None):
    """Mitchell's best-candidate sampling: a random point of ``region`` far from ``existing``."""
    minx, miny, maxx, maxy = region.bounds
    pts = np.asarray(existing, dtype=float).reshape(-1, 2)
    best, best_d = None, -1.0
    tries = 0
    while (best is None or tries < n_candidates) and tries < 5000:
        tries += 1
        if near is not None:
            a, rr = rng.uniform(0, 2 * math.pi), near_radius * math.sqrt(rng.uniform(0, 1))
            x, y = near[0] + rr * math.cos(a) / _KX, near[1] + rr * math.sin(a)
        else:
            x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if not region.contains(Point(x, y)):
            continue
        d = float(np.min(np.hypot((pts[:, 0] - x) * _KX, pts[:, 1] - y))) if len(pts) else 1.0
        if d > best_d:
            best, best_d = (x, y), d
    if best is None:  # a tiny or odd region: its representative point is always inside
        rp = region.representative_point()
        best = (rp.x, rp.y)
    return best


def _voronoi_cells(points, clip):
    """Voronoi cells of ``points`` clipped to ``clip``; list aligned with points (lon/lat)."""
    if len(points) == 1:
        return [clip]
    iso_clip = _iso(clip)
    mp = MultiPoint([(x * _KX, y) for x, y in points])
    env = iso_clip.envelope.buffer(0.05)
    cells = shapely.voronoi_polygons(mp, extend_to=env)
    cells = list(shapely.get_parts(cells))
    out = []
    for x, y in points:
        p = Point(x * _KX, y)
        cell = next(c for c in cells if c.covers(p))
        out.append(_uniso(cell.intersection(iso_clip)))
    return out


def _too_close(pt, others, min_d):
    return any(math.hypot((pt[0] - o[0]) * _KX, pt[1] - o[1]) < min_d for o in others)


def build_geometry(streets, seed):
    """Fill in ``point`` and ``polygon`` for every street and community; returns the outline."""
    rng = np.random.default_rng(seed)
    outline = make_outline(rng)
    inner = outline.buffer(-0.01)
    # street points: known centres inside the outline, the rest generated
    placed = []
    for s in streets:
        if s.csv_point and inner.contains(Point(s.csv_point)) and not _too_close(s.csv_point, placed, 0.004):
            s.point = s.csv_point
            placed.append(s.point)
    for s in streets:
        if s.point is None:
            urban = int(s.code[6:9]) < 100
            s.point = _best_candidate(
                rng, inner, placed, near=CITY_CENTRE if urban else CENTRE,
                near_radius=0.035 if urban else 0.11,
            )
            placed.append(s.point)
    for s, cell in zip(streets, _voronoi_cells([s.point for s in streets], outline), strict=True):
        s.polygon = cell
    # community points inside each street polygon
    for s in streets:
        region = s.polygon.buffer(-0.0015) if s.polygon.area > 4e-5 else s.polygon
        if region.is_empty:
            region = s.polygon
        pts = []
        for c in s.children:
            if c.csv_point and region.contains(Point(c.csv_point)) and not _too_close(c.csv_point, pts, 0.002):
                c.point = c.csv_point
                pts.append(c.point)
        for c in s.children:
            if c.point is None:
                c.point = _best_candidate(rng, region, pts)
                pts.append(c.point)
        for c, cell in zip(s.children, _voronoi_cells(pts_of(s.children), s.polygon), strict=True):
            c.polygon = cell
    return _make_coverage(streets)


def _make_coverage(streets):
    """Snap all community polygons onto one noded coverage (shared edges share vertices), so
    communities tile their street and streets tile the outline exactly after rounding.
    Street polygons and the outline are rebuilt as unions of their communities."""
    comms = [c for s in streets for c in s.children]
    raw = [c.polygon for c in comms]
    # a snap-rounding overlay: noded linework on the precision grid (polygonize needs it noded)
    lines = shapely.union_all([shapely.boundary(g) for g in raw], grid_size=PRECISION)
    faces = list(shapely.get_parts(shapely.polygonize(list(shapely.get_parts(lines)))))
    tree = shapely.STRtree(raw)
    owned = [[] for _ in comms]
    for f in faces:
        rp = f.representative_point()
        hits = [int(i) for i in tree.query(rp, predicate="within")]
        if not hits:  # a sliver along an edge: the community it overlaps most
            cand = [int(i) for i in tree.query(f)]
            if not cand:
                continue
            hits = [max(cand, key=lambda i: raw[i].intersection(f).area)]
        owned[hits[0]].append(f)
    for c, parts in zip(comms, owned, strict=True):
        c.polygon = shapely.set_precision(shapely.union_all(parts), PRECISION)
        if c.polygon.is_empty:
            raise RuntimeError(f"演示区划生成失败：社区 {c.code} 的边界为空")
    for s in streets:
        s.polygon = shapely.set_precision(shapely.union_all([c.polygon for c in s.children]), PRECISION)
    return shapely.set_precision(shapely.union_all([s.polygon for s in streets]), PRECISION)


def pts_of(units):
    return [u.point for u in units]


HOUSEHOLD_WEIGHT = {"111": 2400, "112": 1500, "121": 1300, "122": 1100, "210": 900, "220": 750}


def household_budgets(streets, seed, total=None, per_community=None):
    """{community code: households}. ``total`` scales urban-weighted draws to a district sum;
    ``per_community`` = (lo, hi) draws uniformly instead (small scales)."""
    rng = np.random.default_rng(seed + 7919)
    comms = [c for s in streets for c in s.children]
    if per_community:
        lo, hi = per_community
        return {c.code: int(rng.integers(lo, hi + 1)) for c in comms}
    w = np.array([HOUSEHOLD_WEIGHT.get(c.urban_rural_code, 1500) * rng.lognormal(0, 0.25) for c in comms])
    hh = np.maximum(380, np.round(w / w.sum() * total)).astype(int)
    return {c.code: int(h) for c, h in zip(comms, hh, strict=True)}


def to_geojson(geom):
    return shapely.geometry.mapping(geom)
