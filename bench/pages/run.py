"""Page bench: every page of every demo role's menu, plus one detail page of each kind and the public
pages the apps declare (signed out), timed
on the demo district in SQLite and in PostgreSQL (not a test; the CI guard is
gridgov/demo/tests/test_page_queries.py).

    .venv/bin/python bench/pages/run.py [--db sqlite,postgresql] [--scale district] [--repeat 5]
                                        [--reload] [--roles admin,gw001] [--only /party/] [--browser]

The demo is loaded once per database into a cached database (bench/pages/_cache.py) and reused;
the load's time and memory per phase are printed when it happens (and kept beside the cache).
Per page and role it prints server time p50/p95 (in-process Django test client: middleware,
view, templates, SQL; no network), SQL statements and response size, and marks figures over the
issue-17 targets: p95 < 100 ms, home page and map < 50 ms. `--browser` then times the heaviest
page of each app in Chromium (bench/pages/_browser.py).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _cache as cache  # noqa: E402

TARGET_MS = 100
FAST_PAGES = {"/": 50, "/divisions/map/": 50}  # the home page and the map
DB_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def target_of(url):
    return FAST_PAGES.get(url, TARGET_MS)


def ensure_loaded(db, scale, seed, reload, reuse=False):
    """Load the demo into the cached database of `db` unless it is already there."""
    fp = cache.fingerprint(scale, seed)
    stored = cache.stored_fingerprint(db, scale, seed)
    if not reload and stored == fp:
        print(f"[{db}] cached demo database ({fp})", flush=True)
        return cache.last_load_report(db, scale, seed), False
    if reuse and stored:  # a schema change of one's own under way: migrate the cached data instead
        print(f"[{db}] reusing the cached demo database ({stored}), migrated", flush=True)
        subprocess.check_call([sys.executable, str(cache.ROOT / "manage.py"), "migrate", "-v", "0"],
                              env=cache.environment(db, scale, seed))
        return cache.last_load_report(db, scale, seed), False
    print(f"[{db}] loading the {scale} demo (load average {os.getloadavg()[0]:.2f}) …", flush=True)
    cache.reset(db, scale, seed)
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = f.name
    rc = subprocess.call([sys.executable, str(HERE / "_load.py"), "--scale", scale, "--seed", str(seed), "--out", out],
                         env=cache.environment(db, scale, seed))
    report = json.loads(Path(out).read_text()) if Path(out).stat().st_size else {}
    os.unlink(out)
    if rc != 0 or not report:
        raise SystemExit(f"[{db}] the demo load failed (exit {rc}): {report.get('failed')}")
    cache.remember(db, scale, seed, report)
    return report, True


def measure(db, scale, seed, args):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = f.name
    cmd = [sys.executable, str(HERE / "_measure.py"), "--repeat", str(args.repeat), "--out", out]
    if args.roles:
        cmd += ["--roles", args.roles]
    if args.only:
        cmd += ["--only", args.only]
    print(f"[{db}] measuring (load average {os.getloadavg()[0]:.2f}) …", flush=True)
    rc = subprocess.call(cmd, env=cache.environment(db, scale, seed))
    if rc != 0:
        raise SystemExit(f"[{db}] measuring failed (exit {rc})")
    result = json.loads(Path(out).read_text())
    os.unlink(out)
    return result


def print_load(db, report):
    if not report:
        return
    print(f"\n### Demo load on {DB_NAMES[db]}: {report['seconds']} s (CPU {report['cpu_seconds']} s), "
          f"peak {report['peak_mb']} MB, load average {report.get('load_average', 0):.2f}"
          + (f", file {report['file_mb']} MB" if report.get("file_mb") else "")
          + (f"; helper processes CPU {report['children_cpu_seconds']} s, largest {report['children_peak_mb']} MB"
             if report.get("children_peak_mb") else "")
          + (f"; then VACUUM (ANALYZE) {report['vacuum_seconds']} s" if report.get("vacuum_seconds") else ""))
    print("| phase | seconds | CPU s | peak MB |\n|---|---:|---:|---:|")
    for p in report["phases"]:
        print(f"| {p['phase']} | {p['seconds']} | {p['cpu_seconds']} | {p['peak_mb']} |")


def print_table(results):
    """One row per page, one column per role and database: p95 ms · queries · KB."""
    dbs = list(results)
    roles = []
    for res in results.values():
        for r in res["rows"]:
            if r["username"] not in roles:
                roles.append(r["username"])
    pages = []
    for res in results.values():
        for r in res["rows"]:
            if r["page"] not in [p for p, _ in pages]:
                pages.append((r["page"], r.get("label", "")))
    cells = {(db, r["username"], r["page"]): r for db, res in results.items() for r in res["rows"]}
    over = []
    for db in dbs:
        print(f"\n### {DB_NAMES[db]}: server p50 / p95 ms · queries · KB (load average "
              f"{' '.join(f'{x:.2f}' for x in results[db]['load_average'])})")
        print("| page | " + " | ".join(roles) + " |\n|---|" + "---|" * len(roles))
        for url, label in pages:
            line = []
            for u in roles:
                r = cells.get((db, u, url))
                if r is None:
                    line.append("")
                    continue
                if r.get("error") or r["status"] >= 400:
                    line.append(f"**{r['status']}**")
                    over.append((db, u, url, r.get("error") or r["status"]))
                    continue
                flag = "**" if r["p95_ms"] >= target_of(url) else ""
                if flag:
                    slow = r.get("slowest") or {}
                    where = (f" (slowest: CPU {slow['cpu']}, SQL {slow['sql']}, collector {slow['gc']} ms)"
                             if slow else "")
                    over.append((db, u, url, f"p95 {r['p95_ms']} ms ≥ {target_of(url)}{where}"))
                redirect = " →" if r["status"] in (301, 302) else ""
                line.append(f"{flag}{r['p50_ms']:.0f}/{r['p95_ms']:.0f}{flag} · {r['queries']} · "
                            f"{r['bytes'] / 1024:.0f}{redirect}")
            print(f"| `{url}` {label} | " + " | ".join(line) + " |")
    return over


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="sqlite,postgresql")
    ap.add_argument("--scale", default="district")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--reload", action="store_true", help="load the demo again even if cached")
    ap.add_argument("--reuse", action="store_true",
                    help="use a cached database even if the migrations changed (runs migrate on it)")
    ap.add_argument("--load-only", action="store_true", help="load (if needed) and stop")
    ap.add_argument("--roles", default="")
    ap.add_argument("--only", default="")
    ap.add_argument("--browser", action="store_true", help="also time the heaviest page per app in Chromium")
    ap.add_argument("--json", default="", help="write every figure to this file")
    args = ap.parse_args(argv)
    dbs = [d.strip() for d in args.db.split(",") if d.strip()]
    print(f"page bench: {args.scale} demo, seed {args.seed}, databases {', '.join(dbs)}; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    loads, results = {}, {}
    for db in dbs:
        loads[db], _fresh = ensure_loaded(db, args.scale, args.seed, args.reload, args.reuse)
    for db in dbs:
        print_load(db, loads[db])
    if args.load_only:
        return 0
    for db in dbs:
        results[db] = measure(db, args.scale, args.seed, args)
    over = print_table(results)
    browser = None
    if args.browser:
        import _browser as browser_bench

        browser = browser_bench.run(dbs[0], args.scale, args.seed, results[dbs[0]]["rows"])
    print(f"\n{len(over)} figure(s) over target or failing" + (":" if over else "."))
    for db, user, url, why in over:
        print(f"  {DB_NAMES[db]:10s} {user:12s} {url:40s} {why}")
    if args.json:
        Path(args.json).write_text(json.dumps({"loads": loads, "results": results, "browser": browser},
                                              ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
