"""Import N persons from CSV end to end (full validation, bulk writes) and report rows/s.

    .venv/bin/python bench/registry/import_bench.py --rows 1000000            # PostgreSQL + SQLite
    .venv/bin/python bench/registry/import_bench.py --rows 200000 --backend pg

PostgreSQL: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/gridgov_bench_registry; the
database is created and migrated; its person tables are emptied first). Beside the import, the
same CSV is loaded with a bare `COPY` into an unindexed table in the same run, as the floor the
import is compared with. SQLite: a fresh file under /tmp. Each backend runs in its own process.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))


def run_backend(url, rows, reimport):
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
    started, cpu_started = time.perf_counter(), time.process_time()
    report = run_import(PersonImport(actor), path, actor=actor, apply=True)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    assert report.applied and report.ok, report.summary()
    result = {"backend": connection.vendor, "rows": rows, "import_seconds": round(seconds, 1),
              "import_rows_per_s": round(rows / seconds), "python_cpu_seconds": round(cpu, 1),
              "load_average": os.getloadavg()[0], "counts": report.counts}
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
    parser.add_argument("--_url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._url:
        run_backend(args._url, args.rows, args.reimport)
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
                              *(["--reimport"] if args.reimport else [])], capture_output=True, text=True)
        sys.stdout.write(out.stdout)
        sys.stderr.write(out.stderr[-3000:])
        results += [json.loads(line[7:]) for line in out.stdout.splitlines() if line.startswith("RESULT ")]
    print("\n== 汇总 ==")
    for r in results:
        line = f"{r['backend']}: {r['rows']:,} 行，导入 {r['import_rows_per_s']:,} 行/秒"
        if "copy_rows_per_s" in r:
            line += f"；COPY {r['copy_rows_per_s']:,} 行/秒；比值 {r['copy_rows_per_s'] / r['import_rows_per_s']:.1f}×"
        print(line)


if __name__ == "__main__":
    main()
