"""Shared pytest fixtures: a small division tree, users per role, immediate background jobs.

The tree (codes are real Wuling codes; grids are test-made):
    430702000000 武陵区
      430702004000 丹阳街道
        430702004001 A社区 → grids 430702004001001, 430702004001002
        430702004002 B社区 → grid 430702004002001
      430702005000 白马湖街道
        430702005001 C社区 → grid 430702005001001
"""

import pytest

from gridgov.accounts.choices import RoleCode

TREE = [
    ("430702000000", "武陵区"),
    ("430702004000", "丹阳街道"),
    ("430702004001", "A社区"),
    ("430702004001001", "A社区第一网格"),
    ("430702004001002", "A社区第二网格"),
    ("430702004002", "B社区"),
    ("430702004002001", "B社区第一网格"),
    ("430702005000", "白马湖街道"),
    ("430702005001", "C社区"),
    ("430702005001001", "C社区第一网格"),
]


def _square(lng, lat, size=0.002):
    return {"type": "Polygon", "coordinates": [[[lng, lat], [lng + size, lat], [lng + size, lat + size],
                                                [lng, lat + size], [lng, lat]]]}


@pytest.fixture(autouse=True)
def _immediate_jobs(settings):
    """Jobs run in-process in tests (Huey immediate mode), right after the enqueuing commit."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    yield


@pytest.fixture
def roles(db):
    from gridgov.accounts.roles import ensure_roles

    return ensure_roles()


@pytest.fixture
def tree(db):
    """{code: Division} for TREE; grids get 0.002° square polygons side by side."""
    from gridgov.divisions.codes import level_of, parent_code_of
    from gridgov.divisions.models import Division, DivisionShape

    nodes = {}
    for i, (code, name) in enumerate(TREE):
        parent = nodes.get(parent_code_of(code))
        nodes[code] = Division.objects.create(code=code, name=name, level=level_of(code), parent=parent)
        if len(code) == 15:
            geom = _square(111.70 + 0.002 * i, 29.04)
            from gridgov.divisions import geo

            minx, miny, maxx, maxy = geo.bbox(geom)
            DivisionShape.objects.create(
                division=nodes[code], version=1, geometry=geom, min_lng=minx, min_lat=miny, max_lng=maxx,
                max_lat=maxy, area_m2=geo.area_m2(geom), valid_from="2026-01-01T00:00:00+08:00",
            )
    return nodes


@pytest.fixture
def make_user(db, roles):
    """make_user(role_code, division_or_code=None, department=None, username=None) → User."""
    from gridgov.accounts.models import RoleAssignment, User
    from gridgov.divisions.models import Division

    counter = {"n": 0}

    def make(role_code=RoleCode.DISTRICT_ADMIN, division=None, department=None, username=None, **extra):
        counter["n"] += 1
        if isinstance(division, str):
            division = Division.objects.get(code=division)
        user = User.objects.create_user(
            username=username or f"{role_code}-{counter['n']}", password="Passw0rd-test", full_name=extra.pop(
                "full_name", f"测试用户{counter['n']}"), **extra
        )
        RoleAssignment.objects.create(user=user, role=roles[role_code], division=division, department=department)
        return user

    return make


@pytest.fixture
def admin_user(make_user, tree):
    return make_user(RoleCode.DISTRICT_ADMIN, tree["430702000000"], username="admin-test")


@pytest.fixture
def grid_worker(make_user, tree):
    """The grid worker of grid 430702004001001."""
    return make_user(RoleCode.GRID_WORKER, tree["430702004001001"], username="gw-test")
