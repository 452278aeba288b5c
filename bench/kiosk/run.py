"""Kiosk pages, server time (p50/p95 over N requests each, in-process through the Django test
client, after a warm-up), beside a baseline measured in the same run: the enrolment page (the
display shell and a form, no database work).

Data: the demo policy library plus --policies synthetic documents published over the district,
two terminals, --accounts utility accounts with a bill each.

    nice .venv/bin/python bench/kiosk/run.py [--db postgres://postgres@127.0.0.1:5432/bench_kiosk_main]
        [--policies 2000] [--accounts 20000] [-n 200]

The database is dropped and re-created. Note `uptime` beside the figures (shared machine).
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import _common  # noqa: E402

PG = "postgres://postgres@127.0.0.1:5432/bench_kiosk_main"
TARGET_MS = 50


def load(n_policies, n_accounts):
    from django.db import transaction

    from gridgov.core import clock
    from gridgov.divisions.models import Division
    from gridgov.kiosk import actions, demo
    from gridgov.kiosk.choices import PolicyCategory, PolicyStatus
    from gridgov.kiosk.demo_policies import POLICIES
    from gridgov.kiosk.models import PolicyDocument
    from gridgov.utilities.models import Bill, Utility, UtilityAccount

    d = Division.objects.create(code="430702000000", name="武陵区", level=1)
    s = Division.objects.create(code="430702004000", name="丹阳街道", level=2, parent=d)
    c = Division.objects.create(code="430702004001", name="丹阳社区", level=3, parent=s)
    g = Division.objects.create(code="430702004001001", name="第一网格", level=4, parent=c)
    summary = demo.generate(seed=1)
    rng = random.Random(2026)
    cats = PolicyCategory.values
    now = clock.now()
    rows = []
    for i in range(n_policies):
        cat, title, number, issuer, issued, summary_text, paragraphs = POLICIES[i % len(POLICIES)]
        p = PolicyDocument(
            division_code=rng.choice([d.code, s.code, c.code]), title=f"{title}（第{i}号补充）", doc_number=number,
            issuer=issuer, issued_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randint(0, 2400)),
            category=rng.choice(cats), summary=summary_text, body="".join(f"<p>{t}</p>" for t in paragraphs * 3),
            status=PolicyStatus.PUBLISHED, published_at=now, updated_at=now)
        actions.policies._index(p)
        rows.append(p)
    PolicyDocument.objects.bulk_create(rows, batch_size=2000)
    water = Utility.objects.create(code="water", name="自来水公司", kind="water")
    with transaction.atomic():
        accs = UtilityAccount.objects.bulk_create([UtilityAccount(
            utility=water, account_no=f"W{i:08d}", grid=g, division_code=g.code, holder_name="张三丰", address="x")
            for i in range(n_accounts)], batch_size=5000)
        Bill.objects.bulk_create([Bill(account=a, utility=water, division_code=g.code, period="2026-10",
                                       amount_fen=rng.randint(1000, 30000), due_date=datetime.date(2026, 11, 25),
                                       status="unpaid", imported_at=now, address="x") for a in accs], batch_size=5000)
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return summary["enrol"][0].split("#k=", 1)[1]


def measure(client, url, n):
    for _ in range(10):
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
    times = []
    for _ in range(n):
        t = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=PG)
    ap.add_argument("--policies", type=int, default=2000)
    ap.add_argument("--accounts", type=int, default=20000)
    ap.add_argument("-n", type=int, default=200)
    args = ap.parse_args()
    _common.setup_django(args.db, fresh=True, platform=True)
    key = load(args.policies, args.accounts)
    from django.test import Client

    from gridgov.kiosk.device import COOKIE
    from gridgov.kiosk.models import PolicyDocument

    client = Client()
    client.cookies[COOKIE] = key
    detail = PolicyDocument.objects.order_by("-pk").values_list("pk", flat=True).first()
    pages = [
        ("baseline: enrolment page (shell + form)", "/kiosk/enrol/"),
        ("home", "/kiosk/"),
        ("policies, all", "/kiosk/policies/"),
        ("policies, category 住房", "/kiosk/policies/?category=housing"),
        ("policies, keyword 养老", "/kiosk/policies/?q=养老"),
        ("policies, pinyin initials gljt", "/kiosk/policies/?q=gljt"),
        ("policy detail", f"/kiosk/policies/{detail}/"),
        ("bills by account number", "/kiosk/bills/?account=W00012345"),
        ("report a problem (form)", "/kiosk/report/"),
        ("identify (form)", "/kiosk/identify/"),
    ]
    print(f"kiosk pages, {PolicyDocument.objects.count()} policies, {args.accounts} accounts, n={args.n} "
          f"(target p95 < {TARGET_MS} ms)")
    print(f"{'page':42} {'p50 ms':>8} {'p95 ms':>8}")
    worst = 0.0
    for label, url in pages:
        p50, p95 = measure(client, url, args.n)
        if not label.startswith("baseline"):
            worst = max(worst, p95)
        print(f"{label:42} {p50:8.1f} {p95:8.1f}")
    print(f"worst kiosk p95: {worst:.1f} ms ({'OK' if worst < TARGET_MS else 'OVER'} the {TARGET_MS} ms target)")
    print("load:", open("/proc/loadavg").read().strip())


if __name__ == "__main__":
    main()
