"""`generate(scale, seed, progress)`: the whole demo district, from an empty database.

Order: plan (geometry, roads, buildings, grids — no database) → divisions, shapes and roads →
demo accounts → the apps' demo steps in their declared order (`DemoStep` in each app's
contributions.py: the registry loads the plan's buildings, then people and entities, cases,
party …). A step that fails is reported and the others still run.
"""

from __future__ import annotations

import gc
import time

from django.db import connection

from . import load
from .accounts import ensure_demo_accounts
from .plan import build_plan


def generate(*, scale="small", seed=2026, progress=None, app_demos=True):
    """Build and load the demo district; returns the plan summary, what each step returned and
    timings. `app_demos=False` loads only the plan (divisions, roads, buildings) and accounts."""
    progress = progress or (lambda msg: None)
    t0 = time.perf_counter()
    plan = build_plan(scale, seed, progress)
    summary = plan.summary()
    t_plan = time.perf_counter() - t0
    progress(f"规划完成：{summary['grids']} 个网格，{summary['households']} 户，"
             f"{summary['buildings']} 栋楼（{t_plan:.1f} 秒）")
    by_code = load.load_divisions(plan, progress)
    load.load_roads(plan, by_code, progress)
    ensure_demo_accounts(progress)
    summary["failed_apps"] = []
    run = dict(plan=plan, scale=scale, seed=seed, progress=progress, failures=summary["failed_apps"])
    summary["steps"] = load.run_steps(load.demo_steps(with_plan=True), **run)  # the plan's own parts
    load.record_audit(plan, summary)
    # the apps' steps read the database, not the plan: let its geometry (~0.5 GB at district
    # scale) go before they run, so their memory adds to the process's base, not to the plan
    plan = run["plan"] = None
    gc.collect()
    t_load = time.perf_counter() - t0 - t_plan
    apps = load.run_steps(load.demo_steps(with_plan=False), **run) if app_demos else {}
    summary["steps"].update(apps)
    if connection.vendor == "postgresql":  # planner statistics for the freshly loaded tables
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    summary["apps"] = list(apps)
    summary["seconds"] = {
        "plan": round(t_plan, 1), "load": round(t_load, 1),
        "apps": round(time.perf_counter() - t0 - t_plan - t_load, 1), "total": round(time.perf_counter() - t0, 1),
    }
    progress(f"完成，用时 {summary['seconds']['total']} 秒")
    return summary
