"""Reconciliation (对账), set-based: a day's paid bills as one CSV file per utility, and the
mismatches between the providers' records (`ProviderRecord`) and our payments and bills, each
found by one INSERT … SELECT. Called by `actions.reconcile_day` (the job and the page).

Mismatch kinds: a payment we count as paid with no provider record (missing_provider); a
provider record with no paid payment (missing_local, e.g. a lost callback); different amounts
(amount); a payment whose bills do not add up to it (bill_sum).
"""

import csv
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
    amount_yuan = ("to_char(b.amount_fen / 100.0, 'FM9999999990.00')" if vendor == "postgresql"
                   else "printf('%.2f', b.amount_fen / 100.0)")
    paid_at = ("to_char(b.paid_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS')" if vendor == "postgresql"
               else "b.paid_at")
    return (f"SELECT a.account_no, b.period, b.amount_fen, {amount_yuan}, p.provider, p.provider_txn_id, "  # noqa: S608
            f"{paid_at}, p.id FROM {_t(Bill)} b JOIN {_t(Payment)} p ON p.id = b.payment_id "
            f"JOIN {_t(UtilityAccount)} a ON a.id = b.account_id "
            f"WHERE p.paid_on = %s AND p.status = 'succeeded' AND b.utility_id = %s ORDER BY a.account_no, b.period")


def write_files(day, run_id):
    """One CSV per active utility: {utility code: (file name, rows)}."""
    out = {}
    vendor = connection.vendor
    for utility in Utility.objects.filter(is_active=True).order_by("code"):
        name = f"{day:%Y%m%d}-{utility.code}-{run_id}.csv"
        path = recon_dir() / name
        with connection.cursor() as cur:
            if vendor == "postgresql":
                rows = 0
                with open(path, "wb") as fh:
                    fh.write(("\ufeff" + ",".join(FILE_HEADERS) + "\n").encode())
                    # psycopg binds the parameters into the COPY statement on the client
                    with cur.cursor.copy(f"COPY ({_file_sql(vendor)}) TO STDOUT WITH (FORMAT csv)",
                                         [day, utility.pk]) as copy:
                        for chunk in copy:
                            chunk = bytes(chunk)
                            rows += chunk.count(b"\n")
                            fh.write(chunk)
            else:
                cur.execute(_file_sql(vendor), [day, utility.pk])
                rows = 0
                with open(path, "w", encoding="utf-8-sig", newline="") as fh:
                    writer = csv.writer(fh)
                    writer.writerow(FILE_HEADERS)
                    for row in cur.fetchall():
                        writer.writerow(row)
                        rows += 1
        out[utility.code] = {"file": name, "rows": rows, "name": utility.name}
    return out


def find_mismatches(day, run_id):
    """Insert the day's mismatches for run `run_id`; returns {kind: count}."""
    m, p, r, b = _t(Mismatch), _t(Payment), _t(ProviderRecord), _t(Bill)
    cols = "run_id, kind, provider, txn_id, payment_id, local_fen, provider_fen"
    paid = "p.status IN ('succeeded', 'refunded')"
    statements = {
        MismatchKind.MISSING_AT_PROVIDER: (
            f"INSERT INTO {m} ({cols}) SELECT %s, %s, p.provider, p.provider_txn_id, p.id, p.amount_fen, NULL "  # noqa: S608
            f"FROM {p} p LEFT JOIN {r} r ON r.provider = p.provider AND r.txn_id = p.provider_txn_id "
            f"WHERE p.paid_on = %s AND {paid} AND r.id IS NULL"),
        MismatchKind.MISSING_LOCALLY: (
            f"INSERT INTO {m} ({cols}) SELECT %s, %s, r.provider, r.txn_id, p.id, NULL, r.amount_fen "  # noqa: S608
            f"FROM {r} r LEFT JOIN {p} p ON p.provider = r.provider AND p.provider_txn_id = r.txn_id "
            f"WHERE r.paid_on = %s AND (p.id IS NULL OR NOT ({paid}))"),
        MismatchKind.AMOUNT: (
            f"INSERT INTO {m} ({cols}) SELECT %s, %s, p.provider, p.provider_txn_id, p.id, p.amount_fen, r.amount_fen "  # noqa: S608
            f"FROM {p} p JOIN {r} r ON r.provider = p.provider AND r.txn_id = p.provider_txn_id "
            f"WHERE p.paid_on = %s AND {paid} AND r.amount_fen <> p.amount_fen"),
        MismatchKind.BILL_SUM: (
            f"INSERT INTO {m} ({cols}) SELECT %s, %s, p.provider, p.provider_txn_id, p.id, p.amount_fen, s.total "  # noqa: S608
            f"FROM {p} p LEFT JOIN (SELECT payment_id, SUM(amount_fen) AS total FROM {b} "
            f"WHERE payment_id IS NOT NULL GROUP BY payment_id) s ON s.payment_id = p.id "
            f"WHERE p.paid_on = %s AND p.status = 'succeeded' AND (s.total IS NULL OR s.total <> p.amount_fen)"),
    }
    counts = {}
    with connection.cursor() as cur:
        for kind, sql in statements.items():
            cur.execute(sql, [run_id, kind.value, day])
            counts[kind.value] = cur.rowcount
    return counts


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
    run.files = write_files(run.date, run.pk)
    mismatches = find_mismatches(run.date, run.pk)
    run.counts = {**day_totals(run.date), "mismatches": mismatches, "mismatch_total": sum(mismatches.values())}
    run.seconds = round(time.perf_counter() - started, 3)
    run.save(update_fields=["files", "counts", "seconds"])
    return run
