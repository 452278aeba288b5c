"""Dynamic adjustment: repair keeps codes and moves few households; split/merge/redraw."""

import copy

import pytest
from shapely.geometry import shape

from gridgov.partition import (
    PartitionError,
    PartitionParams,
    merge_grids,
    partition,
    redraw_area,
    repair,
    split_grid,
)
from gridgov.partition.synthetic import perturb_city

from .helpers import check_hard_constraints


def test_repair_of_unchanged_city_moves_nothing_in_range(small_city, small_result):
    b, s, a = small_city
    r = repair(small_result.grids, b, s, a, PartitionParams())
    in_range_before = {g["code"] for g in small_result.report["grids"] if g["in_range"]}
    assert in_range_before <= set(r.report["kept_codes"])
    assert r.report["moved_household_share"] <= 0.02
    check_hard_constraints(b, a, r)


def test_repair_after_growth_keeps_codes_and_moves_few(small_city, small_result):
    # given households +25% in 5% of blocks and 40 new buildings
    b, s, a = small_city
    b2 = perturb_city(b, s, a, seed=3, new_buildings=10)
    # when
    r = repair(small_result.grids, b2, s, a, PartitionParams())
    # then
    check_hard_constraints(b2, a, r)
    rep = r.report
    old = {f["properties"]["code"] for f in small_result.grids["features"]}
    assert len(rep["kept_codes"]) >= 0.9 * len(old)
    assert rep["moved_household_share"] <= 0.10
    assert rep["share_in_range"] >= small_result.report["share_in_range"] - 0.05
    # new grids take the next free number in their area
    for code in rep["new_codes"]:
        area = code[:-3]
        taken = sorted(int(c[-3:]) for c in old if c.startswith(area))
        assert int(code[-3:]) > max(taken, default=0) or int(code[-3:]) not in taken


def test_repair_handles_demolition_and_new_street(small_city, small_result):
    b, s, a = small_city
    b2 = copy.deepcopy(b)
    b2["features"] = b2["features"][::2]  # half the buildings demolished
    s2 = copy.deepcopy(s)
    (x0, y0), (x1, y1) = (
        shape(a["features"][0]["geometry"]).bounds[:2],
        shape(a["features"][0]["geometry"]).bounds[2:],
    )
    s2["features"].append(  # a new diagonal road through the first community
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [[x0, y0], [x1, y1]]},
            "properties": {},
        }
    )
    r = repair(small_result.grids, b2, s2, a, PartitionParams())
    check_hard_constraints(b2, a, r)
    assert r.report["removed_codes"]  # fewer households -> fewer grids


def test_split_grid(small_city, small_result):
    b, s, a = small_city
    code = max(small_result.report["grids"], key=lambda g: g["households"])["code"]
    r = split_grid(small_result.grids, code, b, s, a, PartitionParams(min_households=150))
    assert r.report["grid_count"] == small_result.report["grid_count"] + 1
    assert code in r.report["kept_codes"] and len(r.report["new_codes"]) == 1
    check_hard_constraints(b, a, r, lo=150)


def test_merge_grids(small_city, small_result):
    b, s, a = small_city
    from shapely.geometry import shape

    feats = small_result.grids["features"]
    pair = next(
        (f["properties"]["code"], g["properties"]["code"])
        for f in feats
        for g in feats
        if f["properties"]["area_code"] == g["properties"]["area_code"]
        and f["properties"]["code"] < g["properties"]["code"]
        and shape(f["geometry"]).intersection(shape(g["geometry"])).length > 0
    )
    mine = list(pair)
    r = merge_grids(small_result.grids, mine[0], mine[1], b, s, a, PartitionParams(max_households=1000))
    assert r.report["grid_count"] == small_result.report["grid_count"] - 1
    assert mine[1] in r.report["removed_codes"]
    check_hard_constraints(b, a, r, hi=1000)


def test_merge_rejects_other_area(small_city, small_result):
    b, s, a = small_city
    feats = small_result.grids["features"]
    c1 = feats[0]["properties"]["code"]
    c2 = next(
        f["properties"]["code"]
        for f in feats
        if f["properties"]["area_code"] != feats[0]["properties"]["area_code"]
    )
    with pytest.raises(PartitionError, match="不在同一区域"):
        merge_grids(small_result.grids, c1, c2, b, s, a, PartitionParams())


def test_redraw_area(small_city, small_result):
    b, s, a = small_city
    area = a["features"][0]["properties"]["code"]
    r = redraw_area(small_result.grids, area, b, s, a, PartitionParams(target="max"))
    check_hard_constraints(b, a, r)
    others = {
        f["properties"]["code"]
        for f in small_result.grids["features"]
        if not f["properties"]["code"].startswith(area)
    }
    assert others <= set(r.report["kept_codes"])


_REPAIR_SCRIPT = """
import hashlib, json, sys
from gridgov.partition import PartitionParams, partition, repair
from gridgov.partition.synthetic import make_city, perturb_city
workers = int(sys.argv[1])
b, s, a = make_city(60_000, seed=1)
r = partition(b, s, a, PartitionParams(workers=workers))
b2 = perturb_city(b, s, a, seed=3, new_buildings=10)
rr = repair(r.grids, b2, s, a, PartitionParams(workers=workers))
print(hashlib.sha256(json.dumps([r.grids, rr.grids], sort_keys=True).encode()).hexdigest(),
      rr.report["moved_household_share"], rr.report["moved_buildings"])
"""


def test_repair_is_identical_across_processes_and_worker_counts():
    # given the same city repaired in two fresh interpreters with different string hashing
    # (PYTHONHASHSEED) and different worker counts; this city gave three different answers
    # across hash seeds before repair sorted its sets of grid codes
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    outs = []
    for hash_seed, workers in (("1", "1"), ("2", "2")):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        done = subprocess.run(
            [sys.executable, "-c", _REPAIR_SCRIPT, workers],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        )
        outs.append(done.stdout.strip())
    # then grids, moved share and moved buildings are the same
    assert outs[0] == outs[1]
    assert len(outs[0].split()) == 3


def test_parallel_partition_equals_in_process(small_city):
    b, s, a = small_city
    one = partition(b, s, a, PartitionParams(workers=1))
    two = partition(b, s, a, PartitionParams(workers=2))
    assert one.grids == two.grids
    drop = {"runtime_s"}
    assert {k: v for k, v in one.report.items() if k not in drop} == {
        k: v for k, v in two.report.items() if k not in drop
    }


def test_repair_keeps_valid_areas_untouched(small_city, small_result):
    # given the unchanged city: areas whose grids are all in range need no graph at all
    b, s, a = small_city
    r = repair(small_result.grids, b, s, a, PartitionParams())
    bad_areas = {g["area_code"] for g in small_result.report["grids"] if not g["in_range"]}
    assert r.report["kept_areas"] == len(a["features"]) - len(bad_areas)
    before = {f["properties"]["code"]: f for f in small_result.grids["features"]}
    for f in r.grids["features"]:
        if f["properties"]["area_code"] not in bad_areas:
            old = before[f["properties"]["code"]]
            assert shape(f["geometry"]).equals_exact(shape(old["geometry"]), 1e-9)
            assert f["properties"]["building_ids"] == old["properties"]["building_ids"]
    # kept areas report the same street share as the graph-based measure, within rounding
    assert abs(r.report["street_boundary_share"] - small_result.report["street_boundary_share"]) < 0.02


def test_repair_redraws_an_area_whose_building_left_its_grid(small_city, small_result):
    # given one building moved into another grid of its area (same id, same households)
    b, s, a = small_city
    feats = small_result.grids["features"]
    g1, bid = next(
        (f, x)
        for f in feats
        if f["properties"]["households"] >= 400
        for x in f["properties"]["building_ids"]
        if str(x) not in f["properties"].get("units", {})
    )
    g2 = next(
        f for f in feats if f["properties"]["area_code"] == g1["properties"]["area_code"] and f is not g1
    )
    target = shape(g2["geometry"]).representative_point()
    b2 = copy.deepcopy(b)
    for f in b2["features"]:
        if f["properties"]["id"] == bid:
            f["geometry"] = {"type": "Point", "coordinates": [target.x, target.y]}
    r = repair(small_result.grids, b2, s, a, PartitionParams())
    check_hard_constraints(b2, a, r)
    # then that area was worked on (not kept), and the building is in a grid that covers it
    unchanged = repair(small_result.grids, b, s, a, PartitionParams())
    assert r.report["kept_areas"] == unchanged.report["kept_areas"] - 1
    holder = next(f for f in r.grids["features"] if bid in f["properties"]["building_ids"])
    assert shape(holder["geometry"]).covers(target)
