"""Grids that cannot be in range carry a Chinese + machine-readable certificate."""

import shapely

from gridgov.partition import PartitionParams, partition

from .tiny import LAT, LON, D, buildings_in_blocks, fc, grid_streets, one_area, square


def test_area_below_min_is_certified():
    # given an area with 212 households in total
    b = buildings_in_blocks(lambda i, j: 212 if (i, j) == (0, 0) else 0)
    # when
    r = partition(b, grid_streets(), one_area(), PartitionParams())
    # then one grid covers the area, certified
    assert r.report["grid_count"] == 1
    cert = r.report["certificates"][0]
    assert cert["reason"] == "area_total_below_min" and cert["proven"]
    assert "212" in cert["message_zh"] and "350" in cert["message_zh"]
    assert r.report["gap_area_m2"] < 1e-3


def test_unit_over_max_is_certified():
    # given a tower with one 620-household unit and one of 80, plus 16 blocks of 60
    b = buildings_in_blocks(60)
    b["features"].append(
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [LON + 1.4 * D, LAT + 1.6 * D]},
            "properties": {"id": "T1", "households": 700, "units": [620, 80]},
        }
    )
    r = partition(b, grid_streets(), one_area(), PartitionParams())
    reasons = {c["reason"] for c in r.report["certificates"]}
    assert "unit_over_max" in reasons
    cert = next(c for c in r.report["certificates"] if c["reason"] == "unit_over_max")
    assert cert["building_id"] == "T1" and cert["unit_indexes"] == [0]
    assert "620" in cert["message_zh"]
    # the tower's units are spread over grids and listed in "units"
    held = [f["properties"].get("units", {}).get("T1") for f in r.grids["features"]]
    assert sorted(u for x in held if x for u in x) == [0, 1]


def test_big_building_with_units_is_split_between_grids():
    # given one 900-household tower with 6 units of 150 in an otherwise empty area
    b = buildings_in_blocks(0)
    b["features"].append(
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [LON + 1.5 * D, LAT + 1.5 * D]},
            "properties": {"id": "T9", "households": 900, "units": [150] * 6},
        }
    )
    r = partition(b, grid_streets(), one_area(), PartitionParams())
    assert r.report["grid_count"] == 2
    assert r.report["share_in_range"] == 1.0
    assert all("T9" in f["properties"]["units"] for f in r.grids["features"])


def test_island_below_min_is_certified():
    # given an area of two separate squares; the small island holds 120 households
    area = shapely.MultiPolygon([square(0, 0, 4), square(5, 0, 1)])
    b = buildings_in_blocks(60)
    b["features"].append(
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [LON + 5.5 * D, LAT + 0.5 * D]},
            "properties": {"id": "I1", "households": 120},
        }
    )
    r = partition(b, grid_streets(), fc([area], [{"code": "430702001001"}]), PartitionParams())
    reasons = [c["reason"] for c in r.report["certificates"]]
    assert reasons == ["isolated_component_below_min"]
    assert r.report["contiguous"]
    assert r.report["share_in_range"] < 1.0


def test_no_integer_count_is_certified():
    # given 16 blocks of 40 = 640 households: one grid is too big, two are too small
    r = partition(buildings_in_blocks(40), grid_streets(), one_area(), PartitionParams())
    assert {c["reason"] for c in r.report["certificates"]} == {"no_integer_grid_count"}
    assert all(c["proven"] for c in r.report["certificates"])


def test_large_building_count_proof():
    # given 16 blocks of 40 and a 480-household tower: 1120 households fit 3 grids by count,
    # but the tower's grid holds 480–500, leaving 620–640 for two grids of at least 350
    b = buildings_in_blocks(40)
    b["features"].append(
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [LON + 2.5 * D, LAT + 2.5 * D]},
            "properties": {"id": "T5", "households": 480},
        }
    )
    r = partition(b, grid_streets(), one_area(), PartitionParams())
    reasons = {c["reason"] for c in r.report["certificates"]}
    assert reasons == {"large_buildings"}
    assert all(c["proven"] for c in r.report["certificates"])
