"""The shared bulk writer (COPY on PostgreSQL, `executemany` on SQLite) for the import hot path,
the demo, scoring and bulk notifications: primary keys are allocated up front (sequence on
PostgreSQL, max(id) under the import's write transaction on SQLite), then rows go in with COPY
(PostgreSQL, text format built here) or `executemany` (SQLite) — no model instances, no per-row
ORM work. Updates of many rows go through a staging table (PostgreSQL) or `executemany`.

`bulk_mode(model, …)` is the path for very large first loads: inside the caller's transaction
it drops the table's indexes (all but the primary key and constraint-backed ones) and foreign
keys and recreates them, from their own definitions, after the load — one sort per index and
one set-based check per foreign key instead of a B-tree insert and a trigger per row. Unique
indexes are re-checked when they are rebuilt: a duplicate fails the whole transaction (the
importer has already reported duplicates row by row; nobody else can write meanwhile). DDL is
transactional on both backends: an error rolls everything back, indexes included. While it
runs, the table is locked (PostgreSQL ACCESS EXCLUSIVE, readers wait; SQLite has one writer
anyway), so callers use it only when the load is at least as big as the table.

`upsert_rows` is INSERT … ON CONFLICT for maintained rows (scores, notifications): COPY into a
staging table then one INSERT … SELECT on PostgreSQL.

Values are adapted with the backend's own `connection.ops` so stored dates and times are exactly
what the ORM would have written. Callers are system-side writers inside an action's transaction
(docs/architecture.md §4, “Writes go through actions”): an importer's `apply`, a scoring run, a demo step.
"""

import contextlib
import datetime
import itertools
import json
import logging
import operator

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import JSONField

logger = logging.getLogger(__name__)
CHUNK = 5000
COPY_BUFFER = 1 << 22  # characters per COPY write
NULL = "\\N"
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def allocate_ids(model, n, *, locked=False):
    """n fresh primary keys for `model` (call inside the import's transaction).

    PostgreSQL: explicit allocations are serialised with a transaction-level advisory lock on
    the table's sequence. With `locked` — the caller holds an exclusive lock on the table (bulk
    mode), so no INSERT can draw from the sequence meanwhile — the block is reserved with one
    `setval`; otherwise n `nextval`s are drawn on the server, and when nobody drew in between
    they form one block and only its ends travel. SQLite: max(id) + 1 … under the write lock."""
    if n <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cur.fetchone()[0]
            cur.execute("SELECT pg_advisory_xact_lock(%s::regclass::oid::bigint)", [sequence])
            if locked:
                cur.execute("SELECT setval(%s::regclass, nextval(%s::regclass) + %s - 1)", [sequence, sequence, n])
                high = cur.fetchone()[0]
                return list(range(high - n + 1, high + 1))
            cur.execute(
                "SELECT min(v), max(v), CASE WHEN max(v) - min(v) + 1 <> count(*) THEN array_agg(v) END "
                "FROM (SELECT nextval(%s::regclass) AS v FROM generate_series(1, %s)) AS s",
                [sequence, n],
            )
            low, high, values = cur.fetchone()
            return values if values is not None else list(range(low, high + 1))
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 (model table)
        start = cur.fetchone()[0] + 1
    return list(range(start, start + n))


def table_size(model):
    """Rows in `model`'s table: the planner's estimate on PostgreSQL (no scan) when it has one,
    else COUNT(*)."""
    table = model._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table])
            estimate = cur.fetchone()[0]
            if estimate > 0:
                return int(estimate)
        cur.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 (model table)
        return int(cur.fetchone()[0])


def _adapter(field):
    ops = connection.ops
    internal = field.get_internal_type()
    if internal == "DateTimeField":
        if connection.vendor == "sqlite" and settings.USE_TZ:
            return _sqlite_datetime(connection.timezone)
        return ops.adapt_datetimefield_value
    if internal == "DateField":
        return ops.adapt_datefield_value
    if internal == "DecimalField":
        if connection.vendor == "sqlite":
            return None  # the backend registers sqlite3's own Decimal adapter (str)
        return lambda v: ops.adapt_decimalfield_value(v, field.max_digits, field.decimal_places)
    if internal == "JSONField":
        if connection.vendor == "sqlite" and type(field) is JSONField:
            return _json_adapter(field.encoder)  # what the backend's adapt_json_value writes
        return lambda v: field.get_db_prep_save(v, connection)
    return None


def _sqlite_datetime(tz):
    """SQLite's stored form of a datetime, as `adapt_datetimefield_value` writes it (an aware value
    made naive in the connection's time zone, then `str`) without its per-value checks: ~3x
    faster, which counts at a million timestamps."""

    utc = tz is datetime.UTC

    def adapt(value):
        if type(value) is str:  # already the stored text (`stored_datetime`)
            return value
        if value.tzinfo is tz and utc:  # the common case (clock.now() and arithmetic on it)
            return str(value)[:-6]  # without "+00:00"
        if value.tzinfo is not None and value.utcoffset() is not None:
            value = value.astimezone(tz).replace(tzinfo=None)
        return str(value)

    return adapt


def stored_datetime(value):
    """The text `insert_rows` stores for the datetime `value` on this connection, which it also
    takes in the value's place. For loaders whose timestamps repeat (the demo's service records:
    ~20k distinct times over 1.5M rows): each distinct value converted once, not once a row."""
    if connection.vendor == "sqlite" and settings.USE_TZ:
        return _sqlite_datetime(connection.timezone)(value)
    if connection.vendor == "postgresql":
        return str(value)  # COPY's text form of an aware datetime
    raise NotImplementedError(connection.vendor)


def _json_adapter(encoder):
    """`json.dumps` with an encoder; an empty dict or list (most rows' `data`) without the call."""

    def adapt(value):
        if not value and type(value) in (dict, list):
            return "{}" if type(value) is dict else "[]"
        return json.dumps(value, cls=encoder)

    return adapt


def _copy_adapter(field):
    """PostgreSQL text-COPY form of a value, where `str(value)` is not already it."""
    internal = field.get_internal_type()
    if internal == "JSONField":
        return _json_adapter(field.encoder)
    if internal == "BooleanField":
        return lambda v: "t" if v else "f"
    return None


def _adapt_iter(rows, adapters):
    """Rows with per-column adapters applied, lazily. A value equal to the column's previous one
    (the import's timestamp, a batch's date) reuses its adapted form; nothing else is kept, so
    memory stays flat however many rows go through."""
    last = [(None, None)] * (max(i for i, _a in adapters) + 1 if adapters else 0)
    for row in rows:
        row = list(row)
        for i, adapt in adapters:
            value = row[i]
            if value is not None:
                if isinstance(value, dict | list):
                    row[i] = adapt(value)
                else:
                    prev, done = last[i]
                    if value is prev or (type(value) is type(prev) and value == prev):
                        row[i] = done
                    else:
                        row[i] = done = adapt(value)
                        last[i] = (value, done)
        yield row


def _adapt_rows(rows, adapters):
    """`_adapt_iter` as a list."""
    return list(_adapt_iter(rows, adapters))


def copy_lines(rows, width):
    """Rows as COPY text lines. The fast path joins `str()` of each value and checks the line
    once: a value holding a tab, newline, carriage return or backslash sends the row through
    the escaping path."""
    for row in rows:
        nulls = row.count(None)
        line = "\t".join([NULL if v is None else str(v) for v in row])
        if line.count("\\") != nulls or line.count("\t") != width - 1 or "\n" in line or "\r" in line:
            line = "\t".join([NULL if v is None else str(v).translate(_COPY_ESCAPES) for v in row])
        yield line


def copy_escape(text):
    """A text value in COPY text form (backslash, tab, newline and carriage return escaped)."""
    return text if text.isprintable() and "\\" not in text else text.translate(_COPY_ESCAPES)


def _copy(cur, table, cols, lines):
    """COPY `lines` into `table`; returns the number of rows. The data goes to the server from a
    writer thread (psycopg's queued writer), so building the next lines overlaps sending and
    storing the previous ones."""
    from psycopg.copy import QueuedLibpqWriter

    raw = cur.cursor  # psycopg cursor under Django's wrapper
    count = 0
    with raw.copy(f"COPY {table} ({cols}) FROM STDIN", writer=QueuedLibpqWriter(raw)) as copy:
        buf, size = [], 0
        for line in lines:
            count += 1
            buf.append(line)
            size += len(line)
            if size >= COPY_BUFFER:
                buf.append("")
                copy.write("\n".join(buf))
                buf, size = [], 0
        if buf:
            buf.append("")
            copy.write("\n".join(buf))
    return count


def copy_text(model, columns, rows, *, copy_line=None):
    """The PostgreSQL COPY text lines (without their newline) `insert_rows` sends for `rows`:
    built without a database, so another process may build them (`copy_file` loads them)."""
    if copy_line is not None:
        return map(copy_line, rows)
    fields = [model._meta.get_field(c) for c in columns]
    adapters = [(i, a) for i, a in ((i, _copy_adapter(f)) for i, f in enumerate(fields)) if a]
    return copy_lines(_adapt_iter(rows, adapters) if adapters else rows, len(fields))


def copy_file(model, columns, path):
    """COPY a file of `copy_text` lines (one per line) into `model`'s table (PostgreSQL);
    returns the number of rows."""
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
    count = 0
    with connection.cursor() as cur, cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy, \
            open(path, "rb") as f:
        while block := f.read(COPY_BUFFER):
            count += block.count(b"\n")
            copy.write(block)
    return count


def object_rows(model, objs):
    """(columns, rows) of model instances or `RowMaker` rows as `insert_objects` writes them:
    every concrete field's attname and value."""
    cols = [f.attname for f in model._meta.concrete_fields]
    if any(getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) for f in model._meta.concrete_fields):
        raise ValueError(f"{model._meta.label} has auto_now fields: use bulk_create or insert_rows")
    row = operator.attrgetter(*cols) if len(cols) > 1 else (lambda o: (getattr(o, cols[0]),))
    return cols, map(row, objs)


def insert_rows(model, columns, rows, *, copy_line=None, stored=False):
    """Insert `rows` (tuples in `columns` order, attnames, including `id`) into `model`'s table.
    `copy_line(row)`, when given, is the row's COPY text line on PostgreSQL — for hot paths whose
    caller knows which values need escaping (`copy_escape`) and which may be NULL. `stored=True`
    says every date, datetime and JSON value is already its stored text (`stored_datetime`, ISO
    dates): SQLite then binds the rows as they are, with no per-row adaptation. `rows` may be
    an iterator, consumed as it goes (never held whole): on PostgreSQL rows are built while the
    server stores the previous ones, on SQLite `CHUNK` rows at a time."""
    if isinstance(rows, list | tuple) and not rows:
        return 0
    fields = [model._meta.get_field(c) for c in columns]
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            return _copy(cur, table, cols, copy_text(model, columns, rows, copy_line=copy_line))
        else:
            adapters = [] if stored else [(i, a) for i, a in ((i, _adapter(f)) for i, f in enumerate(fields)) if a]
            marks = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"  # noqa: S608 (model table and columns)
            count, rows = 0, iter(rows)  # CHUNK rows at a time: an iterator is never held whole
            while chunk := list(itertools.islice(rows, CHUNK)):
                cur.executemany(sql, _adapt_rows(chunk, adapters) if adapters else chunk)
                count += len(chunk)
            return count


def assign_ids(model, objs, *, locked=False):
    """Give unsaved model instances `objs` fresh primary keys (`allocate_ids`), so rows can point
    at each other before any is written. Returns `objs`."""
    for obj, pk in zip(objs, allocate_ids(model, len(objs), locked=locked), strict=True):
        obj.pk = pk
    return objs


class RowMaker:
    """Plain row objects for `model`, for loads of hundreds of thousands of rows: every concrete
    field's default, then the given values (attnames), as attributes; `.pk` is the primary key.
    Building a model instance costs ~20 µs a row more; `insert_objects` writes either.
    Callable defaults are evaluated once, here, for all the rows."""

    def __init__(self, model):
        fields = model._meta.concrete_fields
        self.defaults = {f.attname: f.get_default() for f in fields}
        pk = model._meta.pk.attname
        self.row = type(f"{model.__name__}Row", (), {
            "pk": property(lambda row: getattr(row, pk), lambda row, value: setattr(row, pk, value)),
        })

    def __call__(self, **values):
        row = self.row()
        row.__dict__.update(self.defaults)
        row.__dict__.update(values)
        return row


def insert_objects(model, objs):
    """Write model instances (or `RowMaker` rows) whose primary keys are set (`assign_ids`) through `insert_rows`: every
    concrete field as the instance holds it — what `bulk_create` writes for a model without
    `auto_now` fields, minus its per-object preparation (~0.5 ms a row). Returns the row count."""
    return insert_rows(model, *object_rows(model, objs))


def update_rows(model, columns, rows):
    """Update rows by primary key: `columns` starts with "id", `rows` are tuples in that order.
    PostgreSQL: COPY into a temporary staging table, then one `UPDATE … FROM`; SQLite:
    `executemany`."""
    if not rows:
        return 0
    assert columns[0] == "id"
    qn = connection.ops.quote_name
    fields = [model._meta.get_field(c) for c in columns]
    table = qn(model._meta.db_table)
    sets = ", ".join(f"{qn(f.column)} = s.{qn(f.column)}" for f in fields[1:])
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cols = ", ".join(qn(f.column) for f in fields)
            cur.execute("DROP TABLE IF EXISTS import_staging")
            cur.execute(f"CREATE TEMPORARY TABLE import_staging ON COMMIT DROP AS SELECT {cols} FROM {table} LIMIT 0")  # noqa: S608
            adapters = [(i, a) for i, a in ((i, _copy_adapter(f)) for i, f in enumerate(fields)) if a]
            _copy(cur, "import_staging", cols, copy_lines(_adapt_rows(rows, adapters) if adapters else rows, len(fields)))
            cur.execute(f"UPDATE {table} AS t SET {sets} FROM import_staging AS s WHERE t.id = s.id")  # noqa: S608
            cur.execute("DROP TABLE import_staging")
        else:
            adapters = [(i, a) for i, a in ((i, _adapter(f)) for i, f in enumerate(fields)) if a]
            if adapters:
                rows = _adapt_rows(rows, adapters)
            assign = ", ".join(f"{qn(f.column)} = %s" for f in fields[1:])
            sql = f"UPDATE {table} SET {assign} WHERE id = %s"  # noqa: S608 (model table and columns)
            rows = [(*r[1:], r[0]) for r in rows]
            for i in range(0, len(rows), CHUNK):
                cur.executemany(sql, rows[i : i + CHUNK])
    return len(rows)


# --- bulk mode: secondary indexes and foreign keys rebuilt after the load --------------------

def _secondary_ddl(table):
    """[(drop sql, create sql)] for the indexes (but the primary key and those backing a
    constraint, e.g. one a foreign key references) and the foreign keys of `table`."""
    qn = connection.ops.quote_name
    out = []
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY c.relname",
                [table],
            )
            out += [(f"DROP INDEX {qn(name)}", sql) for name, sql in cur.fetchall()]
            cur.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
                "AND contype = 'f' ORDER BY conname",
                [table],
            )
            out += [(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}",
                     f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {sql}") for name, sql in cur.fetchall()]
        else:  # SQLite: CREATE [UNIQUE] INDEX indexes (foreign keys are part of the table definition)
            cur.execute("SELECT name FROM pragma_index_list(%s) WHERE origin = 'c'", [table])
            names = [r[0] for r in cur.fetchall()]
            for name in names:
                cur.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = %s", [name])
                sql = cur.fetchone()[0]
                if sql:
                    out.append((f"DROP INDEX {qn(name)}", sql))
    return out


@contextlib.contextmanager
def bulk_mode(*models, enabled=True):
    """Drop the non-unique indexes and foreign keys of `models`' tables for the duration of the
    block and recreate them at its end (see the module docstring). Must run inside a
    transaction; the block runs in a savepoint, so an exception leaving it restores the indexes
    even if the caller goes on. On PostgreSQL, when the tables cannot be locked within a few
    seconds (a long reader), the block runs with the indexes in place instead. Yields whether
    bulk mode is on — then the tables are locked against every other session until the
    transaction ends."""
    if not enabled:
        yield False
        return
    if not connection.in_atomic_block:
        raise RuntimeError("bulk_mode needs a transaction")
    with transaction.atomic():
        ddl = []
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
                # run the foreign-key checks still pending from earlier writes of this transaction
                # (PostgreSQL refuses DDL on a table with pending trigger events), then defer again
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cur.execute("SET CONSTRAINTS ALL DEFERRED")
                try:
                    with transaction.atomic():  # a lock timeout rolls back to here, indexes intact
                        cur.execute("SET LOCAL lock_timeout = '5s'")
                        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
                        cur.execute(f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE")
                        for model in models:
                            for drop, create in _secondary_ddl(model._meta.db_table):
                                cur.execute(drop)
                                ddl.append(create)
                except DatabaseError as exc:
                    logger.warning("bulk mode off, indexes kept: %s", exc)
                    ddl = []
                cur.execute("SET LOCAL lock_timeout TO DEFAULT")
            else:
                for model in models:
                    for drop, create in _secondary_ddl(model._meta.db_table):
                        cur.execute(drop)
                        ddl.append(create)
        yield bool(ddl)
        with connection.cursor() as cur:
            for create in ddl:
                cur.execute(create)


# --- insert or update on conflict --------------------------------------------------------------

def upsert_rows(model, columns, rows, *, conflict, update=(), changed_only=()):
    """INSERT … ON CONFLICT (conflict) DO UPDATE SET update [WHERE one of `changed_only`
    differs] (or DO NOTHING when `update` is empty, with `conflict` possibly empty too: any unique
    violation is skipped). `columns` are attnames. PostgreSQL: COPY into a temporary table, then
    one INSERT … SELECT; SQLite: executemany. Must run inside a transaction. Returns the number of
    rows offered."""
    qn = connection.ops.quote_name
    fields = [model._meta.get_field(c) for c in columns]
    table = qn(model._meta.db_table)
    cols = ", ".join(qn(f.column) for f in fields)
    target = f"({', '.join(qn(model._meta.get_field(c).column) for c in conflict)})" if conflict else ""
    if update:
        action = "DO UPDATE SET " + ", ".join(f"{qn(c)} = EXCLUDED.{qn(c)}" for c in update)
        if changed_only:  # skip rows whose values did not change: reruns write (and index) nothing
            op = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
            action += " WHERE " + " OR ".join(f"{table}.{qn(c)} {op} EXCLUDED.{qn(c)}" for c in changed_only)
    else:
        action = "DO NOTHING"
    rows = list(rows)
    if not rows:
        return 0
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            tmp = qn(f"tmp_{model._meta.db_table}")
            cur.execute(f"DROP TABLE IF EXISTS {tmp}")
            cur.execute(f"CREATE TEMP TABLE {tmp} ON COMMIT DROP AS SELECT {cols} FROM {table} WITH NO DATA")  # noqa: S608
            adapters = [(i, a) for i, a in ((i, _copy_adapter(f)) for i, f in enumerate(fields)) if a]
            _copy(cur, tmp, cols, copy_lines(_adapt_rows(rows, adapters) if adapters else rows, len(fields)))
            cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {tmp} "  # noqa: S608 - model meta names
                        f"ON CONFLICT {target} {action}")
            return len(rows)
        adapters = [(i, a) for i, a in ((i, _adapter(f)) for i, f in enumerate(fields)) if a]
        sql = (f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(fields))}) "  # noqa: S608
               f"ON CONFLICT {target} {action}")
        for i in range(0, len(rows), CHUNK):
            chunk = rows[i:i + CHUNK]
            cur.executemany(sql, _adapt_rows(chunk, adapters) if adapters else chunk)
    return len(rows)
