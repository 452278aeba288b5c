"""Utilities figures on PostgreSQL, each beside a baseline measured in the same run:

1. bill import, 750,000 rows (validated, all or nothing) → rows/s; baseline: a raw COPY of the
   same rows into an index-free table; then the idempotent re-import of the same file;
2. 200 concurrent payment attempts on 100 bills (each twice, 20 threads) → exactly 100 payments;
   baseline: the same 200 attempts one after another;
3. reconciliation of 750,000 paid bills (files per utility + mismatch report) → seconds;
   baseline: one hash join counting the same payments against the provider records.

    nice .venv/bin/python bench/utilities/bench.py [--rows 750000] [--db postgres://…/bench_utilities_main]

The database is dropped and re-created. Note `uptime` beside the figures (shared machine).
"""

import argparse
import csv
import datetime
import os
import random
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import _common  # noqa: E402

PG = "postgres://postgres@127.0.0.1:5432/bench_utilities_main"
MONTHS = 12
GRIDS = 60


def make_accounts(n_accounts):
    """Divisions (one community, GRIDS grids), three utilities and n accounts, by COPY."""
    from gridgov.core.bulk import allocate_ids, insert_rows
    from gridgov.divisions.models import Division
    from gridgov.utilities.models import Utility, UtilityAccount

    d = Division.objects.create(code="430702000000", name="武陵区", level=1)
    s = Division.objects.create(code="430702004000", name="丹阳街道", level=2, parent=d)
    c = Division.objects.create(code="430702004001", name="A社区", level=3, parent=s)
    grids = [Division.objects.create(code=f"430702004001{g + 1:03d}", name=f"第{g + 1}网格", level=4, parent=c)
             for g in range(GRIDS)]
    utilities = [Utility.objects.create(code=code, name=code, kind=kind)
                 for code, kind in (("water", "water"), ("power", "electricity"), ("gas", "gas"))]
    ids = allocate_ids(UtilityAccount, n_accounts)
    rows = []
    for i, pk in enumerate(ids):
        u, g = utilities[i % 3], grids[i % GRIDS]
        rows.append((pk, u.pk, f"{u.code[0].upper()}{i:08d}", g.pk, None, None, "", "", True, g.code))
    from django.db import transaction

    with transaction.atomic():
        insert_rows(UtilityAccount, ["id", "utility_id", "account_no", "grid_id", "house_id", "household_id",
                                     "holder_name", "address", "is_active", "division_code"], rows)
    return [(u.code, no) for (_pk, uid, no, *_rest), u in zip(rows, [utilities[i % 3] for i in range(n_accounts)],
                                                              strict=True)]


def write_file(accounts, path, months=MONTHS):
    rng = random.Random(1)
    periods = [f"2026-{m:02d}" for m in range(1, months + 1)]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["单位编码", "户号", "地址", "账期", "金额(元)", "缴费截止日"])
        for code, no in accounts:
            for p in periods:
                fen = rng.randint(500, 40000)
                w.writerow([code, no, f"武陵区丹阳街道A社区{no[-4:]}号", p, f"{fen // 100}.{fen % 100:02d}",
                            f"{p}-25"])


def baseline_copy(path):
    """A raw COPY of the file's rows (as text) into an index-free temporary table."""
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE raw_bills (utility text, account text, address text, period text, "
                    "amount text, due text) ON COMMIT DROP")
        with open(path, encoding="utf-8") as fh, cur.cursor.copy(
                "COPY raw_bills FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            while chunk := fh.read(1 << 22):
                copy.write(chunk)
        cur.execute("SELECT count(*) FROM raw_bills")
        n = cur.fetchone()[0]
    return n, time.perf_counter() - started


def bench_import(path, actor):
    from gridgov.core.importing import run_import
    from gridgov.utilities.importers import BillImport

    started = time.perf_counter()
    report = run_import(BillImport(actor), path, actor=actor, apply=True)
    first = time.perf_counter() - started
    assert report.applied and not report.errors, report.summary()
    started = time.perf_counter()
    again = run_import(BillImport(actor), path, actor=actor, apply=True)
    second = time.perf_counter() - started
    return report, first, again, second


def bench_payments():
    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser

    from gridgov.utilities import actions
    from gridgov.utilities.models import Bill, Payment
    from gridgov.utilities.tests.test_concurrency import attempt_all

    settings.UTILITIES_SANDBOX_AUTO_CONFIRM = True
    ids = list(Bill.objects.filter(period="2026-01").order_by("id").values_list("pk", flat=True)[:200])
    concurrent, sequential = ids[:100], ids[100:200]
    before = Payment.objects.count()
    started = time.perf_counter()
    outcomes = attempt_all(concurrent)
    t_conc = time.perf_counter() - started
    made = Payment.objects.count() - before
    started = time.perf_counter()
    anon = AnonymousUser()
    for pk in sequential + sequential:
        try:
            actions.start_payment(actor=anon, bills=[pk], provider="sandbox", idempotency_key=f"seq{pk}",
                                  channel="kiosk")
        except actions.PaymentRefused:
            pass
    t_seq = time.perf_counter() - started
    return outcomes, made, t_conc, t_seq


def prepare_reconciliation(day):
    """Every bill paid on `day` with one payment and one provider record each (set-based), and a
    few planted differences."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM utilities_paymentevent; UPDATE utilities_bill SET payment_id = NULL; "
                    "DELETE FROM utilities_payment; DELETE FROM utilities_providerrecord")
        cur.execute(
            "INSERT INTO utilities_payment (id, idempotency_key, provider, provider_txn_id, amount_fen, status, channel, "
            "payer_name, created_at, confirmed_at, paid_on, division_code) SELECT id, 'b' || id, 'sandbox', "
            "'SBX' || id, amount_fen, 'succeeded', 'kiosk', '', now(), now(), %s, division_code FROM utilities_bill",
            [day])
        cur.execute("SELECT setval(pg_get_serial_sequence('utilities_payment', 'id'), (SELECT max(id) FROM "
                    "utilities_payment))")
        cur.execute("UPDATE utilities_bill SET payment_id = id, status = 'paid', paid_at = now()")
        cur.execute("INSERT INTO utilities_providerrecord (provider, txn_id, amount_fen, paid_on, refunded) "
                    "SELECT 'sandbox', 'SBX' || id, amount_fen, %s, false FROM utilities_bill", [day])
        cur.execute("DELETE FROM utilities_providerrecord WHERE id IN (SELECT id FROM utilities_providerrecord "
                    "ORDER BY id LIMIT 7)")
        cur.execute("UPDATE utilities_providerrecord SET amount_fen = amount_fen + 1 WHERE id IN (SELECT id FROM "
                    "utilities_providerrecord ORDER BY id DESC LIMIT 5)")
        cur.execute("INSERT INTO utilities_providerrecord (provider, txn_id, amount_fen, paid_on, refunded) "
                    "SELECT 'sandbox', 'ORPHAN' || g, 100, %s, false FROM generate_series(1, 3) g", [day])
        cur.execute("ANALYZE utilities_bill; ANALYZE utilities_payment; ANALYZE utilities_providerrecord")


def bench_reconcile(day, actor):
    from django.db import connection

    from gridgov.utilities import actions

    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SELECT count(*), sum(p.amount_fen) FROM utilities_payment p JOIN utilities_providerrecord r "
                    "ON r.provider = p.provider AND r.txn_id = p.provider_txn_id WHERE p.paid_on = %s", [day])
        cur.fetchone()
    baseline = time.perf_counter() - started
    started = time.perf_counter()
    run = actions.reconcile_day(actor=actor, date=day)
    return run, time.perf_counter() - started, baseline


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=750_000)
    ap.add_argument("--db", default=PG)
    args = ap.parse_args()
    print(f"load before: {os.getloadavg()}")
    _common.setup_django(args.db, fresh=True, platform=True)
    from gridgov.core.actors import system_actor

    actor = system_actor()
    n_accounts = -(-args.rows // MONTHS)
    t = time.perf_counter()
    accounts = make_accounts(n_accounts)
    print(f"set-up: {n_accounts} accounts in {time.perf_counter() - t:.1f} s")
    path = os.path.join(tempfile.gettempdir(), f"bench_utilities_{args.rows}.csv")
    write_file(accounts, path)
    n, t_copy = baseline_copy(path)
    report, t_import, again, t_again = bench_import(path, actor)
    rows = report.total_rows
    print(f"1. import {rows} rows: {t_import:.1f} s = {rows / t_import:,.0f} rows/s  {report.counts}")
    print(f"   baseline raw COPY of the same {n} rows (text, no indexes): {t_copy:.2f} s = {n / t_copy:,.0f} rows/s")
    print(f"   re-import (idempotent): {t_again:.1f} s = {rows / t_again:,.0f} rows/s  {again.counts}")
    outcomes, made, t_conc, t_seq = bench_payments()
    print(f"2. 200 concurrent attempts on 100 bills: {made} payments "
          f"(created {outcomes.count('created')}, repeated {outcomes.count('repeated')}, "
          f"refused {outcomes.count('refused')}) in {t_conc:.2f} s")
    print(f"   baseline: the same 200 attempts one by one: {t_seq:.2f} s")
    day = datetime.date(2026, 11, 27)
    prepare_reconciliation(day)
    run, t_rec, t_base = bench_reconcile(day, actor)
    print(f"3. reconciliation of {run.counts['payments']} paid bills: {t_rec:.2f} s "
          f"(files {sum(f['rows'] for f in run.files.values())} rows, mismatches {run.counts['mismatches']})")
    print(f"   baseline: one join counting payments against provider records: {t_base:.2f} s")
    print(f"load after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
