"""Import N persons from CSV end to end (full validation, bulk writes) and report rows/s.

    .venv/bin/python bench/registry/import_bench.py --rows 1000000            # PostgreSQL + SQLite
    .venv/bin/python bench/registry/import_bench.py --rows 200000 --backend pg

PostgreSQL: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/gridgov_bench_registry; the
database is created and migrated; its person tables are emptied first). Beside the import, the
same CSV is loaded with a bare `COPY` into an unindexed table in the same run, as the floor the
import is compared with. SQLite: a fresh file under /tmp. Each backend runs in its own process.
"""

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))


def run_backend(url, rows, reimport, profile=False):
    import common

    common.setup_django(url)
    from django.db import connection

    from gridgov.core.importing import run_import
    from gridgov.registry.importers import PersonImport
    from gridgov.registry.models import Household, Person

    log = lambda m: print(f"[{connection.vendor}] {m}", flush=True)  # noqa: E731
    grids = common.ensure_district(log)
    if connection.vendor == "postgresql":  # a clean slate without dead tuples (bench database only)
        with connection.cursor() as cur:
            cur.execute("TRUNCATE registry_person_care_tags, registry_person, registry_household CASCADE")
    else:
        Person.care_tags.through.objects.all().delete()
        Person.objects.all().delete()
        Household.objects.all().delete()
    # after the reset: TRUNCATE … CASCADE also empties tables that reference persons (houses)
    buildings, per_building = common.ensure_places(grids, rows, log)
    path = os.path.join(tempfile.gettempdir(), f"bench_persons_{rows}.csv")
    if not os.path.exists(path):
        common.write_person_csv(path, rows, buildings, per_building)
    log(f"文件：{path}（{os.path.getsize(path) / 1e6:.0f} MB）")
    actor = common.admin()
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    slow_sql = []

    def timed(execute, sql, params, many, context):  # statements (not COPY) over 50 ms
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if (dt := time.perf_counter() - t0) > 0.05:
                slow_sql.append((dt, " ".join(sql.split())[:110]))

    backend_cpu = _backend_cpu_reader(connection)
    server_started = backend_cpu()
    started, cpu_started = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(timed):
        spec = PersonImport(actor)
        report = run_import(spec, path, actor=actor, apply=True)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    server_cpu = backend_cpu() - server_started if server_started is not None else None
    log("阶段（秒）：" + "，".join(f"{k} {v}" for k, v in getattr(spec, "timings", {}).items()))
    log(f"SQL 语句（> 50 ms，不含 COPY）：共 {sum(d for d, _ in slow_sql):.1f} 秒")
    for dt, sql in sorted(slow_sql, reverse=True)[:15]:
        log(f"  {dt:6.2f} s  {sql}")
    if profiler is not None:
        import pstats

        profiler.disable()
        out = os.path.join(tempfile.gettempdir(), f"import_{connection.vendor}_{rows}.prof")
        profiler.dump_stats(out)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        log(f"profile: {out}")
    assert report.applied and report.ok, report.summary()
    result = {"backend": connection.vendor, "rows": rows, "import_seconds": round(seconds, 1),
              "import_rows_per_s": round(rows / seconds), "python_cpu_seconds": round(cpu, 1),
              "server_cpu_seconds": round(server_cpu, 1) if server_cpu is not None else None,
              "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
              "load_average": os.getloadavg()[0], "counts": report.counts}
    if server_cpu is not None:
        log(f"PostgreSQL 会话进程 CPU {server_cpu:.1f} 秒（不含并行建索引的工作进程）")
    log(f"进程内存峰值 {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    log(f"导入 {rows} 行：{seconds:.1f} 秒，{rows / seconds:,.0f} 行/秒，Python CPU {cpu:.1f} 秒，"
        f"负载 {os.getloadavg()[0]:.1f}（{report.summary()}）")
    if reimport:
        started = time.perf_counter()
        again = run_import(PersonImport(actor), path, actor=actor, apply=True)
        result["reimport_seconds"] = round(time.perf_counter() - started, 1)
        result["reimport_counts"] = again.counts
        log(f"重复导入：{result['reimport_seconds']} 秒，{again.counts}")
    if connection.vendor == "postgresql":
        result.update(copy_baseline(path, rows, log))
    print("RESULT " + json.dumps(result, ensure_ascii=False), flush=True)
    return result


def _backend_cpu_reader(connection):
    """A function returning the CPU seconds (user + system) of this connection's PostgreSQL
    backend process so far, read from /proc (server on this machine); None elsewhere."""
    if connection.vendor != "postgresql":
        return lambda: None
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    ticks = os.sysconf("SC_CLK_TCK")

    def read():
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / ticks

    return read


def copy_baseline(path, rows, log):
    """Bare COPY of the same CSV into an unindexed table of text columns."""
    import common
    from django.db import connection

    cols = ", ".join(f"c{i} text" for i in range(len(common.HEADER)))
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_copy_persons")
        cur.execute(f"CREATE TABLE bench_copy_persons ({cols})")
    raw = connection.connection
    started = time.perf_counter()
    with raw.cursor() as cur, open(path, "rb") as fh:
        with cur.copy("COPY bench_copy_persons FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            while data := fh.read(1 << 20):
                copy.write(data)
    raw.commit()
    seconds = time.perf_counter() - started
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_copy_persons")
    log(f"COPY 基线：{seconds:.1f} 秒，{rows / seconds:,.0f} 行/秒")
    return {"copy_seconds": round(seconds, 1), "copy_rows_per_s": round(rows / seconds)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["pg", "sqlite", "both"], default="both")
    parser.add_argument("--reimport", action="store_true", help="also time an unchanged re-import")
    parser.add_argument("--profile", action="store_true", help="cProfile the import (slower) and print the top")
    parser.add_argument("--_url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._url:
        run_backend(args._url, args.rows, args.reimport, args.profile)
        return
    import common

    urls = []
    if args.backend in ("pg", "both"):
        urls.append(os.environ.get("DATABASE_URL") or common.PG_DEFAULT)
    if args.backend in ("sqlite", "both"):
        db = os.path.join(tempfile.gettempdir(), f"bench_registry_{os.getpid()}.sqlite3")
        urls.append(f"sqlite:///{db}")
    results = []
    for url in urls:
        out = subprocess.run([sys.executable, __file__, "--rows", str(args.rows), "--_url", url,
                              *(["--reimport"] if args.reimport else []),
                              *(["--profile"] if args.profile else [])], capture_output=True, text=True)
        sys.stdout.write(out.stdout)
        sys.stderr.write(out.stderr[-3000:])
        results += [json.loads(line[7:]) for line in out.stdout.splitlines() if line.startswith("RESULT ")]
        if url.startswith("sqlite:///"):  # a fresh file per run: do not leave it behind
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(url[len("sqlite:///"):] + suffix)
    print("\n== 汇总 ==")
    for r in results:
        line = f"{r['backend']}: {r['rows']:,} 行，导入 {r['import_rows_per_s']:,} 行/秒"
        if "copy_rows_per_s" in r:
            line += f"；COPY {r['copy_rows_per_s']:,} 行/秒；比值 {r['copy_rows_per_s'] / r['import_rows_per_s']:.1f}×"
        print(line)


if __name__ == "__main__":
    main()
