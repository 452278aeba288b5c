"""Dynamic adjustment (动态调整): repair, split, merge and redraw existing grids.

Every operation rebuilds the face graph from the current buildings, streets and boundaries,
puts each piece into the previous grid that contains it (by location), then changes as little
as possible: broken grids (out of range, no longer contiguous, or new land) are fixed with
contiguity-preserving boundary moves; only when moves cannot fix a grid is it re-split
together with its neighbours.  Surviving grids keep their codes; new grids get the next
free number in their area.
"""

from __future__ import annotations

import time

import numpy as np
import shapely

from . import certify
from .assemble import Plan, finalize
from .balance import components, rebalance, refine_streets, split_region
from .engine import FINE_SPLIT, Workspace, plan_area
from .errors import PartitionError
from .inputs import load_collection
from .params import PartitionParams, PartitionResult


class Current:
    """The previous grids laid over a fresh workspace."""

    def __init__(self, grids, buildings, streets, boundaries, params):
        self.ws = Workspace(buildings, streets, boundaries, params)
        fc = load_collection(grids, "网格")
        self.old_members = {}  # building id (str) -> code or {unit: code}
        codes, geoms, areas = [], [], []
        for i, feat in enumerate(fc["features"]):
            props = feat.get("properties") or {}
            code = props.get("code")
            if not code:
                raise PartitionError(
                    f"原网格第 {i + 1} 个要素缺少网格编码 code",
                    feature=f"网格（第 {i + 1} 个）",
                    reason="missing_code",
                )
            code = str(code)
            try:
                geom = shapely.geometry.shape(feat["geometry"])
            except Exception as exc:
                raise PartitionError(
                    f"原网格 {code} 的几何无法解析：{exc}", feature=f"网格 {code}", reason="invalid_geometry"
                ) from exc
            codes.append(code)
            geoms.append(geom)
            areas.append(str(props.get("area_code") or code[:-3]))
            split = {str(k): v for k, v in (props.get("units") or {}).items()}
            for bid in props.get("building_ids") or []:
                if str(bid) in split:
                    d = self.old_members.setdefault(str(bid), {})
                    if isinstance(d, dict):
                        d.update({int(u): code for u in split[str(bid)]})
                else:
                    self.old_members[str(bid)] = code
        self.codes = codes
        self.areas = areas
        self.geoms = self.ws.inp.projection.forward(np.asarray(geoms, dtype=object))
        self.tree = shapely.STRtree(self.geoms) if len(self.geoms) else None
        self.labels = [None] * len(self.ws.graphs)
        self.mixed = [False] * len(self.ws.graphs)
        for a in range(len(self.ws.graphs)):
            self.label_area(a)
            if self.mixed[a]:  # the previous grids cut blocks: work at building level there
                self.ws.build(a, FINE_SPLIT)
                self.label_area(a)

    def label_area(self, a):
        """node -> previous code: by the previous grid of its buildings, else by location."""
        g = self.ws.graphs[a]
        ids = self.ws.inp.buildings.ids
        lab, mixed = {}, False
        for v, mem in enumerate(g.members):
            votes = {}
            for m in mem:
                oc = self.old_members.get(str(ids[m.building]))
                if isinstance(oc, dict):
                    for u in m.units if m.units is not None else oc:
                        if u in oc:
                            votes[oc[u]] = votes.get(oc[u], 0) + 1
                elif oc is not None:
                    votes[oc] = votes.get(oc, 0) + m.households + 1e-3
            if votes:
                lab[v] = max(votes, key=votes.get)
                mixed |= len(votes) > 1
        if self.tree is not None and g.n:
            pts = shapely.point_on_surface(g.pieces)
            pi, gi = self.tree.query(pts, predicate="within")
            for p, k in zip(pi.tolist(), gi.tolist(), strict=False):
                if self.areas[k] == g.code and p not in lab:
                    lab[p] = self.codes[k]
        self.labels[a] = lab
        self.mixed[a] = mixed

    def area_index(self, area_code):
        try:
            return self.ws.codes.index(str(area_code))
        except ValueError as exc:
            raise PartitionError(
                f"区域 {area_code} 不在边界数据中", feature=f"边界 {area_code}", reason="unknown_area"
            ) from exc

    def parts(self, a):
        out = {}
        for v, c in self.labels[a].items():
            out.setdefault(c, set()).add(v)
        return out

    def area_of_code(self, code):
        for a, lab in enumerate(self.labels):
            if code in lab.values():
                return a
        raise PartitionError(
            f"网格 {code} 不存在或不含任何地块", feature=f"网格 {code}", reason="unknown_grid"
        )


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


def _resplit(R, label, parts, bad, params):
    """Re-split a bad grid with its neighbours (growing the ring until it works)."""
    nbrs = sorted(
        {label[u] for v in parts[bad] for u, _ in R.cost[v]} - {bad},
        key=lambda c: sum(R.w[v] for v in parts[c]),
    )
    trials = [{bad, c} for c in nbrs[:4]]
    region = {bad}
    for _ in range(3):
        region = region | {label[u] for c in region for v in parts[c] for u, _ in R.cost[v]}
        trials.append(set(region))
    best = None
    for t, region in enumerate(trials):
        if best is not None and t >= len(nbrs[:4]):
            break  # a pair worked: do not widen
        nodes = [v for c in region for v in parts[c]]
        H = sum(R.w[v] for v in nodes)
        k, feasible = params.grid_count(H)
        if not feasible:
            continue
        # keep the grid count when it is feasible, to move as little as possible
        cur = len(region)
        if params.min_households * cur <= H <= params.max_households * cur:
            k = cur
        new = split_region(R, nodes, k, [max(40, 6 * k)])
        if new is None:
            continue
        kept = _match(parts, region, new, R)[1]
        if best is None or kept > best[0]:
            best = (kept, region, new)
    if best is None:
        return False
    _recode(label, parts, best[1], best[2], R)
    return True


def _match(parts, region, new_parts, R):
    """Greedy matching of new parts to old codes by shared households; (map, kept households)."""
    pairs = []
    for i, ns in enumerate(new_parts):
        s = set(ns)
        for c in region:
            common = s & parts[c]
            if common:
                pairs.append((sum(R.w[v] for v in common) + 1e-3 * len(common), i, c))
    pairs.sort(reverse=True)
    given, used, kept = {}, set(), 0.0
    for ov, i, c in pairs:
        if i in given or c in used:
            continue
        given[i] = c
        used.add(c)
        kept += ov
    return given, kept


def _recode(label, parts, region, new_parts, R):
    """Match new parts to the old codes of ``region`` by shared households (greedy)."""
    given, _ = _match(parts, region, new_parts, R)
    for c in region:
        del parts[c]
    fresh = 0
    for i, ns in enumerate(new_parts):
        c = given.get(i)
        if c is None:
            fresh += 1
            c = f"__new{id(ns)}_{fresh}"
        parts[c] = set(ns)
        for v in ns:
            label[v] = c


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
                    cert = certify.large_buildings(
                        R.g.code, H, atoms, params.min_households, params.max_households
                    ) or certify.heuristic_miss(R.g.code, W, params.min_households, params.max_households)
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
    """Coarse (block) moves first; if a grid is still broken, building-level moves; then re-splits."""
    if not cur.labels[a]:  # a new area: draw it from scratch
        return plan_area(ws, a)
    R = ws.regions[a]
    label, parts = _settle(R, cur, a)
    levels = [max(2, (params.max_households - params.min_households) // 3), FINE_SPLIT]
    for level in levels if not ws.fine[a] else ():
        if not _bad(R, parts, params):
            break
        ws.build(a, level)
        cur.label_area(a)
        R = ws.regions[a]
        label, parts = _settle(R, cur, a)
    for _ in range(len(parts)):
        bad = _bad(R, parts, params)
        if not bad or not _resplit(R, label, parts, bad[0], params):
            break
    if ws.fine[a] or R.g.n > R.g.n_faces:
        # building-level moves leave blocks cut; pull the pieces back together where bounds allow
        refine_streets(R, label, parts, rounds=2)
    return _plans_for_area(ws, a, label, parts, params)


def _fixable(R, ns, params):
    v0 = next(iter(ns))
    for cm in components(list(range(R.g.n)), R.cost):
        if v0 in cm:
            _, feasible = params.grid_count(sum(R.w[v] for v in cm))
            return feasible and not any(v in R.g.atomic_over for v in ns)
    return False


def _moved(cur, ws, plans):
    """Households and buildings whose grid changed (new buildings are not 'moved')."""
    ids = ws.inp.buildings.ids
    hh = ws.inp.buildings.households
    units = ws.inp.buildings.units
    new = {}
    for p in plans:
        g = ws.graphs[p.area]
        for v in p.nodes:
            for m in g.members[v]:
                if m.units is None:
                    new[m.building] = p.code
                else:
                    d = new.setdefault(m.building, {})
                    if isinstance(d, dict):
                        d.update({u: p.code for u in m.units})
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
        }
    )
    res.report["runtime_s"] = round(time.perf_counter() - t0, 3)
    return res


def repair(
    previous_grids, buildings, streets, boundaries, params: PartitionParams | None = None
) -> PartitionResult:
    """Re-balance ``previous_grids`` for changed inputs, keeping codes and moving few households."""
    t0 = time.perf_counter()
    params = params or PartitionParams()
    cur = Current(previous_grids, buildings, streets, boundaries, params)
    plans = []
    for a in range(len(cur.ws.graphs)):
        plans.extend(_repair_area(cur.ws, cur, a, params))
    return _result(cur, plans, t0, "repair")


def _keep(cur, a, params):
    label, parts = dict(cur.labels[a]), cur.parts(a)
    if not parts:
        return plan_area(cur.ws, a)
    R = cur.ws.regions[a]
    _fix_contiguity(R, label, parts)
    for comp in components(_attach_orphans(R, label, parts), R.cost):
        parts[f"__new_iso{comp[0]}"] = set(comp)
    return _plans_for_area(cur.ws, a, label, parts, params)


def split_grid(
    grids, code, buildings, streets, boundaries, params: PartitionParams | None = None
) -> PartitionResult:
    """Split grid ``code`` in two; one half keeps the code, the other gets the next number."""
    t0 = time.perf_counter()
    params = params or PartitionParams()
    cur = Current(grids, buildings, streets, boundaries, params)
    a = cur.area_of_code(str(code))
    R = cur.ws.regions[a]
    label, parts = dict(cur.labels[a]), cur.parts(a)
    nodes = list(parts[str(code)])
    halves = split_region(R, nodes, 2, [80])
    if halves is None:
        from .balance import fallback_split

        halves = fallback_split(R, nodes, 2)
    if not halves or len(halves) < 2:
        raise PartitionError(
            f"网格 {code} 无法拆分为两个连片网格", feature=f"网格 {code}", reason="cannot_split"
        )
    _recode(label, parts, {str(code)}, halves, R)
    plans = []
    for b in range(len(cur.ws.graphs)):
        plans.extend(_plans_for_area(cur.ws, a, label, parts, params) if b == a else _keep(cur, b, params))
    return _result(cur, plans, t0, "split")


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
    R = cur.ws.regions[a]
    label, parts = dict(cur.labels[a]), cur.parts(a)
    if not any(label.get(u) == code_b for v in parts[code_a] for u, _ in R.cost[v]):
        raise PartitionError(
            f"网格 {code_a} 与 {code_b} 不相邻，合并后不连片", feature=f"网格 {code_b}", reason="not_adjacent"
        )
    for v in parts.pop(code_b):
        label[v] = code_a
        parts[code_a].add(v)
    plans = []
    for b in range(len(cur.ws.graphs)):
        plans.extend(_plans_for_area(cur.ws, a, label, parts, params) if b == a else _keep(cur, b, params))
    return _result(cur, plans, t0, "merge")


def redraw_area(
    grids, area_code, buildings, streets, boundaries, params: PartitionParams | None = None
) -> PartitionResult:
    """Draw the grids of one area afresh (new numbering there); other areas are kept as they are."""
    t0 = time.perf_counter()
    params = params or PartitionParams()
    cur = Current(grids, buildings, streets, boundaries, params)
    a = cur.area_index(area_code)
    plans = []
    for b in range(len(cur.ws.graphs)):
        plans.extend(plan_area(cur.ws, a) if b == a else _keep(cur, b, params))
    return _result(cur, plans, t0, "redraw")
