import datetime

import pytest

from gridgov.core import clock

A1 = "430702004001001"  # A社区第一网格
C1 = "430702005001001"  # C社区第一网格


@pytest.fixture
def utilities(db):
    from gridgov.utilities.models import Utility

    return {code: Utility.objects.create(code=code, name=name, kind=kind) for code, name, kind in (
        ("water", "自来水公司", "water"), ("power", "供电公司", "electricity"), ("gas", "燃气公司", "gas"))}


def _house(tree, grid, code, room="101"):
    from gridgov.registry.models import Building, House

    b, _ = Building.objects.get_or_create(grid=tree[grid], code=code, defaults={
        "division_code": grid, "address": f"测试路{code}号"})
    return House.objects.create(grid=tree[grid], division_code=grid, building=b, room=room)


@pytest.fixture
def house(tree):
    return _house(tree, A1, "00001")


@pytest.fixture
def other_house(tree):
    return _house(tree, C1, "00002")


@pytest.fixture
def make_account(utilities):
    from gridgov.utilities.models import UtilityAccount

    def make(house, utility="water", no=None):
        return UtilityAccount.objects.create(
            utility=utilities[utility], account_no=no or f"{utility[0].upper()}{house.pk:06d}", grid_id=house.grid_id,
            house=house, division_code=house.division_code, holder_name="张三丰", address="测试路1号101室")

    return make


@pytest.fixture
def make_bill():
    from gridgov.utilities.models import Bill

    def make(account, period="2026-10", fen=8650, status="unpaid"):
        return Bill.objects.create(account=account, utility=account.utility, division_code=account.division_code,
                                   period=period, amount_fen=fen, due_date=datetime.date(2026, 11, 25),
                                   status=status, imported_at=clock.now(), address=account.address)

    return make


@pytest.fixture
def anon():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()
