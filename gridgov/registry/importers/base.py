"""Shared pieces of the registry import specs: cell parsers, grid/building/house lookups done
in a few bulk queries, scope checks, and a generic bulk upsert by natural key.

Nothing here queries per row: references are prefetched into dicts keyed by natural key, and
writes are `bulk_create` / `bulk_update` in batches.
"""

import contextlib
import re

from gridgov.core import clock
from gridgov.core.access import ALL, scope_prefixes
from gridgov.core.importing import ImportSpec
from gridgov.divisions.choices import Level
from gridgov.divisions.models import Division

from ..models import Building, House

BATCH = 5000
IN_CHUNK = 900  # values per `IN (...)` query, safe for every SQLite build
GRID_RE = re.compile(r"^\d{15}$")


def chunks(seq, size=IN_CHUNK):
    seq = list(seq)
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


FETCH_CHUNK = 50_000  # keys per set-based lookup query


def lookup_sql(model, key, columns, where=""):
    """The SQL of `fetch_by_keys` (one parameter: the keys as an array / a JSON list)."""
    from django.db import connection

    qn = connection.ops.quote_name
    table, cols = qn(model._meta.db_table), ", ".join(qn(c) for c in columns)
    extra = f" AND {where}" if where else ""
    if connection.vendor == "postgresql":
        return f"SELECT {cols} FROM {table} WHERE {qn(key)} = ANY(%s){extra}"  # noqa: S608 (model names)
    return f"SELECT {cols} FROM {table} WHERE {qn(key)} IN (SELECT value FROM json_each(%s)){extra}"  # noqa: S608


def fetch_by_keys(model, key, keys, columns, *, where=""):
    """Rows (tuples in `columns` order, database column names) of `model` whose `key` column is
    one of `keys` — a set-based lookup, one query per 50,000 keys whatever the backend:
    `= ANY(array)` on PostgreSQL, `IN (SELECT value FROM json_each(?))` on SQLite (one
    parameter, so no limit on host parameters). `where` adds a literal condition: to use a
    partial index SQLite needs the index's own condition word for word, e.g.
    `NOT (id_hash = '')` for `person_unique_id_hash` (a test checks the plan)."""
    import json

    from django.db import connection

    keys = list(dict.fromkeys(k for k in keys if k is not None))
    if not keys:
        return []
    sql = lookup_sql(model, key, columns, where)
    prepare = list if connection.vendor == "postgresql" else json.dumps
    out = []
    with connection.cursor() as cur:
        # PostgreSQL: the driver's own cursor binds the array server-side (binary), where Django's
        # client-side binding would quote 50,000 values into the SQL text
        with cur.cursor.connection.cursor() if connection.vendor == "postgresql" else contextlib.nullcontext(cur) as raw:
            for i in range(0, len(keys), FETCH_CHUNK):
                raw.execute(sql, [prepare(keys[i : i + FETCH_CHUNK])])
                out += raw.fetchall()
    return out


def parse_grid_code(text):
    text = text.strip()
    if not GRID_RE.match(text) or text.endswith("000"):
        raise ValueError("网格编码应为15位数字")
    return text


def parse_building_code(text):
    text = text.strip()
    if not text.isdigit() or len(text) > 5:
        raise ValueError("楼栋编码应为1–5位数字")
    return text.zfill(5)


def parse_room(text):
    text = "".join(text.split())
    if not re.match(r"^[0-9A-Za-z\-]{1,10}$", text):
        raise ValueError("房号应为字母、数字或“-”")
    return text.upper()


def parse_upper(text):
    return "".join(text.split()).upper()


def parse_list(text):
    return [p.strip() for p in re.split(r"[、,，;；|/]", text) if p.strip()]


class RegistryImport(ImportSpec):
    """Base of the registry import specs. Pass `actor` when known so that `validate` reports
    rows outside the actor's scope as row errors; `apply` re-checks the scope in any case."""

    write_permission = ""  # e.g. "registry.add_person": the scope a row's grid must be in

    def __init__(self, actor=None):
        self.actor = actor

    # --- scope ------------------------------------------------------------------------------

    def _prefixes(self, actor):
        return scope_prefixes(actor, self.write_permission or self.permission)

    def in_scope(self, actor, code):
        prefixes = self._prefixes(actor)
        return prefixes == ALL or any(code.startswith(p) for p in prefixes)

    def assert_scope(self, actor, codes):
        """Apply-time guard (all or nothing)."""
        from django.core.exceptions import PermissionDenied

        bad = sorted(c for c in set(codes) if not self.in_scope(actor, c))
        if bad:
            raise PermissionDenied(f"无权向以下网格导入数据：{'、'.join(bad[:5])}")

    # --- lookups ----------------------------------------------------------------------------

    def load_grids(self, rows, report, header="网格编码", key="grid"):
        """{code: Division} for the grids named by the rows; unknown or out-of-scope grids are
        row errors. Returns (grids, bad_row_numbers)."""
        codes = {r.values.get(key) for r in rows if r.values.get(key)}
        grids = {}
        for chunk in chunks(codes):
            for d in Division.objects.filter(code__in=chunk, level=Level.GRID, is_active=True):
                grids[d.code] = d
        bad = set()
        for row in rows:
            code = row.values.get(key)
            if not code:
                continue
            if code not in grids:
                report.add_error(row.number, header, code, "网格不存在")
                bad.add(row.number)
            elif self.actor is not None and not self.in_scope(self.actor, code):
                report.add_error(row.number, header, code, "无权向该网格导入数据")
                bad.add(row.number)
        return grids, bad

    @staticmethod
    def load_buildings(grid_codes):
        """{(grid code, building code): building id}."""
        index = {}
        for chunk in chunks(grid_codes):
            for pk, code, bcode in Building.objects.filter(division_code__in=chunk).values_list(
                "pk", "division_code", "code"
            ):
                index[(code, bcode)] = pk
        return index

    @staticmethod
    def load_houses(grid_codes):
        """{(building id, unit, room): (house id, building id)}."""
        index = {}
        for chunk in chunks(grid_codes):
            for pk, bid, unit, room in House.objects.filter(division_code__in=chunk).values_list(
                "pk", "building_id", "unit", "room"
            ):
                index[(bid, unit, room)] = pk
        return index

    def resolve_house(self, row, buildings, houses, report, *, required=False):
        """Resolve 楼栋编码/单元/房号 of a row to (building_id, house_id); errors are reported and
        give (False, False)."""
        v = row.values
        grid, bcode, room = v.get("grid"), v.get("building"), v.get("room")
        if not bcode:
            if required or room:
                report.add_error(row.number, "楼栋编码", "", "必填项为空")
                return False, False
            return None, None
        building_id = buildings.get((grid, bcode))
        if building_id is None:
            report.add_error(row.number, "楼栋编码", bcode, "该网格内没有此楼栋")
            return False, False
        if not room:
            if required:
                report.add_error(row.number, "房号", "", "必填项为空")
                return False, False
            return building_id, None
        house_id = houses.get((building_id, v.get("unit") or 1, room))
        if house_id is None:
            report.add_error(row.number, "房号", f"{v.get('unit') or 1}单元{room}", "该楼栋内没有此房屋")
            return False, False
        return building_id, house_id


def upsert(model, records, existing, fields, *, run=None, batch=BATCH):
    """Create or update rows by natural key.

    `records` is {key: dict of field values}; `existing` is {key: (pk, dict of current values)}.
    Unchanged rows are counted, not rewritten. Returns ({key: pk}, counts)."""
    now = clock.now()
    to_create, to_update, unchanged, pks = [], [], 0, {}
    has_updated_at = any(f.name == "updated_at" for f in model._meta.concrete_fields)
    for key, values in records.items():
        current = existing.get(key)
        if current is None:
            obj = model(**values)
            if has_updated_at:
                obj.updated_at = now
            to_create.append((key, obj))
            continue
        pk, old = current
        pks[key] = pk
        changed = {f: values[f] for f in fields if f in values and old.get(f) != values[f]}
        if not changed:
            unchanged += 1
            continue
        obj = model(pk=pk, **values)
        if has_updated_at:
            obj.updated_at = now
        to_update.append(obj)
    for i in range(0, len(to_create), batch):
        part = to_create[i : i + batch]
        model.objects.bulk_create([o for _k, o in part], batch_size=batch)
        for key, obj in part:
            pks[key] = obj.pk
        if run is not None:
            run.advance(len(part))
    update_fields = [f for f in fields if f != "id"] + (["updated_at"] if has_updated_at else [])
    for i in range(0, len(to_update), batch):
        part = to_update[i : i + batch]
        model.objects.bulk_update(part, update_fields, batch_size=batch)
        if run is not None:
            run.advance(len(part))
    if run is not None and unchanged:
        run.advance(unchanged)
    return pks, {"created": len(to_create), "updated": len(to_update), "unchanged": unchanged}
