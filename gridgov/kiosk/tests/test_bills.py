"""水电气缴费 at the terminal through the utilities app (sandbox provider)."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from gridgov.core import clock
from gridgov.registry import actions as registry
from gridgov.registry.identity import make_resident_id

pytestmark = pytest.mark.django_db
A1 = "430702004001001"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def bills(tree):
    from gridgov.registry.models import Building, House
    from gridgov.utilities.models import Bill, Utility, UtilityAccount

    b = Building.objects.create(grid=tree[A1], division_code=A1, code="00001", address="测试路1号")
    house = House.objects.create(grid=tree[A1], division_code=A1, building=b, room="101")
    water = Utility.objects.create(code="water", name="自来水公司", kind="water")
    power = Utility.objects.create(code="power", name="供电公司", kind="electricity")
    out = {"house": house}
    for u, no, fen in ((water, "W000101", 4230), (power, "E000101", 12890)):
        acc = UtilityAccount.objects.create(utility=u, account_no=no, grid_id=house.grid_id, house=house,
                                            division_code=A1, holder_name="张三丰", address="测试路1号101室")
        out[u.code] = Bill.objects.create(account=acc, utility=u, division_code=A1, period="2026-10", amount_fen=fen,
                                          due_date=datetime.date(2026, 11, 25), status="unpaid",
                                          imported_at=clock.now(), address=acc.address)
    return out


def test_pay_by_account_number_once_even_when_tapped_twice(terminal, bills):
    from gridgov.utilities.models import Payment

    page = terminal.get(reverse("kiosk:bills"), {"account": "w000101"}).content.decode()
    assert "自来水公司" in page and "42.30" in page and "供电公司" not in page and "张三丰" not in page
    key = "k" * 32
    data = {"bill": [bills["water"].pk], "key": key, "source": "account", "account_no": "W000101"}
    r1 = terminal.post(reverse("kiosk:bill_pay"), data)
    r2 = terminal.post(reverse("kiosk:bill_pay"), data)  # a double tap: the same key
    assert r1.status_code == r2.status_code == 302 and r1.url == r2.url
    assert Payment.objects.count() == 1
    scan = terminal.get(r1.url).content.decode()
    assert "模拟支付成功" in scan and "42.30" in scan
    r = terminal.post(r1.url, {"result": "ok"})
    assert r.status_code == 302 and "/receipt/" in r.url
    receipt = terminal.get(r.url).content.decode()
    assert "缴费成功" in receipt and "A社区大厅终端" in receipt
    bills["water"].refresh_from_db()
    assert bills["water"].status == "paid"
    p = Payment.objects.get()
    assert p.channel == "kiosk" and p.amount_fen == 4230
    # paid again with a new key: refused in Chinese
    data["key"] = "z" * 32
    page = terminal.post(reverse("kiosk:bill_pay"), data).content.decode()
    assert "请选择要缴纳的账单" in page or "已缴清" in page


def test_bills_of_another_account_cannot_be_slipped_in(terminal, bills):
    from gridgov.utilities.models import Payment

    data = {"bill": [bills["power"].pk], "key": "a" * 32, "source": "account", "account_no": "W000101"}
    assert "请选择要缴纳的账单" in terminal.post(reverse("kiosk:bill_pay"), data).content.decode()
    assert not Payment.objects.exists()


def test_my_house_needs_identification(terminal, bills, admin_user, tree):
    r = terminal.get(reverse("kiosk:bills"), {"mine": "1"})
    assert r.status_code == 302 and r.url.startswith(reverse("kiosk:identify"))
    rid = make_resident_id("430702", datetime.date(1950, 1, 2), 7)
    registry.register_person(actor=admin_user, house=bills["house"], data={"name": "张三丰", "id_number": rid})
    r = terminal.post(reverse("kiosk:identify"), {"name": "张三丰", "id_number": rid, "phone_last4": "",
                                                  "next": "/kiosk/bills/?mine=1"})
    assert r.status_code == 302 and r.url == "/kiosk/bills/?mine=1"
    page = terminal.get(r.url).content.decode()
    assert "自来水公司" in page and "供电公司" in page and "171.20" in page


def test_unknown_account_is_counted_and_limited(terminal, bills):
    for _ in range(20):
        assert "没有查到待缴账单" in terminal.get(reverse("kiosk:bills"), {"account": "X1"}).content.decode()
    assert "查询过于频繁" in terminal.get(reverse("kiosk:bills"), {"account": "W000101"}).content.decode()
