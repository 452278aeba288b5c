"""Dynamic adjustment (动态调整): repair, split, merge and redraw existing grids.

The previous grids are laid over the current buildings, streets and boundaries
(:mod:`.previous`).  An area whose grids are all still valid is kept exactly as it was, with no
graph built.  Elsewhere the face graph is rebuilt, each piece is put into the previous grid of
its buildings (by location for empty land and new buildings), and as little as possible is
changed: broken grids (out of range, no longer contiguous, or new land) are fixed with
contiguity-preserving boundary moves, first between blocks, then between buildings; only when
moves cannot fix a grid is it re-split together with its neighbours.  Surviving grids keep
their codes; new grids get the next free number in their area.  Areas run in worker processes
when that is worth it (:mod:`.parallel`); the result does not depend on it.
"""

from __future__ import annotations

import time

import numpy as np

from . import certify
from .assemble import Plan, finalize, shape_plans
from .balance import components, fallback_split, rebalance, refine_streets, split_region
from .engine import _enclosed, _impossible, plan_area, plan_component
from .errors import PartitionError
from .fixup import fix_out_of_range
from .fixup import recode as _recode
from .parallel import map_areas
from .params import PartitionParams, PartitionResult
from .previous import Current
from .refine import carve_grid, restore_homes, shift_chains


def _attach_orphans(R, label, parts):
    """Give every unlabelled node to its lightest labelled neighbour, growing inwards."""
    n = R.g.n
    w = R.w
    wsum = {c: sum(w[v] for v in ns) for c, ns in parts.items()}
    pending = [v for v in range(n) if v not in label]
    while pending:
        left = []
        for v in pending:
            opts = {label[u] for u, _ in R.cost[v] if u in label}
            if not opts:
                left.append(v)
                continue
            c = min(opts, key=lambda c: (wsum[c], c))
            label[v] = c
            parts[c].add(v)
            wsum[c] += w[v]
        if len(left) == len(pending):
            return left  # isolated from every grid
        pending = left
    return []


def _fix_contiguity(R, label, parts):
    """Keep each grid's heaviest connected piece; the rest become orphans."""
    for c in list(parts):
        comps = components(list(parts[c]), R.cost)
        if len(comps) <= 1:
            continue
        comps.sort(key=lambda ns: (sum(R.w[v] for v in ns), len(ns)), reverse=True)
        for comp in comps[1:]:
            for v in comp:
                del label[v]
                parts[c].discard(v)


def _plans_for_area(ws, a, label, parts, params):
    R = ws.regions[a]
    plans = []
    comps = components(list(range(R.g.n)), R.cost)
    comp_of = {v: i for i, cm in enumerate(comps) for v in cm}
    for c, ns in parts.items():
        if not ns:
            continue
        W = sum(R.w[v] for v in ns)
        cert = None
        if not (params.min_households <= W <= params.max_households):
            comp = comps[comp_of[next(iter(ns))]]
            H = sum(R.w[v] for v in comp)
            _, feasible = params.grid_count(H)
            if H < params.min_households:
                cert = (
                    certify.area_below_min(R.g.code, H, params.min_households)
                    if len(comps) == 1
                    else certify.component_below_min(R.g.code, H, params.min_households, len(comps))
                )
            elif not feasible:
                cert = certify.no_integer_count(R.g.code, H, params.min_households, params.max_households)
            else:
                over = [R.g.atomic_over[v] for v in ns if v in R.g.atomic_over]
                if over and W > params.max_households:
                    m = over[0]
                    cert = certify.unit_over_max(
                        R.g.building_ids[m.building], m.units, m.households, params.max_households
                    )
                else:
                    atoms = [R.w[v] for v in comp if R.w[v] > params.max_households / 2]
                    cert = (
                        certify.large_buildings(
                            R.g.code, H, atoms, params.min_households, params.max_households
                        )
                        or _enclosed(R, ns, R.g.code, params.min_households, params.max_households)
                        or _impossible(R, comp, R.g.code, params.min_households, params.max_households)
                        or certify.heuristic_miss(R.g.code, W, params.min_households, params.max_households)
                    )
        code = c if not c.startswith("__new") else None
        plans.append(Plan(area=a, nodes=sorted(ns), certificate=cert, code=code))
    return plans


def _settle(R, cur, a):
    label = dict(cur.labels[a])
    parts = cur.parts(a)
    _fix_contiguity(R, label, parts)
    isolated = _attach_orphans(R, label, parts)
    for comp in components(isolated, R.cost) if isolated else []:
        c = f"__new_iso{comp[0]}"
        parts[c] = set(comp)
        for v in comp:
            label[v] = c
    rebalance(R, label, parts)
    return label, parts


def _bad(R, parts, params):
    lo, hi = params.min_households, params.max_households
    bad = [c for c, ns in parts.items() if ns and not lo <= sum(R.w[v] for v in ns) <= hi]
    return [c for c in bad if _fixable(R, parts[c], params)]


def _repair_area(ws, cur, a, params):
    """Boundary moves at block level first; where a grid is still broken, the same on finer
    graphs (blocks cut into building pieces, so single buildings move); then re-splits of the
    broken grids with their neighbours, up to the whole connected part."""
    if not cur.labels[a]:  # a new area: draw it from scratch
        return plan_area(ws, a)
    lo, hi = params.min_households, params.max_households
    R = ws.regions[a]
    label, parts = _settle(R, cur, a)
    bad = _bad(R, parts, params)
    if bad and not ws.fine[a]:
        # building level where it matters: the blocks of the broken grids and their neighbours
        near = set(bad) | {label[u] for c in bad for v in parts[c] for u, _ in R.cost[v] if u in label}
        mask = np.zeros(R.g.n_faces, dtype=bool)
        mask[[int(R.g.face[v]) for c in sorted(near) for v in parts[c]]] = True
        cur.prepare(a, None, also_split=mask)
        R = ws.regions[a]
        label, parts = _settle(R, cur, a)
        bad = _bad(R, parts, params)
        if bad and ws.divisible(a):
            # refined land: single staircases move instead of whole buildings
            cur.prepare(a, None, also_split=mask, divide=True)
            R = ws.regions[a]
            label, parts = _settle(R, cur, a)
            bad = _bad(R, parts, params)
    if bad:
        # pass households along a chain of grids to the nearest one with room
        fixed = {c for c, ns in parts.items() if ns and not lo <= sum(R.w[v] for v in ns) <= hi} - set(bad)
        for c in shift_chains(R, label, parts, bad, fixed):
            carve_grid(R, label, parts, c, fixed)
        bad = _bad(R, parts, params)
    if bad:
        # a re-split moves more households than boundary moves: only where moves failed
        fixed = {c for c, ns in parts.items() if ns and not lo <= sum(R.w[v] for v in ns) <= hi} - set(bad)
        still = fix_out_of_range(R, label, parts, params, fixed, wide=True)
        if still:
            _replan_parts(R, label, parts, still, params)
    if ws.fine[a] or R.g.n > R.g.n_faces:
        # building-level moves leave blocks cut; pull the pieces back together where bounds allow
        refine_streets(R, label, parts, rounds=2)
    # households that the fixes above took out of their grid go back where that costs no street
    restore_homes(R, label, parts, cur.labels[a])
    return _plans_for_area(ws, a, label, parts, params)


def _replan_parts(R, label, parts, bad, params):
    """Last resort: draw each connected part holding a still-broken grid afresh, as
    ``partition`` would (its whole search, fallback and repair), and keep the old codes by
    shared households — only if that leaves fewer grids out of range without a proof."""
    lo, hi = params.min_households, params.max_households
    comps = components(list(range(R.g.n)), R.cost)
    comp_of = {v: i for i, cm in enumerate(comps) for v in cm}
    done = set()
    for c in bad:
        if c not in parts or not parts[c]:
            continue
        i = comp_of[min(parts[c])]
        if i in done:
            continue
        done.add(i)
        comp = comps[i]
        region = sorted({label[v] for v in comp if v in label})
        before = [c2 for c2 in region if not lo <= sum(R.w[v] for v in parts[c2]) <= hi]
        plans = plan_component(R, comp, R.g.code, len(comps), params)
        misses = sum(1 for _, cert in plans if cert is not None and cert.get("reason") not in certify.INPUT_CHECKABLE)
        out = [ns for ns, _ in plans if not lo <= sum(R.w[v] for v in ns) <= hi]
        if misses < len(before) and len(out) < len(before):
            _recode(label, parts, region, [sorted(ns) for ns, _ in plans], R)


def _fixable(R, ns, params):
    """False when the grid is provably out of range (then no re-split is attempted)."""
    lo, hi = params.min_households, params.max_households
    v0 = next(iter(ns))
    # the parts and their proofs depend on the graph only: computed once per region (repair
    # asks again after every step, and for every broken grid of a part)
    memo = R.__dict__.setdefault("_fixable_memo", {})
    if "comps" not in memo:
        memo["comps"] = components(list(range(R.g.n)), R.cost)
    for i, cm in enumerate(memo["comps"]):
        if v0 in cm:
            H = sum(R.w[v] for v in cm)
            _, feasible = params.grid_count(H)
            if not feasible or any(v in R.g.atomic_over for v in ns):
                return False
            atoms = [R.w[v] for v in cm if R.w[v] > hi / 2]
            if certify.large_buildings("", H, atoms, lo, hi):
                return False
            W = sum(R.w[v] for v in ns)
            if W < lo and certify.enclosed_piece(R, ns, lo, hi) is not None:
                return False
            if (i, lo, hi) not in memo:
                memo[(i, lo, hi)] = certify.partition_impossible(R, cm, lo, hi)
            return not memo[(i, lo, hi)]
    return False


def _moved(cur, ws, plans):
    """Households and buildings whose grid changed (new buildings are not 'moved')."""
    ids = ws.inp.buildings.ids
    hh = ws.inp.buildings.households
    units = ws.inp.buildings.units
    new = {}
    for p in plans:
        bidx, uidx = p.extra["members"]
        for b in bidx:
            if b in uidx:
                d = new.setdefault(b, {})
                d.update({u: p.code for u in uidx[b]})
            else:
                new[b] = p.code
    moved_h = moved_b = 0
    for b, nc in new.items():
        oc = cur.old_members.get(str(ids[b]))
        if oc is None:
            continue
        if isinstance(nc, str) and isinstance(oc, str):
            if nc != oc:
                moved_h += int(hh[b])
                moved_b += 1
            continue
        us = units[b] or [int(hh[b])]
        changed = 0
        for u, uh in enumerate(us):
            a_ = nc if isinstance(nc, str) else nc.get(u)
            o_ = oc if isinstance(oc, str) else oc.get(u)
            if a_ != o_:
                changed += uh
        moved_h += changed
        moved_b += changed > 0
    return moved_h, moved_b


def _result(cur, plans, t0, op):
    ws = cur.ws
    res = finalize(ws, plans, t0)
    new_codes = {f["properties"]["code"] for f in res.grids["features"]}
    old_codes = set(cur.codes)
    moved_h, moved_b = _moved(cur, ws, plans)
    total = int(ws.inp.buildings.households.sum())
    res.report.update(
        {
            "operation": op,
            "moved_households": moved_h,
            "moved_household_share": round(moved_h / total, 4) if total else 0.0,
            "moved_buildings": moved_b,
            "kept_codes": sorted(new_codes & old_codes),
            "new_codes": sorted(new_codes - old_codes),
            "removed_codes": sorted(old_codes - new_codes),
            "kept_areas": sum(g is None for g in ws.graphs),
        }
    )
    res.report["runtime_s"] = round(time.perf_counter() - t0, 3)
    return res


def _run(cur, work, areas=None):
    """Run ``work(cur, a)`` for every area (in worker processes when worth it) and collect plans.

    ``work`` returns plans whose polygons are already drawn; the area's graph (or, for an area
    kept as it was, its geometric report figures) comes back with them."""
    ws = cur.ws

    def task(cur, a):
        kept = cur.kept_plans(a) if areas is None or a not in areas else None
        if kept is not None:
            return None, False, kept, cur.kept_stats(a, kept)
        plans = work(cur, a)
        shape_plans(cur.ws, plans)
        return cur.ws.export_graph(a), cur.ws.fine[a], plans, None

    done = map_areas(task, cur, range(len(ws.bidx)), workers=ws.workers(), weights=ws.weights())
    plans = []
    for a, (g, fine, ps, stats) in enumerate(done):
        if g is not None:
            ws.set_graph(a, g, fine)
        else:
            ws.area_stats[a] = stats
        plans.extend(ps)
    return plans


def _repair_task(cur, a):
    cur.prepare(a)
    return _repair_area(cur.ws, cur, a, cur.ws.params)


def repair(
    previous_grids, buildings, streets, boundaries, params: PartitionParams | None = None
) -> PartitionResult:
    """Re-balance ``previous_grids`` for changed inputs, keeping codes and moving few households.

    Areas whose previous grids are all still valid are kept exactly as they were (no graph is
    built for them); the others are rebuilt and repaired, in worker processes when worth it."""
    t0 = time.perf_counter()
    params = params or PartitionParams()
    cur = Current(previous_grids, buildings, streets, boundaries, params)
    return _result(cur, _run(cur, _repair_task), t0, "repair")


def _keep(cur, a):
    """The previous grids of area ``a`` on the fresh graph, only made contiguous."""
    cur.prepare(a)
    params = cur.ws.params
    label, parts = dict(cur.labels[a]), cur.parts(a)
    if not parts:
        return plan_area(cur.ws, a)
    R = cur.ws.regions[a]
    _fix_contiguity(R, label, parts)
    for comp in components(_attach_orphans(R, label, parts), R.cost):
        parts[f"__new_iso{comp[0]}"] = set(comp)
    return _plans_for_area(cur.ws, a, label, parts, params)


def _edit_one(cur, a, edit, op, t0):
    """Apply ``edit(R, label, parts)`` to area ``a``; every other area is kept."""

    def work(cur, b):
        if b != a:
            return _keep(cur, b)
        cur.prepare(a)
        R = cur.ws.regions[a]
        label, parts = dict(cur.labels[a]), cur.parts(a)
        edit(R, label, parts)
        return _plans_for_area(cur.ws, a, label, parts, cur.ws.params)

    return _result(cur, _run(cur, work, areas={a}), t0, op)


def split_grid(
    grids, code, buildings, streets, boundaries, params: PartitionParams | None = None
) -> PartitionResult:
    """Split grid ``code`` in two; one half keeps the code, the other gets the next number."""
    t0 = time.perf_counter()
    params = params or PartitionParams()
    cur = Current(grids, buildings, streets, boundaries, params)
    code = str(code)
    a = cur.area_of_code(code)

    def edit(R, label, parts):
        if code not in parts:
            raise PartitionError(
                f"网格 {code} 不存在或不含任何地块", feature=f"网格 {code}", reason="unknown_grid"
            )
        halves = split_region(R, sorted(parts[code]), 2, [80])
        if halves is None:
            halves = fallback_split(R, sorted(parts[code]), 2)
        if not halves or len(halves) < 2:
            raise PartitionError(
                f"网格 {code} 无法拆分为两个连片网格", feature=f"网格 {code}", reason="cannot_split"
            )
        _recode(label, parts, [code], halves, R)

    return _edit_one(cur, a, edit, "split", t0)


def merge_grids(
    grids, code_a, code_b, buildings, streets, boundaries, params: PartitionParams | None = None
) -> PartitionResult:
    """Merge two adjacent grids of one area; the merged grid keeps the smaller code."""
    t0 = time.perf_counter()
    params = params or PartitionParams()
    cur = Current(grids, buildings, streets, boundaries, params)
    code_a, code_b = sorted([str(code_a), str(code_b)])
    a, b_ = cur.area_of_code(code_a), cur.area_of_code(code_b)
    if a != b_:
        raise PartitionError(
            f"网格 {code_a} 与 {code_b} 不在同一区域，不能合并",
            feature=f"网格 {code_b}",
            reason="different_areas",
        )

    def edit(R, label, parts):
        if code_a not in parts or code_b not in parts:
            raise PartitionError(
                f"网格 {code_a} 或 {code_b} 不含任何地块", feature=f"网格 {code_b}", reason="unknown_grid"
            )
        if not any(label.get(u) == code_b for v in parts[code_a] for u, _ in R.cost[v]):
            raise PartitionError(
                f"网格 {code_a} 与 {code_b} 不相邻，合并后不连片",
                feature=f"网格 {code_b}",
                reason="not_adjacent",
            )
        for v in parts.pop(code_b):
            label[v] = code_a
            parts[code_a].add(v)

    return _edit_one(cur, a, edit, "merge", t0)


def redraw_area(
    grids, area_code, buildings, streets, boundaries, params: PartitionParams | None = None
) -> PartitionResult:
    """Draw the grids of one area afresh (new numbering there); other areas are kept as they are."""
    t0 = time.perf_counter()
    params = params or PartitionParams()
    cur = Current(grids, buildings, streets, boundaries, params)
    a = cur.area_index(area_code)

    def work(cur, b):
        if b != a:
            return _keep(cur, b)
        cur.ws.build(a)
        return plan_area(cur.ws, a)

    return _result(cur, _run(cur, work, areas={a}), t0, "redraw")
