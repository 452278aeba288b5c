"""Hard constraints and quality on synthetic cities."""

import json

import pytest

from gridgov.partition import PartitionParams, partition
from gridgov.partition.synthetic import make_city

from .helpers import check_hard_constraints


def test_small_city_meets_hard_constraints(small_city, small_result):
    # given a 12k-household synthetic city with a river; when partitioned; then
    buildings, _streets, boundaries = small_city
    check_hard_constraints(buildings, boundaries, small_result)


def test_small_city_quality(small_result):
    r = small_result.report
    assert r["share_in_range"] >= 0.9
    assert r["all_out_of_range_certified"]
    assert r["street_boundary_share"] >= 0.8
    assert r["polsby_popper_mean"] >= 0.4
    json.dumps(r)  # JSON-serialisable


def test_codes_are_numbered_north_to_south(small_result):
    feats = small_result.grids["features"]
    by_area = {}
    for f in feats:
        by_area.setdefault(f["properties"]["area_code"], []).append(f)
    for fs in by_area.values():
        nums = [int(f["properties"]["code"][-3:]) for f in fs]
        assert sorted(nums) == list(range(1, len(nums) + 1))


def test_target_max_gives_more_grids(small_city):
    balanced = partition(*small_city, PartitionParams())
    most = partition(*small_city, PartitionParams(target="max"))
    assert most.report["grid_count"] > balanced.report["grid_count"]
    check_hard_constraints(small_city[0], small_city[2], most)


def test_target_int_is_mean_size(small_city):
    r = partition(*small_city, PartitionParams(target=470))
    assert r.report["household_mean"] > 440


def test_projected_crs_input():
    # given a city in UTM 49N (EPSG:32649)
    import numpy as np
    import pyproj
    import shapely
    from shapely.geometry import mapping, shape

    b, s, a = make_city(3000, seed=2, with_river=False)
    tr = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:32649", always_xy=True)

    def conv(fc):
        out = {"type": "FeatureCollection", "features": []}
        for f in fc["features"]:
            g = shapely.transform(shape(f["geometry"]), lambda xy: np.column_stack(tr.transform(*xy.T)))
            out["features"].append({"type": "Feature", "geometry": mapping(g), "properties": f["properties"]})
        return out

    r = partition(conv(b), conv(s), conv(a), PartitionParams(crs="EPSG:32649"))
    x, y = shape(r.grids["features"][0]["geometry"]).centroid.coords[0]
    assert 100_000 < x < 900_000 and y > 1_000_000  # output stays in the input CRS
    assert r.report["gap_area_m2"] < 1 and r.report["contiguous"]


@pytest.mark.parametrize("seed", [11, 12])
def test_other_seeds(seed):
    b, s, a = make_city(5000, seed=seed)
    r = partition(b, s, a, PartitionParams())
    check_hard_constraints(b, a, r)


def test_make_city_in_fills_given_areas():
    # given two community polygons (one as a GeoJSON dict)
    import shapely
    from shapely.geometry import mapping

    from gridgov.partition.synthetic import make_city_in

    lon, lat, d = 111.68, 29.04, 0.006
    outline = shapely.box(lon, lat, lon + 2 * d, lat + d)
    areas = [
        ("430702001001", shapely.box(lon, lat, lon + d, lat + d)),
        ("430702001002", mapping(shapely.box(lon + d, lat, lon + 2 * d, lat + d))),
    ]
    # when
    b, s, a = make_city_in(outline, areas, {"430702001001": 2100, "430702001002": 1500}, seed=1)
    # then the households match and the result partitions cleanly
    per_area = {c: 0 for c, _ in areas}
    r = partition(b, s, a, PartitionParams())
    for f in r.grids["features"]:
        per_area[f["properties"]["area_code"]] += f["properties"]["households"]
    assert per_area == {"430702001001": 2100, "430702001002": 1500}
    check_hard_constraints(b, a, r)
