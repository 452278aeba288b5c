"""Fast bulk inserts for the import hot path: primary keys are allocated up front (sequence on
PostgreSQL, max(id) under the import's write transaction on SQLite), then rows go in with COPY
(PostgreSQL) or `executemany` (SQLite) — no model instances, no per-row ORM work.

Values are adapted with the backend's own `connection.ops` so stored dates and times are exactly
what the ORM would have written.
"""


from django.db import connection

CHUNK = 5000


def allocate_ids(model, n):
    """n fresh primary keys for `model` (call inside the import's transaction)."""
    if n <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)", [n])  # noqa: S608 (model table)
            return [r[0] for r in cur.fetchall()]
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 (model table)
        start = cur.fetchone()[0] + 1
    return list(range(start, start + n))


def _adapter(field):
    ops = connection.ops
    internal = field.get_internal_type()
    if internal == "DateTimeField":
        return ops.adapt_datetimefield_value
    if internal == "DateField":
        return ops.adapt_datefield_value
    if internal == "DecimalField":
        return lambda v: ops.adapt_decimalfield_value(v, field.max_digits, field.decimal_places)
    if internal == "JSONField":
        return lambda v: field.get_db_prep_save(v, connection)
    return None


def insert_rows(model, columns, rows):
    """Insert `rows` (tuples in `columns` order, attnames, including `id`) into `model`'s table."""
    if not rows:
        return 0
    fields = [model._meta.get_field(c) for c in columns]
    adapters = [(i, a) for i, a in ((i, _adapter(f)) for i, f in enumerate(fields)) if a]
    if adapters and connection.vendor != "postgresql":
        fixed, memo = [], {}
        for row in rows:
            row = list(row)
            for i, adapt in adapters:
                value = row[i]
                if value is not None:
                    key = (i, value) if not isinstance(value, dict | list) else None
                    if key is None:
                        row[i] = adapt(value)
                    else:  # the import's timestamp repeats on every row: adapt it once
                        row[i] = memo[key] if key in memo else memo.setdefault(key, adapt(value))
            fixed.append(row)
        rows = fixed
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            raw = cur.cursor  # psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"  # noqa: S608 (model table and columns)
            for i in range(0, len(rows), CHUNK):
                cur.executemany(sql, rows[i : i + CHUNK])
    return len(rows)

