"""Real places → the partition engine's three inputs (test and bench support, not the engine).

The files in ``data/places/`` hold real building footprints and real cut lines (streets,
service roads, paths, railways, water, park edges, each with a ``class``) of five places,
derived by ``bench/partition/derive_places.py`` from data that PyPI packages ship (see
``data/places/README.md`` for sources and licences).  Households are synthetic and seeded, as in
``osm_real.py`` (floor area / ~90 m² per home, one unit per staircase), then scaled per place
so that it needs the number of grids given in :data:`PLACES`; one place uses a high-rise model
so that some residential buildings hold more than 500 households.  Boundary areas are the
place's box cut along its major roads, merged until each holds ``min_area_hh`` households and
can be shared into grids of 350–500 households at all (no total between 500 and 700).
"""

from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import mapping, shape

from .osm_real import HOMES, HOUSES, M2_PER_DEG_LAT, UNSPECIFIC, _levels

DATA = Path(__file__).resolve().parent / "data" / "places"
MAJOR = frozenset(
    "highway=motorway highway=trunk highway=primary highway=secondary highway=tertiary highway=motorway_link "
    "highway=trunk_link highway=primary_link highway=secondary_link highway=tertiary_link".split()
)


@dataclass(frozen=True)
class Spec:
    grids: int  # households are scaled so that the place needs about this many grids
    min_area_hh: int = 1400
    high_rise: bool = False  # large residential footprints are towers of 16–24 floors
    all_homes: bool = False  # every building of an unspecific type holds homes (cadastral data)
    major_lines: bool = True  # areas are cut along major roads (else along any street)


PLACES = {
    "helsinki_old_town": Spec(grids=24),
    "helsinki_station": Spec(grids=18, high_rise=True, min_area_hh=1800),
    "prague_bubenec": Spec(grids=8, min_area_hh=1800, major_lines=False, all_homes=True),
    "kotka_karhula_west": Spec(grids=12),
    "kotka_karhula_east": Spec(grids=12),
}


@dataclass
class Place:
    name: str
    buildings: dict
    streets: dict  # every cut line, with its ``class``
    areas: dict
    info: dict = field(default_factory=dict)


def read_place(name: str) -> dict:
    with gzip.open(DATA / f"{name}.geojson.gz", "rt", encoding="utf-8") as fh:
        return json.load(fh)


def _raw_households(tags, footprint_m2, rng, spec):
    """Homes of one building before scaling: (households, staircase size, without units) — as
    ``osm_real._households``."""
    kind = tags.get("building", "yes")
    high_rise = spec.high_rise
    homes = kind in HOMES or (kind in UNSPECIFIC and (rng.random() < 0.7 or spec.all_homes))
    levels = _levels(tags, footprint_m2, kind, rng)
    per_home = 90.0 * rng.uniform(0.8, 1.2)
    tower = rng.integers(16, 25)
    no_units = rng.random() < 0.3
    if not homes or footprint_m2 < 40:
        return 0.0, None, False
    if kind in HOUSES or (footprint_m2 < 250 and levels <= 2):
        return (1.0 if rng.random() < 0.8 else 2.0), None, False
    if high_rise and footprint_m2 >= 1200:
        levels = float(tower)
    res_levels = levels - 1 if levels >= 4 else levels
    hh = footprint_m2 * 0.8 * res_levels / per_home
    return hh, max(2, round(4 * res_levels)), no_units and high_rise and footprint_m2 >= 1200


def _units(hh, per_unit):
    n = max(1, round(hh / per_unit))
    if n < 2:
        return None
    base, extra = divmod(hh, n)
    return [base + (i < extra) for i in range(n)]


def _cut_areas(region, cut, hh_at, min_area_hh, lo=350, hi=500):
    """Faces of ``region`` cut by the lines ``cut``, merged (smallest, then infeasible, first)
    into the least populated neighbour until each holds ``min_area_hh`` and can be shared into
    grids of ``lo``–``hi`` households."""
    lines = shapely.union_all([region.boundary, *shapely.intersection(cut, region)])
    faces = [f for f in shapely.get_parts(shapely.polygonize(shapely.get_parts(lines))) if f.area > 0]
    faces = [f for f in faces if region.contains(f.representative_point())] or [region]
    hh = [int(hh_at(f)) for f in faces]

    def bad(h):
        return h < min_area_hh or math.ceil(h / hi) > h // lo

    while len(faces) > 1:
        small = [i for i in range(len(faces)) if bad(hh[i])]
        if not small:
            break
        i = min(small, key=lambda k: (hh[k], faces[k].area))
        shared = {}
        for j in range(len(faces)):
            if j != i:
                length = faces[i].boundary.intersection(faces[j].boundary).length
                if length > 0:
                    shared[j] = length
        if hh[i] == 0:
            best = max(shared, key=lambda j: (shared[j], -j), default=None)
        else:
            best = min(shared, key=lambda j: (hh[j], -shared[j], j), default=None)
        if best is None:
            break
        merged = shapely.union(faces[i], faces[best])
        keep = [k for k in range(len(faces)) if k not in (i, best)]
        faces = [faces[k] for k in keep] + [merged]
        hh = [hh[k] for k in keep] + [hh[i] + hh[best]]
    out = []
    for f in faces:
        f = shapely.normalize(shapely.make_valid(f))
        out.extend(p for p in shapely.get_parts(f) if p.geom_type == "Polygon")
    return out


def load_place(name: str, seed: int = 0) -> Place:
    """Buildings (footprints + synthetic households), cut lines and boundary areas of a place."""
    spec = PLACES[name]
    fc = read_place(name)
    minx, miny, maxx, maxy = fc["bbox"]
    lat0 = (miny + maxy) / 2
    k2 = M2_PER_DEG_LAT**2 * math.cos(math.radians(lat0))
    region = shapely.box(minx, miny, maxx, maxy)
    rng = np.random.default_rng(seed)
    rows, lines = [], []
    for f in fc["features"]:
        p = f["properties"]
        if p["kind"] == "building":
            geom = shape(f["geometry"])
            fp = float(shapely.area(geom)) * k2
            raw, per_unit, no_units = _raw_households(p, fp, rng, spec)
            rows.append((f, raw, per_unit, no_units, shapely.point_on_surface(shapely.make_valid(geom))))
        else:
            lines.append(f)
    raw_total = sum(r[1] for r in rows)
    scale = spec.grids * 425 / raw_total if raw_total else 1.0
    b_feats, pts, hhs = [], [], []
    for f, raw, per_unit, no_units, pt in rows:
        hh = max(1, round(raw * scale)) if raw > 0 else 0
        props = {
            "id": f["properties"]["id"],
            "households": hh,
            "building": f["properties"].get("building", "yes"),
        }
        units = _units(hh, max(2, round(per_unit * max(1.0, scale)))) if per_unit and not no_units else None
        if units:
            props["units"] = units
        b_feats.append({"type": "Feature", "geometry": f["geometry"], "properties": props})
        pts.append(pt)
        hhs.append(hh)
    pts_arr = np.asarray(pts, dtype=object)
    hh_arr = np.asarray(hhs, dtype=np.int64)
    tree = shapely.STRtree(pts_arr)

    def hh_at(poly):
        return int(hh_arr[tree.query(poly, predicate="contains")].sum())

    if spec.major_lines:
        cut = [shape(f["geometry"]) for f in lines if f["properties"]["tag"] in MAJOR]
    else:
        cut = [shape(f["geometry"]) for f in lines if f["properties"]["class"] == "street"]
    polys = _cut_areas(region, np.asarray(cut, dtype=object), hh_at, spec.min_area_hh)
    code = f"99{seed % 100:02d}{sorted(PLACES).index(name):02d}00001"
    areas = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": mapping(p), "properties": {"code": f"{code}{k:02d}"}}
            for k, p in enumerate(polys)
        ],
    }
    streets = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": f["geometry"],
                "properties": {k: f["properties"][k] for k in ("id", "class", "tag")},
            }
            for f in lines
        ],
    }
    info = {
        "about": fc["about"],
        "source": fc["source"],
        "license": fc["license"],
        "buildings": len(b_feats),
        "buildings_with_homes": int((hh_arr > 0).sum()),
        "buildings_over_max": int((hh_arr > 500).sum()),
        "max_building_households": int(hh_arr.max()) if len(hh_arr) else 0,
        "households": int(hh_arr.sum()),
        "lines": {
            c: sum(1 for f in lines if f["properties"]["class"] == c)
            for c in sorted({f["properties"]["class"] for f in lines})
        },
        "areas": len(polys),
        "area_households": [hh_at(p) for p in polys],
        "region_km2": round(float(shapely.area(region)) * k2 / 1e6, 3),
    }
    return Place(
        name=name,
        buildings={"type": "FeatureCollection", "features": b_feats},
        streets=streets,
        areas=areas,
        info=info,
    )
