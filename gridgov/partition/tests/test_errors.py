"""Bad input raises PartitionError with a Chinese message naming the feature."""

import copy
import json

import pytest

from gridgov.partition import PartitionError, PartitionParams, partition

from .tiny import LAT, LON, D, buildings_in_blocks, grid_streets, one_area


@pytest.fixture
def good():
    return buildings_in_blocks(30), grid_streets(), one_area()


def _run(b, s, a, **kw):
    return partition(b, s, a, PartitionParams(**kw))


def _expect(match, reason, b, s, a, **kw):
    with pytest.raises(PartitionError, match=match) as exc:
        _run(b, s, a, **kw)
    assert exc.value.reason == reason
    return exc.value


def test_negative_households(good):
    b, s, a = copy.deepcopy(good)
    b["features"][3]["properties"]["households"] = -2
    e = _expect("建筑 B3 的户数 -2 为负数", "negative_households", b, s, a)
    assert e.feature == "建筑 B3"


def test_missing_id(good):
    b, s, a = copy.deepcopy(good)
    del b["features"][0]["properties"]["id"]
    _expect("缺少编号 id", "missing_id", b, s, a)


def test_duplicate_id(good):
    b, s, a = copy.deepcopy(good)
    b["features"][5]["properties"]["id"] = "B1"
    _expect("建筑编号 B1 重复", "duplicate_id", b, s, a)


def test_units_not_summing(good):
    b, s, a = copy.deepcopy(good)
    b["features"][2]["properties"]["units"] = [1, 2]
    _expect("B2 的各单元户数之和 3 与总户数", "units_mismatch", b, s, a)


def test_invalid_geometry(good):
    b, s, a = copy.deepcopy(good)
    bow = [[LON, LAT], [LON + D, LAT + D], [LON + D, LAT], [LON, LAT + D], [LON, LAT]]
    a["features"][0]["geometry"] = {"type": "Polygon", "coordinates": [bow]}
    _expect("边界 430702001001 的几何不合法", "invalid_geometry", b, s, a)


def test_wrong_geometry_type(good):
    b, s, a = copy.deepcopy(good)
    s["features"][0]["geometry"] = {"type": "Point", "coordinates": [LON, LAT]}
    _expect("街巷 S0 的几何类型 Point 不受支持", "bad_geometry_type", b, s, a)


def test_building_outside_every_boundary(good):
    b, s, a = copy.deepcopy(good)
    b["features"][7]["geometry"]["coordinates"] = [LON - 0.01, LAT]
    _expect("建筑 B7 不在任何边界区域内", "building_outside_boundaries", b, s, a)


def test_missing_area_code(good):
    b, s, a = copy.deepcopy(good)
    del a["features"][0]["properties"]["code"]
    _expect("缺少区划代码 code", "missing_code", b, s, a)


def test_unreadable_file(tmp_path, good):
    _b, s, a = good
    bad = tmp_path / "b.geojson"
    bad.write_text("{not json", encoding="utf-8")
    _expect("建筑文件 .*b.geojson 无法读取", "unreadable_file", str(bad), s, a)
    _expect("不存在", "unreadable_file", str(tmp_path / "missing.geojson"), s, a)


def test_not_a_feature_collection(good):
    _b, s, a = good
    _expect("不是 GeoJSON FeatureCollection", "not_geojson", {"type": "Feature"}, s, a)


def test_bad_params():
    with pytest.raises(PartitionError, match="参数错误"):
        PartitionParams(min_households=500, max_households=350)
    with pytest.raises(PartitionError, match="target"):
        PartitionParams(target="most")
    with pytest.raises(PartitionError, match="workers"):
        PartitionParams(workers=-1)


def test_files_work(tmp_path, good):
    paths = []
    for name, obj in zip("bsa", good, strict=False):
        p = tmp_path / f"{name}.geojson"
        p.write_text(json.dumps(obj), encoding="utf-8")
        paths.append(str(p))
    r = partition(*paths, PartitionParams(min_households=100, max_households=200))
    assert r.report["households"] == 480
