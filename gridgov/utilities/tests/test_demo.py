"""The small demo step: three utilities, accounts for houses, months of bills, some paid."""

import pytest

from gridgov.utilities import demo
from gridgov.utilities.models import Bill, Payment, Utility


@pytest.mark.django_db
def test_small_demo(tree, roles, house, other_house):
    result = demo.generate(scale=0.01, seed=3)
    assert Utility.objects.count() == 3 and result["bills"] == Bill.objects.count() > 0
    assert Payment.objects.filter(status="succeeded").count() == result["paid"] > 0
    assert set(Bill.objects.values_list("period", flat=True).distinct()).__len__() == 4
    for period, due in Bill.objects.values_list("period", "due_date").distinct():  # the 25th of the next month
        y, m = map(int, period.split("-"))
        assert (due.year, due.month, due.day) == (y + (m == 12), m % 12 + 1, 25)
    latest = Bill.objects.order_by("-period").values_list("period", flat=True)[0]
    assert not Bill.objects.filter(period=latest).exclude(status="unpaid").exists()  # the latest month is open
    again = demo.generate(scale=0.01, seed=3)  # accounts exist: nothing doubled
    assert again["bills"] == 0 or Bill.objects.count() == result["bills"] + again["bills"]


@pytest.mark.django_db
def test_district_demo_is_bulk(tree, roles, monkeypatch):
    """The district step writes its bills by COPY/executemany in bulk mode (here 120,000 bills,
    enough for bulk mode; the real district step writes 750,000)."""
    import time

    from gridgov.registry.models import Building, House

    monkeypatch.setattr(demo, "DISTRICT_BILLS", 120_000)
    grid = tree["430702004001001"]
    b = Building.objects.create(grid=grid, division_code=grid.code, code="00001", address="测试路1号")
    House.objects.bulk_create([House(grid=grid, division_code=grid.code, building=b, unit=i % 9 + 1,
                                     room=str(1000 + i)) for i in range(3334)], batch_size=2000)
    started = time.perf_counter()
    result = demo.generate(scale=1, seed=2)
    assert result["bills"] == Bill.objects.count() == 120_000 and result["utility_accounts"] == 10_000
    assert Bill.objects.filter(address="").count() == 0
    assert time.perf_counter() - started < 120


def test_bill_copy_lines_are_the_general_paths():
    """The bills' COPY lines built directly (PostgreSQL) are what core's writer makes of the
    same rows as tuples, amounts drawn alike."""
    import datetime
    import random
    from types import SimpleNamespace

    from gridgov.core.bulk import copy_lines

    now = datetime.datetime(2026, 11, 28, 2, 37, 12, 345678, tzinfo=datetime.UTC)
    accounts = [(SimpleNamespace(kind=kind, pk=pk), "", 0, 0, "430702004001001", address)
                for pk, kind, address in ((1, "water", "人民路1号1单元101室"), (2, "gas", "tab\there\\ 2单元"),
                                          (3, "electricity", "建设路3号"))]
    months = [("2026-10", "2026-11-25"), ("2026-11", "2026-12-25")]
    ids, bill_ids = [11, 12, 13], list(range(100, 106))
    tuples = list(demo._bills(random.Random(4), bill_ids, ids, accounts, months, now))
    lines = list(demo._bills(random.Random(4), bill_ids, ids, accounts, months, now, copy=True))
    assert lines == list(copy_lines(tuples, len(demo.BILL_COLUMNS))) and len(lines) == 6
