"""Browser test: the map draws the tree's streets, communities and grids (Leaflet, no tiles)."""

import os

import pytest

from gridgov.conftest import login

# Playwright's sync API runs an event loop in this thread; when the browser starts before the
# test database is set up, Django refuses ORM calls unless this is set (the conftest sets it only
# in browser_page, which runs after django_db_setup).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _rect(lng, lat, w, h):
    return {"type": "Polygon", "coordinates": [[[lng, lat], [lng + w, lat], [lng + w, lat + h], [lng, lat + h],
                                                [lng, lat]]]}


@pytest.mark.browser
def test_map_draws_streets_communities_and_grids(browser_page, admin_user, tree):
    from gridgov.divisions.models import DivisionShape

    # given shapes for the two streets and three communities (grids already have squares)
    extra = {
        "430702004000": _rect(111.699, 29.039, 0.016, 0.004),
        "430702005000": _rect(111.715, 29.039, 0.006, 0.004),
        "430702004001": _rect(111.6995, 29.0395, 0.0065, 0.003),
        "430702004002": _rect(111.7065, 29.0395, 0.004, 0.003),
        "430702005001": _rect(111.7155, 29.0395, 0.005, 0.003),
    }
    from gridgov.divisions import geo

    for code, geom in extra.items():
        minx, miny, maxx, maxy = geo.bbox(geom)
        DivisionShape.objects.create(division=tree[code], version=1, geometry=geom, min_lng=minx, min_lat=miny,
                                     max_lng=maxx, max_lat=maxy, valid_from="2026-01-01T00:00:00+08:00")
    shapes = DivisionShape.objects.filter(valid_to__isnull=True).count()
    assert shapes == 9  # 2 streets + 3 communities + 4 grids
    page = browser_page
    # when the district administrator opens the map
    login(page, "admin-test")
    page.goto(page.base_url + "/divisions/map/")
    page.wait_for_selector("#division-map.map-ready")
    # then every polygon is drawn
    drawn = page.locator("path.leaflet-interactive").count()
    page.screenshot(path="/work/main/var/screenshots/map.png", full_page=False)
    assert drawn >= shapes
    assert page.get_attribute("#division-map", "data-polygons") == str(shapes)
    assert "已绘制 9 个区域" in page.inner_text("#map-status")
    # and clicking a grid opens a popup with its name, code and a detail link
    page.locator("path.leaflet-interactive").last.click(force=True)
    popup = page.wait_for_selector(".leaflet-popup-content")
    assert "430702005001001" in popup.inner_text() and "查看详情" in popup.inner_text()


@pytest.mark.browser
def test_pages_fit_a_phone(phone_page, grid_worker, tree):
    page = phone_page
    login(page, "gw-test")
    for path in ("/", "/divisions/", "/divisions/430702004001001/", "/divisions/map/"):
        page.goto(page.base_url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 400, f"{path} 在手机上出现横向滚动（{width}px）"
    page.screenshot(path="/work/main/var/screenshots/phone-map.png")
