"""Benchmark: `gridgov demo --scale district` on a fresh SQLite database (not a test).

    .venv/bin/python bench/demo/run.py [--scale district] [--seed 2026] [--no-apps] [--keep]

Creates a throw-away var dir (GRIDGOV_VAR_DIR), migrates, runs the demo with timings per phase,
then prints row counts of the biggest tables and a JSON summary line.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="district")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--no-apps", action="store_true", help="skip the registry/cases/party demo modules")
    ap.add_argument("--keep", action="store_true", help="keep the database (its path is printed)")
    args = ap.parse_args(argv)

    var = tempfile.mkdtemp(prefix="gridgov-bench-demo-")
    os.environ["GRIDGOV_VAR_DIR"] = var
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.apps import apps
    from django.core.management import call_command

    from gridgov.demo.generate import generate

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("setup_platform")
    t_migrate = time.perf_counter() - t0

    def progress(msg):
        print(f"{time.perf_counter() - t0:8.1f}s  {msg}", flush=True)

    summary = generate(scale=args.scale, seed=args.seed, progress=progress, app_demos=not args.no_apps)
    counts = {}
    for model in apps.get_models():
        if model._meta.app_label in ("registry", "cases", "party", "divisions", "accounts", "services"):
            n = model.objects.count()
            if n:
                counts[model._meta.label] = n
    total_rows = sum(counts.values())
    print("\nrows:")
    for label, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        print(f"  {label:40s} {n:>10,}")
    print(f"  {'total':40s} {total_rows:>10,}")
    db = Path(var) / "gridgov.sqlite3"
    size_mb = db.stat().st_size / 1e6 if db.exists() else 0
    result = {"scale": args.scale, "seed": args.seed, "migrate_s": round(t_migrate, 1), **summary,
              "rows": counts, "total_rows": total_rows, "sqlite_mb": round(size_mb, 1)}
    print(json.dumps(result, ensure_ascii=False))
    if args.keep:
        print(f"database kept: {db}")
    else:
        import shutil

        shutil.rmtree(var, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
