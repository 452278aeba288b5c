"""Dividing one connected face graph into contiguous grids within the household bounds.

The core is a recursive bisection with feasibility windows: a region that must hold ``k``
grids is split into parts for ``k1 = k // 2`` and ``k2 = k - k1`` grids by growing a
connected prefix from one side (a priority sweep along an axis), and only cuts whose
household totals leave both sides able to hold their grids inside [min, max] are
candidates.  Among them the cheapest cut wins: metres along streets cost 1, metres through
a block cost ``block_cut_penalty``, plus a small pull towards a balanced split.  Because
every block heavier than max−min is cut into building pieces, the sweep cannot jump over a
leaf window, so the construction almost always lands inside the bounds by itself; a local
repair with contiguity-preserving boundary moves handles what is left.
"""

from __future__ import annotations

import heapq
from collections import deque

import numpy as np


class Region:
    """A view of an area graph restricted to some nodes, with helpers for cuts."""

    def __init__(self, g, params):
        self.g = g
        self.w = g.weight.tolist()
        pen = params.block_cut_penalty
        self.cost = [[(j, ln if st else ln * pen) for j, ln, st in nb] for nb in g.nbrs]
        self.lo, self.hi = params.min_households, params.max_households
        self.params = params


def connected(nodes, cost, member: set | None = None) -> bool:
    if not nodes:
        return True
    member = member if member is not None else set(nodes)
    start = next(iter(nodes))
    seen = {start}
    dq = deque([start])
    while dq:
        v = dq.popleft()
        for u, _ in cost[v]:
            if u in member and u not in seen:
                seen.add(u)
                dq.append(u)
    return len(seen) == len(member)


def components(nodes, cost):
    member = set(nodes)
    seen, out = set(), []
    for s in nodes:
        if s in seen:
            continue
        comp = [s]
        seen.add(s)
        dq = deque([s])
        while dq:
            v = dq.popleft()
            for u, _ in cost[v]:
                if u in member and u not in seen:
                    seen.add(u)
                    comp.append(u)
                    dq.append(u)
        out.append(comp)
    return out


def _axes(R: Region, nodes):
    xy = R.g.xy[nodes]
    wt = R.g.areas[nodes] + 1e-9
    c = np.average(xy, axis=0, weights=wt)
    d = xy - c
    cov = (d * wt[:, None]).T @ d
    _, vecs = np.linalg.eigh(cov)
    main, minor = vecs[:, 1], vecs[:, 0]
    diag1 = (main + minor) / np.sqrt(2)
    diag2 = (main - minor) / np.sqrt(2)
    return d, [main, -main, minor, -minor, diag1, -diag1, diag2, -diag2]


def _sweep(R: Region, nodes, member, proj, lo, hi, ideal, lam):
    """Grow a connected prefix in order of ``proj``; candidate cuts with weight in [lo, hi]."""
    w, cost = R.w, R.cost
    start = nodes[int(np.argmin(proj))]
    pv = dict(zip(nodes, proj.tolist()))
    heap = [(pv[start], start)]
    inp = set()
    seq, cands = [], []
    W, cut = 0, 0.0
    while heap:
        _, v = heapq.heappop(heap)
        if v in inp:
            continue
        if W + w[v] > hi and W >= lo:
            break
        inp.add(v)
        seq.append(v)
        W += w[v]
        for u, c in cost[v]:
            if u not in member:
                continue
            if u in inp:
                cut -= c
            else:
                cut += c
                heapq.heappush(heap, (pv[u], u))
        if lo <= W <= hi:
            cands.append((cut + lam * abs(W - ideal), len(seq), W))
        elif W > hi:
            break
    return seq, cands


def _finish(R: Region, nodes, member, prefix, lo, hi):
    """Make the remainder connected by absorbing its small components into the prefix."""
    pset = set(prefix)
    rest = [v for v in nodes if v not in pset]
    if not rest:
        return None
    comps = components(rest, R.cost)
    if len(comps) == 1:
        return prefix, rest
    comps.sort(key=lambda c: sum(R.w[v] for v in c), reverse=True)
    extra = [v for c in comps[1:] for v in c]
    W = sum(R.w[v] for v in prefix) + sum(R.w[v] for v in extra)
    if not (lo <= W <= hi):
        return None
    return prefix + extra, comps[0]


def _cut_cost(R, a_set, b_nodes):
    return sum(c for v in b_nodes for u, c in R.cost[v] if u in a_set)


def bisect(R: Region, nodes, k, margin, stage=0, limit=4):
    """Candidate splits of ``nodes`` (connected) for ``k`` grids, cheapest first.

    Returns a list of (part1, k1, part2, k2); empty when no window cut exists.
    """
    k1 = k // 2
    k2 = k - k1
    H = sum(R.w[v] for v in nodes)
    lo_g, hi_g = R.lo, R.hi
    m1 = margin if k1 > 1 else 0
    m2 = margin if k2 > 1 else 0
    lo = max(k1 * (lo_g + m1), H - k2 * (hi_g - m2))
    hi = min(k1 * (hi_g - m1), H - k2 * (lo_g + m2))
    if lo > hi:
        return []
    ideal = H * k1 / k
    # a balanced split is worth a little: deviating by the whole range costs ~60 m of street
    lam = 60.0 / max(1, hi_g - lo_g)
    member = set(nodes)
    d, axes = _axes(R, nodes)
    found = {}
    if stage == 0:
        # sweeps across the main axes first, the diagonals only when those find nothing
        _collect(R, nodes, member, [d @ ax for ax in axes[:4]], lo, hi, ideal, lam, found)
        if not found:
            _collect(R, nodes, member, [d @ ax for ax in axes[4:]], lo, hi, ideal, lam, found)
    else:
        # multi-start disc growth from a spread sample of seeds
        rng = np.random.default_rng(len(nodes) * 7919 + k)
        seeds = rng.choice(len(nodes), size=min(len(nodes), 16), replace=False)
        _collect(R, nodes, member, [np.hypot(*(d - d[i]).T) for i in seeds], lo, hi, ideal, lam, found)
    best = sorted(found.values(), key=lambda t: t[0])[:limit]
    return [(a, k1, b, k2) for _, a, b in best]


def _collect(R, nodes, member, projections, lo, hi, ideal, lam, found):
    for proj in projections:
        seq, cands = _sweep(R, nodes, member, proj, lo, hi, ideal, lam)
        cands.sort()
        ok = 0
        for _cst, n, _ in cands[:8]:
            fin = _finish(R, nodes, member, seq[:n], lo, hi)
            if fin is None:
                continue
            a, b = fin
            key = frozenset(a)
            if key not in found:
                real = _cut_cost(R, key, b) + lam * abs(sum(R.w[v] for v in a) - ideal)
                found[key] = (real, a, b)
            ok += 1
            if ok >= 2:
                break


def split_region(R: Region, nodes, k, budget=None):
    """Recursive bisection into ``k`` contiguous parts inside the bounds, or None.

    When a child cannot be split, the next candidate cut of its parent is tried; ``budget``
    bounds the number of bisections spent on one region.
    """
    if k <= 1:
        W = sum(R.w[v] for v in nodes)
        return [list(nodes)] if R.lo <= W <= R.hi else None
    budget = budget if budget is not None else [60]
    margin = int(0.2 * (R.hi - R.lo))
    for m, stage in ((margin, 0), (0, 0), (0, 1)):
        if budget[0] <= 0:
            return None
        budget[0] -= 1
        for a, k1, b, k2 in bisect(R, nodes, k, m, stage):
            ra = split_region(R, a, k1, budget)
            if ra is None:
                continue
            rb = split_region(R, b, k2, budget)
            if rb is None:
                continue
            return ra + rb
    return None


def fallback_split(R: Region, nodes, k):
    """Best effort when no window split exists: proportional sweep along the main axis."""
    if k <= 1:
        return [list(nodes)]
    k1 = k // 2
    H = sum(R.w[v] for v in nodes)
    target = H * k1 / k
    member = set(nodes)
    d, axes = _axes(R, nodes)
    seq = _full_sweep(R, nodes, member, d @ axes[0])
    acc, cut = 0, len(seq)
    for i, v in enumerate(seq):
        if acc + R.w[v] / 2 >= target and i > 0:
            cut = i
            break
        acc += R.w[v]
    cut = max(1, min(cut, len(seq) - 1))
    fin = _finish(R, nodes, member, seq[:cut], -10**12, 10**12)
    if fin is None:
        return [list(nodes)] if k == 1 else None
    a, b = fin
    ra = fallback_split(R, a, k1) if len(a) >= 1 else []
    rb = fallback_split(R, b, k - k1) if len(b) >= 1 else []
    if ra is None or rb is None:
        return None
    return ra + rb


def _full_sweep(R, nodes, member, proj):
    pv = dict(zip(nodes, proj.tolist()))
    start = nodes[int(np.argmin(proj))]
    heap, inp, seq = [(pv[start], start)], set(), []
    while heap:
        _, v = heapq.heappop(heap)
        if v in inp:
            continue
        inp.add(v)
        seq.append(v)
        for u, _ in R.cost[v]:
            if u in member and u not in inp:
                heapq.heappush(heap, (pv[u], u))
    return seq


# ---------------------------------------------------------------- local repair


def violation(W, lo, hi):
    return lo - W if W < lo else (W - hi if W > hi else 0)


def rebalance(R: Region, label: dict, parts: dict, fixed: set = frozenset(), max_moves=20000):
    """Contiguity-preserving boundary moves until every part is inside [lo, hi].

    ``label``: node -> part id; ``parts``: part id -> set(nodes). Parts in ``fixed`` are
    certified infeasible and left alone.  A move is accepted when it lowers the total
    violation, or keeps it and lowers the cut cost.  Returns the number of moves.
    """
    lo, hi, w, cost = R.lo, R.hi, R.w, R.cost
    wsum = {p: sum(w[v] for v in ns) for p, ns in parts.items()}
    moves = 0
    while moves < max_moves:
        bad = [p for p in parts if p not in fixed and violation(wsum[p], lo, hi) > 0]
        if not bad:
            break
        bad.sort(key=lambda p: -violation(wsum[p], lo, hi))
        moved = False
        for p in bad:
            mv = _best_move(R, label, parts, wsum, p, fixed)
            if mv is not None:
                v, src, dst = mv
                parts[src].discard(v)
                parts[dst].add(v)
                label[v] = dst
                wsum[src] -= w[v]
                wsum[dst] += w[v]
                moves += 1
                moved = True
                break
        if not moved:
            break
    return moves


def _best_move(R, label, parts, wsum, p, fixed):
    lo, hi, w, cost = R.lo, R.hi, R.w, R.cost
    over = wsum[p] > hi
    best = None
    if over:
        cand = [(v, p, label[u]) for v in parts[p] for u, _ in cost[v] if label.get(u, p) != p]
    else:
        cand = [(u, label[u], p) for v in parts[p] for u, _ in cost[v] if label.get(u, p) != p]
    seen = set()
    for v, src, dst in cand:
        if (v, dst) in seen or src in fixed or dst in fixed or w[v] == 0 and over:
            continue
        seen.add((v, dst))
        before = violation(wsum[src], lo, hi) + violation(wsum[dst], lo, hi)
        after = violation(wsum[src] - w[v], lo, hi) + violation(wsum[dst] + w[v], lo, hi)
        gain = before - after
        if gain <= 0 or len(parts[src]) <= 1:
            continue
        dcut = sum(c if label.get(u) == dst else -c if label.get(u) == src else 0 for u, c in cost[v])
        score = (gain, -dcut)
        if best is not None and score <= best[0]:
            continue
        rest = parts[src] - {v}
        if not connected(list(rest), cost, rest):
            continue
        best = (score, (v, src, dst))
    return None if best is None else best[1]


def refine_streets(R: Region, label: dict, parts: dict, fixed: set = frozenset(), rounds=2):
    """Moves that keep all bounds and lower the cut cost (more street-following, compacter)."""
    lo, hi, w, cost = R.lo, R.hi, R.w, R.cost
    wsum = {p: sum(w[v] for v in ns) for p, ns in parts.items()}
    for _ in range(rounds):
        improved = 0
        boundary = [v for v in label if any(label.get(u, label[v]) != label[v] for u, _ in cost[v])]
        for v in boundary:
            src = label[v]
            if src in fixed or len(parts[src]) <= 1:
                continue
            gains = {}
            for u, c in cost[v]:
                lu = label.get(u)
                if lu is None:
                    continue
                gains[lu] = gains.get(lu, 0.0) + c
            own = gains.pop(src, 0.0)
            for dst, to_dst in sorted(gains.items(), key=lambda t: -t[1]):
                if dst in fixed or to_dst <= own + 1e-9:
                    break
                if not (lo <= wsum[src] - w[v] and wsum[dst] + w[v] <= hi):
                    continue
                rest = parts[src] - {v}
                if not connected(list(rest), cost, rest):
                    continue
                parts[src].discard(v)
                parts[dst].add(v)
                label[v] = dst
                wsum[src] -= w[v]
                wsum[dst] += w[v]
                improved += 1
                break
        if not improved:
            break
