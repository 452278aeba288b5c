"""Evaluation over 200,000 cases (target < 1 s, every dimension, 365 and 30 days) and the filtered
case list (target p95 < 100 ms) on PostgreSQL.

    .venv/bin/python bench/cases/eval_bench.py [--cases 200000] [--runs 5] [--list-runs 5] [--rebuild]

BENCH_DATABASE_URL picks the database (default postgres://postgres@127.0.0.1:5432/gridgov_bench_cases);
it is created, migrated and filled on the first run (a few minutes), reused afterwards.
`--rebuild` drops and rebuilds every evaluation sum from the events first (timed).

Wall time is what a user waits; CPU is reported for this process (Python: ORM, templates) and
for the PostgreSQL backend serving it, because the machine's cores are shared. The load average
is printed before and after."""

import argparse
import datetime
import statistics
import time

from common import (
    CpuMeter,
    admin_user,
    bench_user,
    ensure_cases,
    ensure_district,
    ensure_grid_workers,
    load_average,
    percentile,
    setup_django,
)


def timed(meter, fn, runs):
    """[(wall, python cpu, db cpu)] of `runs` calls after one warm-up call."""
    fn()
    out = []
    for _ in range(runs):
        with meter:
            fn()
        out.append((meter.wall, meter.python, meter.db))
    return out


def bench_evaluation(meter, users, runs):
    from gridgov.cases.evaluation import DIMENSIONS, evaluate
    from gridgov.core import clock

    end = clock.now()
    worst_all = 0.0
    for who, user in users:
        for days in (365, 30):
            start = end - datetime.timedelta(days=days)
            for dim in DIMENSIONS:
                rows = []
                t = timed(meter, lambda u=user, d=dim, s=start, r=rows: r.append(evaluate(u, dimension=d, start=s,
                                                                                            end=end)), runs)
                walls = [w for w, _, _ in t]
                worst_all = max(worst_all, max(walls))
                print(f"评价 {who} {days:>3} 天 按{DIMENSIONS[dim]:<5} {len(rows[-1][0]):>4} 行  "
                      f"中位 {statistics.median(walls) * 1000:6.1f} ms  最慢 {max(walls) * 1000:6.1f} ms  "
                      f"CPU Python {statistics.mean(c for _, c, _ in t) * 1000:5.1f} ms"
                      f" / 数据库 {statistics.mean(d for _, _, d in t) * 1000:5.1f} ms")
    print(f"评价最慢 {worst_all * 1000:.1f} ms  {'OK' if worst_all < 1.0 else '超出 1 s'}")
    return worst_all < 1.0


def bench_evaluation_page(meter, user, runs):
    """The evaluation page as a browser gets it (rendering included), HTML and XLSX, 365 days."""
    from django.test import Client

    from gridgov.cases.evaluation import DIMENSIONS
    from gridgov.core import clock

    client = Client()
    client.force_login(user)
    end = clock.today()
    worst = 0.0
    for dim in DIMENSIONS:
        line = []
        for fmt in ("html", "xlsx"):
            params = {"by": dim, "from": (end - datetime.timedelta(days=365)).isoformat(), "to": end.isoformat(),
                      **({"format": "xlsx"} if fmt == "xlsx" else {})}
            t = timed(meter, lambda p=params: client.get("/cases/evaluation/", p), runs)
            walls = [w for w, _, _ in t]
            worst = max(worst, max(walls))
            line.append(f"{fmt} 中位 {statistics.median(walls) * 1000:6.1f} ms 最慢 {max(walls) * 1000:6.1f} ms")
        print(f"评价页面 365 天 按{DIMENSIONS[dim]:<5} " + "；".join(line))
    print(f"评价页面最慢 {worst * 1000:.1f} ms  {'OK' if worst < 1.0 else '超出 1 s'}")
    return worst < 1.0


def list_filters(end):
    month_ago = (end - datetime.timedelta(days=30)).date().isoformat()
    return [
        ("默认第一页", {}), ("未结案", {"state": "open"}), ("已结案+街道", {"state": "closed", "grid": "430702003"}),
        ("超期", {"overdue": "1"}), ("渠道+日期", {"channel": "web", "from": month_ago}),
        ("日期范围", {"from": month_ago, "to": end.date().isoformat()}), ("大类", {"category": "1"}),
        ("部门+处置中", {"department": "1", "state": "handling"}), ("关键词", {"q": "井盖"}),
        ("网格", {"grid": "430702005002003"}), ("按时限排序", {"sort": "due", "state": "open"}),
        ("第 50 页", {"page": "50"}),
    ]


def bench_list(meter, users, runs):
    from django.db import connection
    from django.test import Client

    from gridgov.core import clock

    filters = list_filters(clock.now())
    everything = []
    for who, user in users:
        client = Client()
        client.force_login(user)
        times, slowest = [], []
        for label, params in filters:
            queries = []
            with connection.execute_wrapper(lambda execute, sql, *a, q=queries: q.append(sql) or execute(sql, *a)):
                r = client.get("/cases/", params)
            assert r.status_code == 200, r.status_code
            t = timed(meter, lambda c=client, p=params: c.get("/cases/", p), runs)
            times += t
            slowest.append((max(w for w, _, _ in t), label, len(queries)))
        walls = [w for w, _, _ in times]
        everything += walls
        print(f"事件列表 {who}（{len(walls)} 次）：p50 {percentile(walls, 50) * 1000:.1f} ms  "
              f"p95 {percentile(walls, 95) * 1000:.1f} ms  最慢 {max(walls) * 1000:.1f} ms  "
              f"CPU 平均 Python {statistics.mean(c for _, c, _ in times) * 1000:.1f} ms"
              f" / 数据库 {statistics.mean(d for _, _, d in times) * 1000:.1f} ms")
        print("    最慢的筛选：" + "，".join(f"{label} {w * 1000:.0f} ms（{q} 条查询）"
                                        for w, label, q in sorted(slowest, reverse=True)[:4]))
    p95 = percentile(everything, 95) * 1000
    print(f"事件列表合计（{len(everything)} 次）：p50 {percentile(everything, 50) * 1000:.1f} ms  p95 {p95:.1f} ms  "
          f"{'OK' if p95 < 100 else '超出 100 ms'}")
    return p95 < 100


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5, help="evaluation runs per dimension and period")
    parser.add_argument("--list-runs", type=int, default=5, help="case list requests per filter and user")
    parser.add_argument("--rebuild", action="store_true", help="rebuild every evaluation sum first (timed)")
    args = parser.parse_args()
    setup_django()
    ensure_district()
    n = ensure_cases(args.cases)
    ensure_grid_workers()
    from django.db.models import Count

    from gridgov.accounts.choices import RoleCode
    from gridgov.cases import rollup
    from gridgov.cases.models import CaseEvent, CaseStatDay, CaseStatRollup

    started, cpu = time.perf_counter(), time.process_time()
    written = rollup.rebuild() if args.rebuild else rollup.build()
    print(f"汇总{'重建' if args.rebuild else '补建'}：写入 {written} 行，用时 {time.perf_counter() - started:.1f} 秒"
          f"（本进程 CPU {time.process_time() - cpu:.1f} 秒）")
    rollups = dict(CaseStatRollup.objects.values_list("level").annotate(k=Count("id")).order_by("level"))
    print(f"事件 {n} 件，流转记录 {CaseEvent.objects.count()} 条；日统计 {CaseStatDay.objects.count()} 行；"
          f"汇总统计 {CaseStatRollup.objects.count()} 行 {rollups}")
    meter = CpuMeter()
    print(load_average())
    wall, cpu = time.perf_counter(), time.process_time()
    admin = admin_user()
    street = bench_user("bench-street", "压测街道干部", RoleCode.STREET_STAFF, "430702004000")
    leader = bench_user("bench-leader", "压测区领导", RoleCode.LEADER, "430702000000")
    ok = bench_evaluation(meter, [("全区", admin), ("街道", street)], args.runs)
    ok &= bench_evaluation_page(meter, admin, max(args.runs // 2, 1))
    ok &= bench_list(meter, [("全区只读", leader), ("街道干部", street)], args.list_runs)
    print(f"测量用时 {time.perf_counter() - wall:.1f} 秒，本进程 CPU {time.process_time() - cpu:.1f} 秒；{load_average()}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
