"""Benchmark: the demo load (`manage.py demo --scale …`) on a fresh database, per phase (not a test).

    .venv/bin/python bench/demo/run.py [--scale district] [--seed 2026] [--db sqlite|postgresql]

The load runs in a child process of its own (bench/pages/_load.py: time, CPU and peak memory per
phase, the phases being the generator's own: plan, divisions and accounts, then every app's demo
step) into a throw-away database: a temporary var dir for SQLite, database `bench_demo_<pid>` on
the server of `BENCH_PG_URL` (default postgres://postgres@127.0.0.1:5432/) for PostgreSQL.

Baseline, measured in the same run: the machine is shared, so a wall time says as much about the
other users as about the load. Before and after the load the bench times a fixed calibration
workload (Python row building and 100k SQLite row inserts into an indexed table, one core) and
prints it beside the figures with the load average: `share` is the calibration's CPU time over its
wall time — the part of a core this process got — so `wall × share` approximates the figure on an
idle machine. CPU seconds are the load's own and barely depend on the other users.

Targets (issue 17): < 180 s on SQLite, < 120 s on PostgreSQL, peak < 1 GB.
"""

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOADER = ROOT / "bench" / "pages" / "_load.py"
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/")
TARGETS = {"sqlite": 180, "postgresql": 120}
PEAK_TARGET_MB = 1000


def calibrate():
    """(wall s, CPU s) of a fixed workload shaped like the demo's: Python row building and bulk inserts."""
    t0, c0 = time.perf_counter(), time.process_time()
    rng = random.Random(1)
    rows = [(i, f"名{rng.randrange(10**6)}", rng.random(), f"2026-01-{1 + i % 28:02d} 08:00:00") for i in range(100_000)]
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, x REAL, at TEXT)")
    conn.execute("CREATE INDEX t_name ON t (name)")
    conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", rows)
    conn.commit()
    conn.close()
    return time.perf_counter() - t0, time.process_time() - c0


def _pg_admin():
    import psycopg

    return psycopg.connect(PG_SERVER.rstrip("/") + "/postgres", autocommit=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="district")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--db", default="sqlite", choices=["sqlite", "postgresql"])
    args = ap.parse_args(argv)

    var = tempfile.mkdtemp(prefix="gridgov-bench-demo-")
    env = dict(os.environ, GRIDGOV_VAR_DIR=var, DJANGO_SETTINGS_MODULE="gridgov.settings", LOG_LEVEL="WARNING")
    env.pop("DATABASE_URL", None)
    pg_name = f"bench_demo_{os.getpid()}"
    if args.db == "postgresql":
        with _pg_admin() as conn:
            conn.execute(f'CREATE DATABASE "{pg_name}"')
        env["DATABASE_URL"] = PG_SERVER.rstrip("/") + "/" + pg_name
    before = calibrate(), os.getloadavg()[0]
    out = Path(var) / "report.json"
    try:
        rc = subprocess.call([sys.executable, str(LOADER), "--scale", args.scale, "--seed", str(args.seed),
                              "--out", str(out)], env=env)
        report = json.loads(out.read_text()) if out.exists() else {}
    finally:
        if args.db == "postgresql":
            with _pg_admin() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        import shutil

        shutil.rmtree(var, ignore_errors=True)
    after = calibrate(), os.getloadavg()[0]
    if not report:
        print(f"the load failed (exit {rc})")
        return 1
    wall = before[0][0] + after[0][0]
    speed = (before[0][1] + after[0][1]) / wall
    print(f"\nbaseline (same run): calibration {before[0][0]:.2f} s wall / {before[0][1]:.2f} s CPU before "
          f"(load average {before[1]:.1f}), {after[0][0]:.2f} / {after[0][1]:.2f} s after (load average "
          f"{after[1]:.1f}) → share of a core {speed:.2f}")
    print(f"\n{args.db}, scale {args.scale}, seed {args.seed}\n")
    print("| phase | wall s | CPU s | peak MB | wall × share |\n|---|---:|---:|---:|---:|")
    for p in report["phases"]:
        print(f"| {p['phase']} | {p['seconds']:.1f} | {p['cpu_seconds']:.1f} | {p['peak_mb']} | {p['seconds'] * speed:.1f} |")
    total = report["seconds"]
    print(f"| **total** | **{total:.1f}** | **{report['cpu_seconds']:.1f}** | **{report['peak_mb']}** | "
          f"**{total * speed:.1f}** |")
    if report.get("children_peak_mb"):
        print(f"\nhelper processes (plan workers, demo.child): CPU {report['children_cpu_seconds']:.1f} s, largest "
              f"{report['children_peak_mb']} MB; load process and largest helper together "
              f"{report['peak_mb'] + report['children_peak_mb']} MB")
    target = TARGETS[args.db]
    print(f"\ntarget < {target} s: wall {'met' if total < target else 'NOT met'}, "
          f"wall × share {'met' if total * speed < target else 'NOT met'}, CPU "
          f"{'met' if report['cpu_seconds'] < target else 'NOT met'}; peak < {PEAK_TARGET_MB} MB: "
          f"{'met' if report['peak_mb'] + report.get('children_peak_mb', 0) < PEAK_TARGET_MB else 'NOT met'}")
    if report.get("file_mb"):
        print(f"database file {report['file_mb']} MB")
    if report.get("failed"):
        print(f"failed steps: {report['failed']}")
    print(json.dumps({"db": args.db, "scale": args.scale, "baseline": {"before_s": [round(x, 2) for x in before[0]],
                      "after_s": [round(x, 2) for x in after[0]], "load_before": before[1],
                      "load_after": after[1], "share": round(speed, 2)}, **report}, ensure_ascii=False))
    return 1 if report.get("failed") else 0


if __name__ == "__main__":
    sys.exit(main())
