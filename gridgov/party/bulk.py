"""Fast inserts for the demo and the benchmark (hundreds of thousands of service records):
COPY on PostgreSQL, executemany on SQLite. Rows are plain tuples in `columns` order; no model
instances are built (Django's bulk_create spends ~0.5 ms per row preparing values)."""

import datetime
from decimal import Decimal

from django.db import connection

ACTIVITY_COLUMNS = [
    "member_id", "branch_id", "post_id", "item_id", "source", "source_ref", "division_code", "occurred_at",
    "duration_minutes", "place", "note", "quantity", "points", "status", "check_in_at", "check_out_at",
    "verified_by_id", "verified_at", "reject_reason", "created_at",
]


def _sqlite_value(v):
    if isinstance(v, datetime.datetime):
        if v.tzinfo is not None:
            v = v.astimezone(datetime.UTC).replace(tzinfo=None)
        return v.isoformat(" ")
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return str(v)
    return v


def insert_rows(model, columns, rows, chunk=20_000):
    """Insert `rows` (iterable of tuples) into `model`'s table; returns the count."""
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    n = 0
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with connection.connection.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                n += 1
        return n
    sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608 - names from model meta
    buf = []
    with connection.cursor() as cur:
        for row in rows:
            buf.append(tuple(_sqlite_value(v) for v in row))
            if len(buf) >= chunk:
                cur.executemany(sql, buf)
                n += len(buf)
                buf = []
        if buf:
            cur.executemany(sql, buf)
            n += len(buf)
    return n


def upsert_rows(model, columns, rows, *, conflict, update=(), changed_only=()):
    """INSERT … ON CONFLICT (conflict) DO UPDATE SET update [WHERE one of `changed_only`
    differs] (or DO NOTHING when `update` is empty, with `conflict` possibly empty too: any unique
    violation is skipped). PostgreSQL:
    COPY into a temporary table, then one INSERT … SELECT; SQLite: executemany. Must run inside
    a transaction. Returns the number of rows offered."""
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    cols = ", ".join(q(c) for c in columns)
    target = f"({', '.join(q(c) for c in conflict)})" if conflict else ""
    if update:
        action = "DO UPDATE SET " + ", ".join(f"{q(c)} = EXCLUDED.{q(c)}" for c in update)
        if changed_only:  # skip rows whose values did not change: reruns write (and index) nothing
            op = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
            action += " WHERE " + " OR ".join(f"{table}.{q(c)} {op} EXCLUDED.{q(c)}" for c in changed_only)
    else:
        action = "DO NOTHING"
    rows = list(rows)
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        tmp = q(f"tmp_{model._meta.db_table}")
        connection.ensure_connection()
        with connection.connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {tmp}")
            cur.execute(f"CREATE TEMP TABLE {tmp} ON COMMIT DROP AS SELECT {cols} FROM {table} WITH NO DATA")  # noqa: S608
            with cur.copy(f"COPY {tmp} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {tmp} "  # noqa: S608 - model meta names
                        f"ON CONFLICT {target} {action}")
        return len(rows)
    sql = (f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(columns))}) "  # noqa: S608
           f"ON CONFLICT {target} {action}")
    with connection.cursor() as cur:
        for i in range(0, len(rows), 20_000):
            cur.executemany(sql, [tuple(_sqlite_value(v) for v in r) for r in rows[i:i + 20_000]])
    return len(rows)
