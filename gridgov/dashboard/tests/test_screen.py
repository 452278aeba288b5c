import json

import pytest
from django.urls import reverse

from gridgov.dashboard import screen_stats
from gridgov.dashboard.models import ScreenStat

from .conftest import A1, DISTRICT, STREET, A

pytestmark = pytest.mark.django_db


@pytest.fixture
def display(make_user, tree):
    return make_user("display", DISTRICT, username="screen-test")


def _data(client, code):
    r = client.get(reverse("screen:data", args=[code]))
    assert r.status_code == 200, r.status_code
    return r.json()


def test_sums_roll_up_from_grids(tree, people, facilities):
    screen_stats.refresh()
    stats = {(s.code, s.key): s.value for s in ScreenStat.objects.all()}
    assert stats[(A1, "persons")] == 7 and stats[(A, "persons")] == 9 and stats[(DISTRICT, "persons")] == 9
    assert stats[(A, "care:elderly_alone")] == 4
    assert stats[(A, "communities")] == 1 and stats[(DISTRICT, "communities")] == 3
    assert screen_stats.refresh() == 0  # nothing changed, nothing written


def test_the_screen_drills_down_and_filters(client, display, people, facilities, django_assert_max_num_queries):
    screen_stats.refresh()
    client.force_login(display)
    district = _data(client, DISTRICT)
    assert [c["code"] for c in district["map"]["children"]] == ["430702004000", "430702005000"]
    assert district["totals"][0] == {"key": "persons", "label": "实有人口", "unit": "人", "value": 9}
    with django_assert_max_num_queries(20):
        community = _data(client, A)
    assert [c["code"] for c in community["map"]["children"]] == [A1, "430702004001002"]
    assert [b["code"] for b in community["scope"]["breadcrumb"]] == [DISTRICT, STREET, A]
    grid = _data(client, A1)
    assert grid["totals"][0]["value"] == 7 and grid["scope"]["level"] == 4


def test_small_care_counts_are_hidden_at_grid_level(client, display, people):
    screen_stats.refresh()
    client.force_login(display)
    alone = lambda d: next(c["value"] for c in d["care"] if c["name"] == "独居老人")  # noqa: E731
    assert alone(_data(client, A)) == 4  # a community: the count
    assert alone(_data(client, A1)) == "<5"  # a grid: hidden
    children = _data(client, A)["map"]["children"]
    assert all(c["care_total"] is None and c["care_total_label"] == "<5" for c in children)


def test_no_personal_data_on_the_screen(client, display, people):
    screen_stats.refresh()
    client.force_login(display)
    body = json.dumps(_data(client, A1), ensure_ascii=False)
    assert "张1丰" not in body and "张2丰" not in body


def test_services_panel_shows_what_the_services_app_declares_for_the_screen(client, display):
    from gridgov.core.manifest import collect

    screen_stats.refresh()
    client.force_login(display)
    services = _data(client, DISTRICT)["services"]
    assert services["installed"] is True  # gridgov.services is installed now (issue 14)
    declared = {ind.key for app, ind in collect("indicators") if app == "services" and ind.screen}
    assert {ind["key"] for ind in services["indicators"]} <= declared


def test_display_account_is_scoped_and_long_lived(client, make_user, tree):
    street_screen = make_user("display", STREET, username="screen-street")
    client.force_login(street_screen)
    r = client.get(reverse("screen:page"))
    assert r.status_code == 200 and f'data-root="{STREET}"' in r.content.decode()
    assert client.session.get_expiry_age() > 30 * 86400
    assert client.get(reverse("screen:data", args=[DISTRICT])).status_code == 404
    assert client.get(reverse("screen:data", args=["430702005001"])).status_code == 404
    assert client.get(reverse("screen:data", args=[A])).status_code == 200
    # read-only: no staff page of the registry, no indicator reporting
    assert client.get(reverse("registry:person_list")).status_code in (403, 404)
    assert client.get(reverse("dashboard:report")).status_code == 404


def test_geo_returns_the_children(client, display):
    client.force_login(display)
    r = client.get(reverse("screen:geo", args=[A]))
    codes = [f["properties"]["name"] for f in r.json()["features"]]
    assert codes == [A1, "430702004001002"]
