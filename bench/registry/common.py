"""Shared set-up of the registry benchmarks: a database of their own (PostgreSQL from
DATABASE_URL, or a fresh SQLite file), migrated, with a 576-grid district, ~20k buildings and
enough houses for the person file, plus the person CSV itself (valid IDs, phones, refs)."""

import csv
import datetime
import os
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import _common  # noqa: E402

PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/gridgov_bench_registry"
BUILDINGS_PER_GRID = 35
PERSONS_PER_HOUSE = 3


def setup_django(url):
    _common.setup_django(url)


def ensure_district(log=print):
    from gridgov.divisions.models import Division

    if Division.objects.filter(level=4).exists():
        return list(Division.objects.filter(level=4).order_by("code"))
    district = Division.objects.create(code="430702000000", name="武陵区", level=1)
    grids = []
    for s in range(12):
        street = Division.objects.create(code=f"430702{s + 1:03d}000", name=f"第{s + 1}街道", level=2, parent=district)
        for c in range(8):
            community = Division.objects.create(code=f"{street.code[:9]}{c + 1:03d}", name=f"{street.name}{c + 1}社区",
                                                level=3, parent=street)
            grids += [Division(code=f"{community.code}{g + 1:03d}", name=f"{community.name}{g + 1}网格", level=4,
                               parent=community) for g in range(6)]
    for g in grids:
        g.path = g.code
    Division.objects.bulk_create(grids)
    log(f"区划：{len(grids)} 个网格")
    return list(Division.objects.filter(level=4).order_by("code"))


def ensure_places(grids, rows, log=print):
    """Buildings (35 per grid) and houses (rows / 3), created in bulk if missing."""
    from django.db import transaction

    from gridgov.registry.bulk import create_buildings_bulk
    from gridgov.registry.models import Building, House

    if not Building.objects.exists():
        create_buildings_bulk([{"grid": g, "floors": 6, "units": 2} for g in grids for _ in range(BUILDINGS_PER_GRID)])
    buildings = list(Building.objects.order_by("division_code", "code").values_list("pk", "grid_id", "division_code",
                                                                                      "code"))
    per_building = -(-rows // PERSONS_PER_HOUSE // len(buildings))
    have = House.objects.count()
    if have < per_building * len(buildings):
        House.objects.all().delete() if have else None
        started = time.perf_counter()
        batch = []
        with transaction.atomic():
            for pk, grid_id, code, _bcode in buildings:
                for i in range(per_building):
                    batch.append(House(grid_id=grid_id, division_code=code, building_id=pk, unit=i % 2 + 1,
                                       floor=i // 2 // 4 + 1, room=f"{i // 2 // 4 + 1}{i // 2 % 4 + 1:02d}"))
                if len(batch) >= 20000:
                    House.objects.bulk_create(batch, batch_size=5000)
                    batch = []
            House.objects.bulk_create(batch, batch_size=5000)
        log(f"房屋：{per_building * len(buildings)} 套（{time.perf_counter() - started:.0f} 秒）")
    return buildings, per_building


HEADER = ["姓名", "证件号码", "联系电话", "网格编码", "楼栋编码", "单元", "房号", "户号", "与户主关系", "人口类型",
          "政治面貌", "关爱标签"]


def write_person_csv(path, rows, buildings, per_building, seed=1):
    """`rows` persons, 3 per house, with valid unique IDs (birth date + serial from the row
    number), phones, house refs and household numbers."""
    import random

    from gridgov.registry.demo import GIVEN, SURNAMES
    from gridgov.registry.identity import make_resident_id

    rng = random.Random(seed)
    base = datetime.date(1940, 1, 1)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i in range(rows):
            house_no = i // PERSONS_PER_HOUSE
            b = buildings[house_no % len(buildings)]
            k = house_no // len(buildings) % per_building
            unit, room = k % 2 + 1, f"{k // 2 // 4 + 1}{k // 2 % 4 + 1:02d}"
            birth = base + datetime.timedelta(days=i % 25000)
            number = make_resident_id("430702", birth, (i // 25000) % 1000)
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
            head = i % PERSONS_PER_HOUSE == 0
            w.writerow([name, number, f"13{rng.randint(0, 999_999_999):09d}", b[2], b[3], unit, room,
                        f"H{house_no:09d}", "户主" if head else "子女", "户籍人口", "群众",
                        "独居老人" if i % 50 == 0 else ""])
    return path


def admin():
    from gridgov.accounts.models import User

    user = User.objects.filter(username="bench-admin").first()
    return user or User.objects.create_superuser("bench-admin", password="Passw0rd-bench")
