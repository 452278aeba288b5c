"""Load the demo district into the database the environment points at, reporting time, CPU and
memory per phase (run by `run.py` in a child process of its own, so the memory figures are the
load's alone).

    GRIDGOV_VAR_DIR=… [DATABASE_URL=…] python bench/pages/_load.py --scale district --seed 2026 --out report.json

Phases are the generator's own: the plan (geometry, roads, buildings, grids), the divisions and
accounts, then every app's demo step (the progress lines "— step —").
"""

import argparse
import json
import os
import resource
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


class Sampler(threading.Thread):
    """Samples the process's resident memory every 50 ms; `cut()` returns the peak since the
    previous cut."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak = self.window = rss_mb()
        self.stop = threading.Event()

    def run(self):
        while not self.stop.wait(0.05):
            now = rss_mb()
            self.peak = max(self.peak, now)
            self.window = max(self.window, now)

    def cut(self):
        value, self.window = max(self.window, rss_mb()), rss_mb()
        return value


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", default="district")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from gridgov.demo.generate import generate

    sampler = Sampler()
    sampler.start()
    t0 = c0 = None
    phases = []
    state = {"name": "migrate", "t": time.perf_counter(), "cpu": time.process_time()}
    t0, c0 = state["t"], state["cpu"]

    def close_phase(next_name):
        t, cpu = time.perf_counter(), time.process_time()
        phases.append({"phase": state["name"], "seconds": round(t - state["t"], 1),
                       "cpu_seconds": round(cpu - state["cpu"], 1), "peak_mb": round(sampler.cut())})
        state.update(name=next_name, t=t, cpu=cpu)

    def progress(msg):
        print(f"{time.perf_counter() - t0:8.1f}s {rss_mb():6.0f} MB  {msg}", flush=True)
        if msg.startswith("— ") and msg.endswith(" —"):
            close_phase(msg.strip("— ").strip())
        elif msg.startswith("规划完成"):
            close_phase("divisions, roads, accounts")

    call_command("migrate", verbosity=0)
    call_command("setup_platform")
    close_phase("plan")
    summary = generate(scale=args.scale, seed=args.seed, progress=progress)
    close_phase("end")
    sampler.stop.set()
    report = {
        "database": connection.vendor, "scale": args.scale, "seed": args.seed,
        "seconds": round(time.perf_counter() - t0, 1), "cpu_seconds": round(time.process_time() - c0, 1),
        "peak_mb": round(max(sampler.peak, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)),
        "phases": phases[:-1] if phases and phases[-1]["phase"] == "end" else phases,
        "failed": summary.get("failed_apps", []), "load_average": os.getloadavg()[0],
    }
    # helper processes (the plan's street workers, a step's database-free part: demo.child)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    report["children_cpu_seconds"] = round(children.ru_utime + children.ru_stime, 1)
    report["children_peak_mb"] = round(children.ru_maxrss / 1024)
    if connection.vendor == "postgresql":
        # what autovacuum does to a live database soon after a load of this size (the bench's
        # server runs with autovacuum off): without a visibility map no count or list is
        # answered from an index alone (a department's capped case count read 1,371 heap pages,
        # 16–26 ms, instead of 14 index pages, 1.4 ms). Outside the load's figures.
        t = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute("VACUUM (ANALYZE)")
        report["vacuum_seconds"] = round(time.perf_counter() - t, 1)
    if connection.vendor == "sqlite":
        report["file_mb"] = round(Path(connection.settings_dict["NAME"]).stat().st_size / 1e6)
    Path(args.out).write_text(json.dumps(report, ensure_ascii=False))
    return 1 if report["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
