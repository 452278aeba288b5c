"""The big screen in Chromium: drill down district → street → community → grid by clicking the
map, every panel follows, the breadcrumb leads back; no scroll bar at 1920×1080, 3840×2160 and
1366×768."""

import os

import pytest

from gridgov.conftest import login

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DISTRICT, STREET, A, A1 = "430702000000", "430702004000", "430702004001", "430702004001001"

CLICK_REGION = """(code) => {
  const el = document.querySelector('[data-chart=map]');
  const chart = echarts.getInstanceByDom(el);
  const geo = chart.getModel().getSeriesByIndex(0).coordinateSystem;
  const region = geo.getRegion(code);
  const px = chart.convertToPixel({seriesIndex: 0}, region.getCenter());
  const rect = el.getBoundingClientRect();
  const s = rect.width / el.offsetWidth;
  return [rect.left + px[0] * s, rect.top + px[1] * s];
}"""


@pytest.fixture
def shapes(tree):
    """Outlines for the district, streets and communities (the shared tree has grid squares only)."""
    from gridgov.divisions import geo
    from gridgov.divisions.models import DivisionShape

    grids = {s.division.code: s for s in DivisionShape.objects.select_related("division")}
    for code, division in tree.items():
        if len(code) == 15:
            continue
        inside = [s for c, s in grids.items() if c.startswith(division.path)]
        minx, miny = min(s.min_lng for s in inside), min(s.min_lat for s in inside)
        maxx, maxy = max(s.max_lng for s in inside), max(s.max_lat for s in inside)
        g = {"type": "Polygon", "coordinates": [[[minx, miny], [maxx, miny], [maxx, maxy], [minx, maxy], [minx, miny]]]}
        DivisionShape.objects.create(division=division, version=1, geometry=g, min_lng=minx, min_lat=miny,
                                     max_lng=maxx, max_lat=maxy, area_m2=geo.area_m2(g),
                                     valid_from="2026-01-01T00:00:00+08:00")


def _scope(page):
    return page.evaluate("document.querySelector('[data-screen]').dataset.scope")


def _wait_scope(page, code, timeout=15):
    """Poll from Python (the CSP forbids the eval behind wait_for_function)."""
    import time

    end = time.monotonic() + timeout
    while _scope(page) != code:
        assert time.monotonic() < end, f"scope {_scope(page)} != {code}"
        page.wait_for_timeout(100)
    page.wait_for_timeout(300)  # the map's draw after the data


def _persons(page):
    return page.locator("[data-totals] .sc-counter").first.get_attribute("data-key"), page.evaluate(
        "window.gridScreen.state.data.totals[0].value")


def test_drill_down_and_back(browser_page, make_user, shapes):
    from gridgov.dashboard import screen_stats
    from gridgov.divisions.models import Division
    from gridgov.registry.models import Person

    Person.objects.create(grid=Division.objects.get(code=A1), division_code=A1, name="测试")
    screen_stats.refresh()
    make_user("display", DISTRICT, username="screen-b")
    page = browser_page
    page.set_viewport_size({"width": 1920, "height": 1080})
    login(page, "screen-b")
    page.goto(page.base_url + "/screen/")
    _wait_scope(page, DISTRICT)
    for target in (STREET, A, A1):
        x, y = page.evaluate(CLICK_REGION, target)
        page.mouse.click(x, y)
        _wait_scope(page, target)
    # every panel follows the grid: its totals, its breadcrumb
    assert page.evaluate("window.gridScreen.state.data.scope.level") == 4
    assert page.locator("[data-crumbs] button").count() == 3
    assert _persons(page) == ("persons", 1)
    # the breadcrumb leads back to the district
    page.locator("[data-crumbs] button", has_text="武陵区").click()
    _wait_scope(page, DISTRICT)
    assert page.evaluate("window.gridScreen.state.data.map.children.length") == 2
    assert page.evaluate("document.querySelector('[data-screen]').dataset.error") is None


@pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160), (1366, 768), (390, 844)])
def test_no_scroll_bars(browser_page, make_user, shapes, size):
    make_user("display", DISTRICT, username="screen-s")
    page = browser_page
    page.set_viewport_size({"width": size[0], "height": size[1]})
    login(page, "screen-s")
    page.goto(page.base_url + "/screen/")
    _wait_scope(page, DISTRICT)
    overflow = page.evaluate("""[document.documentElement.scrollWidth - innerWidth,
                                 document.documentElement.scrollHeight - innerHeight,
                                 document.body.scrollWidth - innerWidth, document.body.scrollHeight - innerHeight]""")
    assert overflow == [0, 0, 0, 0]
    # the whole stage is on screen
    box = page.locator("[data-stage]").bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0
    assert box["x"] + box["width"] <= size[0] + 1 and box["y"] + box["height"] <= size[1] + 1
