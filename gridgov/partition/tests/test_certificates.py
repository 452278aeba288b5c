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


def _row_of_blocks(households):
    """Three blocks in a row, streets between them; ``households``: list of lists of buildings."""
    area = shapely.box(LON, LAT, LON + 3 * D, LAT + D)
    streets = [shapely.LineString([(LON + k * D, LAT), (LON + k * D, LAT + D)]) for k in (1, 2)]
    geoms, props = [], []
    for i, block in enumerate(households):
        for q, h in enumerate(block):
            geoms.append(shapely.Point(LON + (i + 0.3 + 0.4 * q) * D, LAT + (0.3 + 0.4 * q) * D))
            props.append({"id": f"R{i}{q}", "households": h})
    return fc(geoms, props), fc(streets, [{} for _ in streets]), fc([area], [{"code": "430702001001"}])


def test_enclosed_building_is_certified():
    # given a 240-household building between two of 300: each is below 350 alone and over 500
    # with a neighbour (840 households fit two grids by counting alone)
    b, s, a = _row_of_blocks([[300], [240], [300]])
    r = partition(b, s, a, PartitionParams())
    reasons = {c["reason"] for c in r.report["certificates"]}
    assert "enclosed_by_large_buildings" in reasons
    cert = next(c for c in r.report["certificates"] if c["reason"] == "enclosed_by_large_buildings")
    assert cert["proven"] and cert["building_id"] in {"R00", "R10", "R20"}
    assert f"{cert['households']} 户" in cert["message_zh"] and cert["households"] in (240, 300)
    assert r.report["all_out_of_range_certified"] and r.report["contiguous"]


def test_no_contiguous_partition_is_certified():
    # given towers of 480 and 470 with two 25-household houses between them (1000 in all):
    # two grids by counting, so the 480 tower's grid must hold exactly 500 — and no set of
    # its neighbours adds exactly 20
    b, s, a = _row_of_blocks([[480], [25, 25], [470]])
    r = partition(b, s, a, PartitionParams())
    certs = r.report["certificates"]
    assert certs and all(c["proven"] for c in certs)
    assert {c["reason"] for c in certs} == {"no_contiguous_partition"}
    assert certs[0]["ruled_out"][0]["window"] == [500, 500]


def test_pieces_that_hang_on_a_tower_are_counted_in_its_grid():
    # given a 470-household tower with a 20-household yard behind it (reachable only through
    # the tower's plot) and 340 households in three blocks beyond: 830 households need two
    # grids, so the tower's grid may hold at most 480 — but tower and yard are 490, and the
    # other grid cannot reach 350 without the yard
    area = shapely.box(LON, LAT, LON + 4 * D, LAT + D)
    walls = [shapely.LineString([(LON + k * D, LAT), (LON + k * D, LAT + D)]) for k in (1, 2, 3)]
    yard = shapely.LineString(
        [(LON, LAT + 0.7 * D), (LON + 0.5 * D, LAT + 0.7 * D), (LON + 0.5 * D, LAT + D)]
    )
    pts = [(0.6, 0.3, "T", 470), (0.2, 0.85, "Y", 20), (1.5, 0.5, "A", 100), (2.5, 0.5, "B", 120)]
    pts.append((3.5, 0.5, "C", 120))
    b = fc(
        [shapely.Point(LON + x * D, LAT + y * D) for x, y, _, _ in pts],
        [{"id": bid, "households": h} for _, _, bid, h in pts],
    )
    s = fc([*walls, yard], [{} for _ in range(4)])
    a = fc([area], [{"code": "430702001001"}])
    r = partition(b, s, a, PartitionParams())
    certs = r.report["certificates"]
    assert certs and all(c["proven"] for c in certs), certs
    # the proof from the tower's side: the yard (and the blocks beyond, 340 < 350) can only
    # reach a grid through the tower's plot, so the tower's grid needs 830 > 480
    from gridgov.partition.certify import partition_impossible, pendant
    from gridgov.partition.engine import Workspace

    R = Workspace(b, s, a, PartitionParams()).regions[0]
    ids = R.g.building_ids
    tower = next(v for v in range(R.g.n) if [ids[m.building] for m in R.g.members[v]] == ["T"])
    nodes = list(range(R.g.n))
    hanging = {ids[m.building] for v in pendant(R, set(nodes), tower, 350) for m in R.g.members[v]}
    assert hanging == {"A", "B", "C", "Y"}
    assert partition_impossible(R, nodes, 350, 500) == [(2, tower, (470, 480), ())]


def test_two_buildings_that_need_the_same_plot():
    # given (as a graph of plots) buildings of 296 and 281 households whose only ways out,
    # past the 446-household tower, go through one 54-household plot: each needs it to reach
    # 350, so no two grids can hold them — whatever the grid count
    from types import SimpleNamespace

    from gridgov.partition.certify import partition_impossible
    from gridgov.partition.graph import Member

    w = [296, 54, 58, 281, 446] + [50] * 20
    edges = [(0, 1), (0, 3), (1, 2), (1, 3), (1, 4), (3, 4), (2, 5), (4, 5)]
    edges += [(k, k + 1) for k in range(5, 24)]
    cost = [[] for _ in w]
    for i, j in edges:
        cost[i].append((j, 1.0))
        cost[j].append((i, 1.0))
    g = SimpleNamespace(weight=w, members=[[Member(v, h)] for v, h in enumerate(w)])
    R = SimpleNamespace(g=g, w=w, cost=cost, lo=350, hi=500)
    why = partition_impossible(R, list(range(len(w))), 350, 500)
    # then 5 grids (for 2,135 households) are ruled out by the shared plot; 6 by counting alone
    assert [k for k, *_ in why] == [5]
    assert all({v, *others} == {0, 3} for _k, v, _win, others in why)
