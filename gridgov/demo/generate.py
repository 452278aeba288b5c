"""`generate(scale, seed, progress)`: the whole demo district, from an empty database.

Order: plan (geometry, roads, buildings, grids — no database) → divisions and shapes →
registry buildings → demo accounts → the apps' own demo modules (registry people and
entities, cases, party), each guarded so a missing module is skipped.
"""

from __future__ import annotations

import time

from . import load
from .accounts import ensure_demo_accounts
from .plan import build_plan


def generate(*, scale="small", seed=2026, progress=None, app_demos=True):
    """Build and load the demo district; returns the plan summary plus timings."""
    progress = progress or (lambda msg: None)
    t0 = time.perf_counter()
    plan = build_plan(scale, seed, progress)
    summary = plan.summary()
    t_plan = time.perf_counter() - t0
    progress(f"规划完成：{summary['grids']} 个网格，{summary['households']} 户，"
             f"{summary['buildings']} 栋楼（{t_plan:.1f} 秒）")
    by_code = load.load_divisions(plan, progress)
    load.load_roads(plan, by_code, progress)
    summary["building_rows"] = load.load_buildings(plan, by_code, seed, progress)
    ensure_demo_accounts(progress)
    load.record_audit(plan, summary)
    t_load = time.perf_counter() - t0 - t_plan
    summary["failed_apps"] = []
    summary["apps"] = load.run_app_demos(scale, seed, progress, failures=summary["failed_apps"]) if app_demos else []
    summary["seconds"] = {
        "plan": round(t_plan, 1), "load": round(t_load, 1),
        "apps": round(time.perf_counter() - t0 - t_plan - t_load, 1), "total": round(time.perf_counter() - t0, 1),
    }
    progress(f"完成，用时 {summary['seconds']['total']} 秒")
    return summary
