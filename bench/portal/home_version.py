"""The community home's per-request version read (issue 16 figure: home p95 < 30 ms), the ORM
query it replaced (baseline) beside the written-out statement, in one process, alternating
blocks so both see the same machine load. Wall and CPU time per call, and the whole cached
home request through Django's test client (middleware included) beside /healthz.

    nice .venv/bin/python bench/portal/home_version.py [--n 3000]

Uses the bench/portal database (BENCH_PORTAL_DATABASE_URL); run bench/portal/run.py once first
to fill it."""

import argparse
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "cases"))

from common import load_average, percentile, setup_django  # noqa: E402


def orm_version(code):
    """The previous implementation (community row with two annotated Max subqueries)."""
    from django.db.models import Max, OuterRef, Subquery

    from gridgov.divisions.models import Division
    from gridgov.portal.models import Post, Session

    newest_post = Post.objects.filter(division_code=OuterRef("code")).order_by().values("division_code").annotate(
        v=Max("updated_at")).values("v")
    newest_session = Session.objects.filter(division_code=OuterRef("code")).order_by().values(
        "division_code").annotate(v=Max("created_at")).values("v")
    return (Division.objects.select_related("parent").filter(code=code, level=3, is_active=True)
            .annotate(post_v=Subquery(newest_post), session_v=Subquery(newest_session)).first())


def timed(func, arg, n):
    wall, cpu = [], []
    for _ in range(n):
        w, c = time.perf_counter(), time.process_time()
        func(arg)
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - w) * 1000)
    return wall, cpu


def line(label, wall, cpu):
    return (f"{label:<28} wall p50 {percentile(wall, 50):6.2f} ms  p95 {percentile(wall, 95):6.2f} ms   "
            f"CPU mean {statistics.mean(cpu):5.2f} ms  (n={len(wall)})")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=3000)
    args = parser.parse_args()
    os.environ.setdefault("DEBUG", "0")
    setup_django(os.environ.get("BENCH_PORTAL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_portal_main"))
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from gridgov.divisions.models import Division
    from gridgov.portal.homecache import home_version

    code = Division.objects.filter(level=3).order_by("code").values_list("code", flat=True).first()
    client = Client(HTTP_HOST="127.0.0.1")
    home = f"/c/{code}/"
    for _ in range(20):
        client.get(home), orm_version(code), home_version(code)
    with CaptureQueriesContext(connection) as q:
        assert client.get(home).status_code == 200
    print(f"PostgreSQL，社区 {code}；{load_average()}；缓存命中的首页请求 {len(q)} 条查询")
    res = {k: ([], []) for k in ("orm", "sql", "home", "healthz")}
    funcs = {"orm": (orm_version, code), "sql": (home_version, code),
             "home": (client.get, home), "healthz": (client.get, "/healthz")}
    for _ in range(args.n // 100):  # alternate blocks: both sides see the same load
        for k, (f, a) in funcs.items():
            w, c = timed(f, a, 100)
            res[k][0].extend(w)
            res[k][1].extend(c)
    print(line("基线：原 ORM 版本查询", *res["orm"]))
    print(line("现：手写 SQL 版本查询", *res["sql"]))
    print(line("基线：/healthz（整请求）", *res["healthz"]))
    print(line("社区首页，缓存命中（整请求）", *res["home"]))
    print(f"结束时{load_average()}")


if __name__ == "__main__":
    main()
