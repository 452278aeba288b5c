"""Bulk helpers for system-side loading (demo generator, benchmarks): no per-row queries, no
audit rows per record. User-facing writes go through `actions` and `importers` instead."""

from itertools import islice

from django.db import transaction

from gridgov.core import clock
from gridgov.divisions.choices import Level
from gridgov.divisions.models import Division

from .choices import BuildingType
from .models import Building

BATCH = 5000
BUILDING_KEYS = {
    "code", "name", "address", "building_type", "floors", "units", "lng", "lat", "footprint", "year_built",
    "property_company", "household_count",
}


def batched(iterable, size=BATCH):
    it = iter(iterable)
    while chunk := list(islice(it, size)):
        yield chunk


def _grid_index(rows):
    """{key: Division} for the grids the rows name (Division, pk or 15-digit code)."""
    codes, pks = set(), set()
    for row in rows:
        grid = row["grid"]
        if isinstance(grid, Division):
            continue
        (codes if isinstance(grid, str) else pks).add(grid)
    found = Division.objects.filter(level=Level.GRID).filter(code__in=codes) if codes else Division.objects.none()
    index = {d.code: d for d in found}
    if pks:
        index.update({d.pk: d for d in Division.objects.filter(level=Level.GRID, pk__in=pks)})
    return index


@transaction.atomic
def create_buildings_bulk(rows, *, batch_size=BATCH):
    """Create Building rows from dicts: `grid` (Division, pk or grid code) plus any of
    BUILDING_KEYS. Missing codes get the next free 5-digit code in their grid; `address`
    defaults to the grid name + building number. Returns the created buildings (with pks on
    PostgreSQL and SQLite ≥ 3.35)."""
    rows = list(rows)
    grids = _grid_index(rows)
    next_code = {}
    now = clock.now()
    objs = []
    for row in rows:
        grid = row["grid"] if isinstance(row["grid"], Division) else grids.get(row["grid"])
        if grid is None or grid.level != Level.GRID:
            raise ValueError(f"网格不存在：{row['grid']}")
        values = {k: v for k, v in row.items() if k in BUILDING_KEYS and v is not None}
        if not values.get("code"):
            if grid.pk not in next_code:
                last = Building.objects.filter(grid=grid).order_by("-code").values_list("code", flat=True).first()
                next_code[grid.pk] = int(last) + 1 if last else 1
            values["code"] = f"{next_code[grid.pk]:05d}"
            next_code[grid.pk] += 1
        values.setdefault("address", f"{grid.name}{int(values['code'])}栋")
        values.setdefault("building_type", BuildingType.MULTI_STOREY)
        objs.append(Building(grid=grid, division_code=grid.code, updated_at=now, **values))
    created = []
    for chunk in batched(objs, batch_size):
        created.extend(Building.objects.bulk_create(chunk))
    return created
