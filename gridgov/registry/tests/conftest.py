"""Registry test fixtures: a small set of buildings, houses, households and persons in the
shared test tree (grids A1 = 430702004001001, A2 = 430702004001002, C1 = 430702005001001)."""

import datetime

import pytest

from gridgov.registry import actions
from gridgov.registry.identity import make_resident_id
from gridgov.registry.models import House

A1, A2, B1, C1 = "430702004001001", "430702004001002", "430702004002001", "430702005001001"


def rid(serial, birth=datetime.date(1980, 1, 1), region="430702"):
    return make_resident_id(region, birth, serial)


@pytest.fixture
def place(tree, admin_user):
    """Per grid: one building with 2 units × 3 floors, houses 101…302, a household in 101 with
    two persons. Returns a dict of objects by short names."""
    out = {}
    for n, code in enumerate([A1, A2, C1], start=1):
        b = actions.create_building(actor=admin_user, grid=tree[code], data={
            "name": f"测试楼{n}", "address": f"武陵区测试路{n}号", "floors": 3, "units": 2, "lng": 111.7, "lat": 29.04,
        })
        # houses in bulk: the fixture is not what these tests are about (create_house has its own)
        objs = [House(grid_id=b.grid_id, division_code=b.division_code, building=b, unit=unit, floor=floor,
                      room=f"{floor}0{unit}") for unit in (1, 2) for floor in (1, 2, 3)]
        houses = {(h.unit, h.room): h for h in House.objects.bulk_create(objs)}
        hh = actions.create_household(actor=admin_user, house=houses[(1, "101")],
                                      data={"number": f"H{code}"})
        head = actions.register_person(actor=admin_user, household=hh, data={
            "name": "张三" if n == 1 else f"王五{n}", "id_number": rid(n * 10 + 1), "phone": f"1380736{n:04d}",
            "relation": "head",
        })
        spouse = actions.register_person(actor=admin_user, household=hh, data={
            "name": "李四" if n == 1 else f"赵六{n}", "id_number": rid(n * 10 + 2, datetime.date(1982, 3, 4)),
            "relation": "spouse",
        })
        out[code] = {"building": b, "houses": houses, "household": hh, "head": head, "spouse": spouse}
    return out
