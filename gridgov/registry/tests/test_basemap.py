"""The district base map (ADR 0017): public geometry and names only, for any map viewer."""

import json

import pytest
from django.urls import reverse

from gridgov.divisions.redraw.streets import save_streets
from gridgov.registry.models import Building

from .conftest import A1

BBOX = "111.69,29.03,111.73,29.05"


def _street(name, coords):
    return {"type": "Feature", "properties": {"name": name}, "geometry": {"type": "LineString", "coordinates": coords}}


@pytest.fixture
def district(place):
    save_streets([_street("测试路", [[111.699, 29.039], [111.712, 29.039]]),
                  _street("远方路", [[112.5, 29.9], [112.6, 29.9]])])
    Building.objects.filter(grid__code=A1).update(footprint={"type": "Polygon", "coordinates": [[
        [111.7, 29.04], [111.7001, 29.04], [111.7001, 29.0401], [111.7, 29.0401], [111.7, 29.04]]]})
    return place


def test_base_map_has_streets_buildings_outlines_and_labels_but_no_registry_data(client, district):
    # given an anonymous visitor (the public report form's map)
    # when the map asks for a close view
    r = client.get(reverse("registry:basemap"), {"bbox": BBOX, "zoom": "17"})
    # then streets in view, footprints, outlines and names come back
    assert r.status_code == 200 and "max-age=300" in r["Cache-Control"]
    data = r.json()
    assert [f["properties"]["name"] for f in data["streets"]["features"]] == ["测试路"]
    assert len(data["buildings"]["features"]) == 1
    assert A1 in {f["properties"]["code"] for f in data["areas"]["features"]}  # the fixture draws grids only
    assert "A社区第一网格" in {label["name"] for label in data["labels"]}
    # and nothing from the registry beyond geometry
    body = json.dumps(data, ensure_ascii=False)
    assert "测试楼" not in body and "武陵区测试路" not in body and "张三" not in body and "households" not in body


def test_footprints_only_from_zoom_16_and_grids_from_14(client, district):
    data = client.get(reverse("registry:basemap"), {"bbox": BBOX, "zoom": "13"}).json()
    assert data["buildings"]["features"] == [] and data["areas"]["features"] == []  # grids only from 14
    assert data["streets"]["features"]  # streets at every zoom


@pytest.mark.parametrize("params", [{}, {"bbox": "1,2,3", "zoom": "15"}, {"bbox": "110,28,113,31", "zoom": "15"},
                                    {"bbox": BBOX, "zoom": "x"}, {"bbox": "111.8,29,111.7,29.1", "zoom": "15"}])
def test_bad_requests_get_a_chinese_400(client, tree, params):
    r = client.get(reverse("registry:basemap"), params)
    assert r.status_code == 400 and "参数不正确" in r.json()["detail"]


def test_extent_fits_the_street_offices(client, tree):
    bbox = client.get(reverse("registry:basemap"), {"extent": "1"}).json()["bbox"]
    assert bbox[0] < bbox[2] and bbox[1] < bbox[3] and 111.6 < bbox[0] < 111.8


def test_grid_at_a_point_prefills_the_report_form(client, tree):
    inside = client.get(reverse("registry:grid_at"), {"lng": "111.707", "lat": "29.041"}).json()
    assert inside == {"grid": {"code": "430702004001001", "name": "A社区第一网格"}}
    assert client.get(reverse("registry:grid_at"), {"lng": "100", "lat": "20"}).json() == {"grid": None}
    assert client.get(reverse("registry:grid_at"), {"lng": "abc"}).status_code == 400
