"""The record-need page (登记双代需求) at scale: its resident picker lists care-group members
without a query per row and without sorting the whole group (issue 17)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .conftest import GRID_A

pytestmark = pytest.mark.django_db


def _house(tree, n):
    from gridgov.registry.models import Building, House

    b = Building.objects.create(grid=tree[GRID_A], division_code=GRID_A, code=f"{n:05d}", address=f"测试路{n}号")
    return House.objects.create(grid=tree[GRID_A], division_code=GRID_A, building=b, room="101")


def _page(client, params=None):
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(reverse("services:need_record"), params or {})
    assert r.status_code == 200
    return r.content.decode(), len(ctx.captured_queries)


def test_picker_query_count_does_not_grow_with_the_residents(client, make_person, grid_worker_a, tree):
    # given two care-group residents, each in a house of their own building
    def resident(n, **kw):
        p = make_person(name=f"王{n}", tags=("elderly_alone",), **kw)
        p.house = _house(tree, n)
        p.save(update_fields=["house"])
        return p

    for n in range(2):
        resident(n)
    client.force_login(grid_worker_a)
    body, few = _page(client)
    assert "王0" in body and "测试路0号" in body
    # when there are many more, with a resident outside any care group and one who moved away
    for n in range(2, 12):
        resident(n)
    make_person(name="赵无关")
    gone = resident(99)
    gone.status = "moved_out"
    gone.save(update_fields=["status"])
    body, many = _page(client)
    # then the page runs the same statements (no building fetched per resident) and lists only
    # active care-group members, once each
    assert many == few, (few, many)
    assert body.count("王1") >= 1 and "赵无关" not in body and "王99" not in body
    assert body.count(">王3<") <= 1


def test_picker_searches_by_name_and_initials(client, make_person, grid_worker_a):
    make_person(name="王奶奶", tags=("elderly_alone",))
    make_person(name="李爷爷", tags=("elderly_alone",))
    client.force_login(grid_worker_a)
    body, _ = _page(client, {"q": "王"})
    assert "王奶奶" in body and "李爷爷" not in body
