"""Division pages and the GeoJSON endpoint: scope, filters, no N+1."""

from django.urls import reverse

from gridgov.accounts.choices import RoleCode


def test_list_filters_and_query_count(client, admin_user, tree, django_assert_max_num_queries):
    client.force_login(admin_user)
    url = reverse("divisions:list")
    with django_assert_max_num_queries(15):
        body = client.get(url).content.decode()
    assert "C社区第一网格" in body
    body = client.get(url, {"level": "4", "parent": "430702004001"}).content.decode()
    table = body[body.index('id="division-table"'):]
    assert "A社区第二网格" in table and "B社区第一网格" not in table and "丹阳街道" not in table
    body = client.get(url, {"q": "白马湖"}).content.decode()
    assert "白马湖街道" in body[body.index('id="division-table"'):]


def test_detail_breadcrumb_children_history_workers(client, admin_user, grid_worker, tree):
    client.force_login(admin_user)
    body = client.get(reverse("divisions:detail", args=["430702004001"])).content.decode()
    assert "A社区第一网格" in body[body.index('id="children-table"'):]
    assert 'href="/divisions/430702004000/"' in body  # breadcrumb link to the street
    body = client.get(reverse("divisions:detail", args=["430702004001001"])).content.decode()
    assert "测试用户" in body[body.index('id="grid-workers"'):]
    assert "v1" in body[body.index('id="shape-history"'):]


def test_geojson_is_scoped(client, grid_worker, make_user, tree):
    client.force_login(grid_worker)
    data = client.get(reverse("divisions:geojson"), {"level": 4}).json()
    assert [f["properties"]["code"] for f in data["features"]] == ["430702004001001"]
    assert data["bbox"] and len(data["bbox"]) == 4
    staff = make_user(RoleCode.STREET_STAFF, tree["430702004000"])
    client.force_login(staff)
    data = client.get(reverse("divisions:geojson"), {"level": 4, "within": "430702004001"}).json()
    assert {f["id"] for f in data["features"]} == {"430702004001001", "430702004001002"}
    assert client.get(reverse("divisions:geojson"), {"level": "x"}).status_code == 400


def test_map_page_offline_by_default(client, grid_worker, settings, tree):
    client.force_login(grid_worker)
    body = client.get(reverse("divisions:map")).content.decode()
    assert 'data-tiles=""' in body and "vendor/leaflet/leaflet.js" in body and "js/gridmap.js" in body


def test_api_divisions_filter(client, admin_user, tree):
    client.force_login(admin_user)
    data = client.get("/api/divisions/", {"level": 3}).json()
    assert {r["code"] for r in data["results"]} == {"430702004001", "430702004002", "430702005001"}
    assert client.get("/api/divisions/430702004001001/").json()["parent_code"] == "430702004001"
