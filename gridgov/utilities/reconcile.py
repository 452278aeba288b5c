"""Reconciliation (对账), set-based: a day's paid bills as one CSV file per utility, and the
mismatches between the providers' records (`ProviderRecord`) and our payments and bills, each
found by one INSERT … SELECT. Called by `actions.reconcile_day` (the job and the page).

Mismatch kinds: a payment we count as paid with no provider record (missing_provider); a
provider record with no paid payment (missing_local, e.g. a lost callback); different amounts
(amount); a payment whose bills do not add up to it (bill_sum).
"""

import csv
import io
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from .choices import MismatchKind
from .models import Bill, Mismatch, Payment, ProviderRecord, Utility, UtilityAccount


def recon_dir():
    path = Path(settings.MEDIA_ROOT) / "utilities" / "recon"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _t(model):
    return connection.ops.quote_name(model._meta.db_table)


FILE_HEADERS = ["户号", "账期", "金额(分)", "金额(元)", "支付渠道", "渠道交易号", "缴费时间", "支付编号"]


def _file_sql(vendor):
    """The day's paid bills, utility id first (parameter: the day). Unsorted: sorting 750,000
    rows by account would double the time; one scan serves every utility's file."""
    amount_yuan = ("to_char(b.amount_fen / 100.0, 'FM9999999990.00')" if vendor == "postgresql"
                   else "printf('%.2f', b.amount_fen / 100.0)")
    paid_at = ("to_char(b.paid_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS')" if vendor == "postgresql"
               else "b.paid_at")
    return (f"SELECT b.utility_id, a.account_no, b.period, b.amount_fen, {amount_yuan}, p.provider, "  # noqa: S608
            f"p.provider_txn_id, {paid_at}, p.id FROM {_t(Bill)} b JOIN {_t(Payment)} p ON p.id = b.payment_id "
            f"JOIN {_t(UtilityAccount)} a ON a.id = b.account_id WHERE p.paid_on = %s AND p.status = 'succeeded'")


def write_files(day, run_id):
    """One CSV per active utility — {utility code: {"file", "rows", "name"}} — from one query
    (PostgreSQL: one COPY … TO STDOUT, each row sent to its utility's file by its first field)."""
    utilities = {u.pk: u for u in Utility.objects.filter(is_active=True).order_by("code")}
    names = {pk: f"{day:%Y%m%d}-{u.code}-{run_id}.csv" for pk, u in utilities.items()}
    handles, counts = {}, dict.fromkeys(utilities, 0)
    try:
        for pk, name in names.items():
            handles[pk] = open(recon_dir() / name, "wb")  # noqa: SIM115 - closed below
            handles[pk].write(("\ufeff" + ",".join(FILE_HEADERS) + "\n").encode())
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                parts = {str(pk).encode(): [] for pk in utilities}
                # psycopg binds the parameter into the COPY statement on the client
                with cur.cursor.copy(f"COPY ({_file_sql('postgresql')}) TO STDOUT WITH (FORMAT csv)", [day]) as copy:
                    for chunk in copy:  # one row per chunk: b"<utility id>,<the file's columns>\n"
                        head, _, rest = bytes(chunk).partition(b",")
                        part = parts.get(head)
                        if part is not None:
                            part.append(rest)
                for key, lines in parts.items():
                    handles[int(key)].write(b"".join(lines))
                    counts[int(key)] = len(lines)
            else:
                cur.execute(_file_sql(connection.vendor), [day])
                buffers = {pk: io.StringIO() for pk in handles}
                writers = {pk: csv.writer(buf) for pk, buf in buffers.items()}
                for row in cur.fetchall():
                    if row[0] in writers:
                        writers[row[0]].writerow(row[1:])
                        counts[row[0]] += 1
                for pk, buf in buffers.items():
                    handles[pk].write(buf.getvalue().encode())
    finally:
        for fh in handles.values():
            fh.close()
    return {u.code: {"file": names[pk], "rows": counts[pk], "name": u.name} for pk, u in utilities.items()}


def find_mismatches(day, run_id):
    """Insert the day's mismatches for run `run_id`; returns {kind: count}."""
    m, p, r, b = _t(Mismatch), _t(Payment), _t(ProviderRecord), _t(Bill)
    cols = "run_id, kind, provider, txn_id, payment_id, local_fen, provider_fen"
    paid = "p.status IN ('succeeded', 'refunded')"
    statements = [
        # one pass over the day's paid payments and the day's provider records (a full join):
        # a payment with no record, a record with no paid payment (a lost callback, or one for a
        # pending or failed payment), or both with different amounts
        (f"INSERT INTO {m} ({cols}) SELECT %s, CASE WHEN r.id IS NULL THEN %s WHEN p.id IS NULL THEN %s "  # noqa: S608
         f"ELSE %s END, COALESCE(p.provider, r.provider), COALESCE(p.provider_txn_id, r.txn_id), p.id, p.amount_fen, "
         f"r.amount_fen FROM (SELECT * FROM {p} p WHERE p.paid_on = %s AND {paid}) p "
         f"FULL JOIN (SELECT * FROM {r} WHERE paid_on = %s) r ON r.provider = p.provider AND r.txn_id = p.provider_txn_id "
         f"WHERE p.id IS NULL OR r.id IS NULL OR r.amount_fen <> p.amount_fen",
         [run_id, MismatchKind.MISSING_AT_PROVIDER.value, MismatchKind.MISSING_LOCALLY.value, MismatchKind.AMOUNT.value,
          day, day]),
        # the day's payments whose bills do not add up to them (or that have none)
        (f"INSERT INTO {m} ({cols}) SELECT %s, %s, p.provider, p.provider_txn_id, p.id, p.amount_fen, "  # noqa: S608
         f"SUM(b.amount_fen) FROM {p} p LEFT JOIN {b} b ON b.payment_id = p.id "
         f"WHERE p.paid_on = %s AND p.status = 'succeeded' GROUP BY p.id, p.provider, p.provider_txn_id, p.amount_fen "
         f"HAVING SUM(b.amount_fen) IS NULL OR SUM(b.amount_fen) <> p.amount_fen",
         [run_id, MismatchKind.BILL_SUM.value, day]),
    ]
    with connection.cursor() as cur:
        for sql, params in statements:
            cur.execute(sql, params)
        cur.execute(f"SELECT kind, COUNT(*) FROM {m} WHERE run_id = %s GROUP BY kind", [run_id])  # noqa: S608
        found = dict(cur.fetchall())
    return {k.value: found.get(k.value, 0) for k in MismatchKind}


def day_totals(day):
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*), COALESCE(SUM(amount_fen), 0) FROM {_t(Payment)} "  # noqa: S608
                    "WHERE paid_on = %s AND status = 'succeeded'", [day])
        payments, fen = cur.fetchone()
        cur.execute(f"SELECT COUNT(*), COALESCE(SUM(amount_fen), 0) FROM {_t(ProviderRecord)} "  # noqa: S608
                    "WHERE paid_on = %s AND NOT refunded", [day])
        records, provider_fen = cur.fetchone()
    return {"payments": payments, "paid_fen": int(fen), "provider_records": records, "provider_fen": int(provider_fen)}


def build(run):
    """Fill `run` (a saved ReconciliationRun): files, mismatches, totals, seconds."""
    started = time.perf_counter()
    if connection.vendor == "postgresql":  # one sort of a day's bills in memory; no JIT for one-off queries
        with connection.cursor() as cur:
            cur.execute("SET LOCAL work_mem = '256MB'")
            cur.execute("SET LOCAL jit = off")
    run.files = write_files(run.date, run.pk)
    mismatches = find_mismatches(run.date, run.pk)
    run.counts = {**day_totals(run.date), "mismatches": mismatches, "mismatch_total": sum(mismatches.values())}
    run.seconds = round(time.perf_counter() - started, 3)
    run.save(update_fields=["files", "counts", "seconds"])
    return run
