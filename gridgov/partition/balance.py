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

from .certify import count_windows


class Region:
    """A view of an area graph restricted to some nodes, with helpers for cuts."""

    def __init__(self, g, params, effort=1):
        self.g = g
        self.effort = effort  # 2: a small input, worth a wider search of pair re-splits
        self.w = g.weight.tolist()
        pen = params.block_cut_penalty
        self.lo, self.hi = params.min_households, params.max_households
        self.params = params
        self.warr = np.asarray(g.weight, dtype=np.float64)
        if len(g.edges):
            ei, ej, ln, st = g.edges
            cost = g.edge_cost if getattr(g, "edge_cost", None) is not None else np.where(st, ln, ln * pen)
            self.arrays = (ei, ej, cost)
        else:
            self.arrays = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
        cost = [[] for _ in range(g.n)]
        ei, ej, ec = self.arrays
        for i, j, c in zip(ei.tolist(), ej.tolist(), ec.tolist(), strict=True):
            cost[i].append((j, c))
            cost[j].append((i, c))
        self.cost = cost


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
    """Centred node coordinates and 8 sweep directions (main/minor axes and diagonals, ±)."""
    xy = R.g.xy[nodes]
    wt = R.g.areas[nodes] + 1e-9
    c = (xy * wt[:, None]).sum(axis=0) / wt.sum()
    d = xy - c
    sxx = float((wt * d[:, 0] ** 2).sum())
    syy = float((wt * d[:, 1] ** 2).sum())
    sxy = float((wt * d[:, 0] * d[:, 1]).sum())
    theta = 0.5 * np.arctan2(2 * sxy, sxx - syy)  # direction of the main axis
    out = []
    for t in (theta, theta + np.pi / 2, theta + np.pi / 4, theta - np.pi / 4):
        v = np.array([np.cos(t), np.sin(t)])
        out += [v, -v]
    return d, [out[0], out[1], out[2], out[3], out[4], out[5], out[6], out[7]]


class _Local:
    """Region ``nodes`` as local arrays: weights and the edges inside the region."""

    def __init__(self, R: Region, nodes):
        self.nodes = np.asarray(nodes, dtype=np.int64)
        m = len(nodes)
        loc = np.full(R.g.n, -1, dtype=np.int64)
        loc[self.nodes] = np.arange(m)
        ei, ej, ec = R.arrays
        sel = (loc[ei] >= 0) & (loc[ej] >= 0)
        self.a, self.b, self.c = loc[ei[sel]], loc[ej[sel]], ec[sel]
        self.w = R.warr[self.nodes]
        self.m = m
        self._adj = None

    def adjacency(self):
        if self._adj is None:
            adj = [[] for _ in range(self.m)]
            for x, y in zip(self.a.tolist(), self.b.tolist(), strict=False):
                adj[x].append(y)
                adj[y].append(x)
            self._adj = adj
        return self._adj


def _sweeps(L: _Local, P, lo, hi, ideal, lam, top):
    """Window cuts of all sweeps at once. ``P``: (k, m) projections, one row per sweep.

    Each sweep orders the nodes by its projection; prefix n is a candidate when its weight is
    in [lo, hi].  The cut of every prefix comes from a difference array: an edge is cut by the
    prefixes of length n with rank_min < n ≤ rank_max.  Returns (orders, [(score, row, n)]).
    """
    k, m = P.shape
    if m < 2 or k == 0:
        return None, []
    order = np.argsort(P, axis=1, kind="stable")
    rank = np.empty_like(order)
    rank[np.arange(k)[:, None], order] = np.arange(m)[None, :]
    ra, rb = rank[:, L.a], rank[:, L.b]
    off = (np.arange(k) * (m + 1))[:, None]
    cw = np.tile(L.c, k)
    size = k * (m + 1)
    diff = np.bincount((np.minimum(ra, rb) + 1 + off).ravel(), weights=cw, minlength=size)
    diff -= np.bincount((np.maximum(ra, rb) + 1 + off).ravel(), weights=cw, minlength=size)
    cut = np.cumsum(diff.reshape(k, m + 1), axis=1)[:, 1:m]
    W = np.cumsum(L.w[order], axis=1)[:, : m - 1]
    ok = (W >= lo) & (W <= hi)
    if not ok.any():
        return order, []
    # the best few of every sweep: only prefixes inside the window have a score; order them by
    # (sweep, score, prefix) and keep the first ``top`` of each sweep
    rows, cols = np.nonzero(ok)
    sc = cut[rows, cols] + lam * np.abs(W[rows, cols] - ideal)
    o = np.lexsort((cols, sc, rows))
    rows, cols, sc = rows[o], cols[o], sc[o]
    first = np.searchsorted(rows, rows, side="left")
    keep = np.arange(len(rows)) - first < top
    rows, cols, sc = rows[keep], cols[keep], sc[keep]
    o = np.argsort(sc, kind="stable")
    return order, list(zip(sc[o].tolist(), rows[o].tolist(), (cols[o] + 1).tolist(), strict=False))


def _finish(R: Region, member, prefix, lo, hi):
    """Both sides connected: stray pieces of either side join the other; None if out of window."""
    pset = set(prefix)
    rest = [v for v in member if v not in pset]
    if not rest:
        return None
    pcomps = components(prefix, R.cost)
    if len(pcomps) > 1:
        pcomps.sort(key=lambda c: (sum(R.w[v] for v in c), len(c)), reverse=True)
        prefix = pcomps[0]
        rest = rest + [v for c in pcomps[1:] for v in c]
    rcomps = components(rest, R.cost)
    if len(rcomps) > 1:
        rcomps.sort(key=lambda c: (sum(R.w[v] for v in c), len(c)), reverse=True)
        rest = rcomps[0]
        prefix = list(prefix) + [v for c in rcomps[1:] for v in c]
        if len(components(prefix, R.cost)) > 1:
            return None
    W = sum(R.w[v] for v in prefix)
    if not (lo <= W <= hi) or not rest:
        return None
    return list(prefix), rest


def _sides_connected(L, side):
    """Component labels with edges kept only inside each side; (n_comp, labels)."""
    adj = L.adjacency()
    sd = side.tolist()
    lab = [-1] * L.m
    n = 0
    for s0 in range(L.m):
        if lab[s0] >= 0:
            continue
        lab[s0] = n
        stack = [s0]
        want = sd[s0]
        while stack:
            v = stack.pop()
            for u in adj[v]:
                if lab[u] < 0 and sd[u] == want:
                    lab[u] = n
                    stack.append(u)
        n += 1
    return n, np.asarray(lab, dtype=np.int64)


def _finish_local(L, order, n, lo, hi):
    """Like :func:`_finish` on local arrays with scipy: both sides connected, or None."""
    side = np.zeros(L.m, dtype=bool)
    side[order[:n]] = True
    for attempt in range(2):
        ncomp, lab = _sides_connected(L, side)
        if ncomp == 2:
            W = float(L.w[side].sum())
            return side if lo <= W <= hi else None
        if attempt:
            return None
        wc = np.bincount(lab, weights=L.w + 1e-6, minlength=ncomp)
        on_p = np.zeros(ncomp, dtype=bool)
        on_p[lab[side]] = True
        P, Q = np.flatnonzero(on_p), np.flatnonzero(~on_p)
        if not len(P) or not len(Q):
            return None
        main_p, main_q = P[np.argmax(wc[P])], Q[np.argmax(wc[Q])]
        # strays change sides: prefix strays go to the rest, rest strays to the prefix
        side = (lab == main_p) | (~on_p[lab] & (lab != main_q))
    return None


def _cut_cost(R, a_set, b_nodes):
    return sum(c for v in b_nodes for u, c in R.cost[v] if u in a_set)


def bisect(R: Region, nodes, k, margin, stage=0, limit=4, seeds=16, prep=None):
    """Candidate splits of ``nodes`` (connected) for ``k`` grids, cheapest first.

    Returns a list of (part1, k1, part2, k2); empty when no window cut exists.  ``prep``: a
    dict kept between calls on the same ``nodes`` (their local arrays and axes).
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
    if prep is not None and "L" in prep:
        L, d, axes = prep["L"], prep["d"], prep["axes"]
    else:
        L = _Local(R, nodes)
        d, axes = _axes(R, L.nodes)
        if prep is not None:
            prep.update(L=L, d=d, axes=axes)
    found = {}
    if stage == 0:
        # sweeps across the main axes first, the diagonals only when those find nothing
        A = np.asarray(axes)  # (8, 2)
        _collect(R, L, A[:4] @ d.T, lo, hi, ideal, lam, found, limit + 1)
        if not found:
            _collect(R, L, A[4:] @ d.T, lo, hi, ideal, lam, found, limit + 1)
    else:
        # disc growth from a spread sample of seeds
        rng = np.random.default_rng(len(nodes) * 7919 + k)
        pick = rng.choice(len(nodes), size=min(len(nodes), seeds), replace=False)
        P = np.hypot(d[None, :, 0] - d[pick, 0][:, None], d[None, :, 1] - d[pick, 1][:, None])
        _collect(R, L, P, lo, hi, ideal, lam, found, limit + 1)
    best = sorted(found.values(), key=lambda t: t[0])[:limit]
    return [(a, k1, b, k2) for _, a, b in best]


def _collect(R, L, P, lo, hi, ideal, lam, found, need=4):
    """Pool the cheapest window cuts of all sweeps; verify connectivity in cost order."""
    orders, pool = _sweeps(L, P, lo, hi, ideal, lam, top=6)
    tried = 0
    for _sc, row, n in pool:
        if len(found) >= need or tried >= 6 * need + 12:
            break
        tried += 1
        side = _finish_local(L, orders[row], n, lo, hi)
        if side is None:
            continue
        a, b = L.nodes[side].tolist(), L.nodes[~side].tolist()
        key = frozenset(a)
        if key not in found:
            real = _cut_cost(R, key, b) + lam * abs(sum(R.w[v] for v in a) - ideal)
            found[key] = (real, a, b)


def split_region(R: Region, nodes, k, budget=None):
    """Recursive bisection into ``k`` contiguous parts inside the bounds, or None.

    When a child cannot be split, the next candidate cut of its parent is tried; ``budget``
    bounds the number of bisections spent on one region.
    """
    if k <= 1:
        W = sum(R.w[v] for v in nodes)
        return [list(nodes)] if R.lo <= W <= R.hi else None
    if budget is None:
        budget = [60]
    if len(budget) < 2:
        budget.append(set())  # regions already known to fail within this search
    failed = budget[1]
    key = (frozenset(nodes), k)
    if key in failed:
        return None
    # pieces over max/2 never share a grid: when counting with them already rules out k
    # grids, no cut can help (the search would spend its budget and fail)
    w, half = R.w, R.hi / 2
    if count_windows(sum(w[v] for v in nodes), [w[v] for v in nodes if w[v] > half], R.lo, R.hi, k) is None:
        failed.add(key)
        return None
    margin = int(0.2 * (R.hi - R.lo))
    # with two grids the margin does not apply (it only keeps room for grandchildren)
    stages = ((margin, 0), (0, 0), (0, 1)) if k > 2 else ((0, 0), (0, 1))
    if len(budget) > 2 and budget[2]:
        # exhaustive mode for tight parts: disc growth from every piece as a seed
        stages += ((0, 2),)
    for m, stage in stages:
        if budget[0] <= 0:
            return None
        budget[0] -= 1
        seeds = 16 if stage < 2 else 256
        for a, k1, b, k2 in bisect(R, nodes, k, m, min(stage, 1), seeds=seeds, limit=4 if stage < 2 else 8):
            ra = split_region(R, a, k1, budget)
            if ra is None:
                continue
            rb = split_region(R, b, k2, budget)
            if rb is None:
                continue
            return ra + rb
    if budget[0] > 0:
        failed.add(key)  # a complete search failed (not one cut short by the budget)
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
    fin = _finish(R, list(nodes), seq[:cut], -(10**12), 10**12)
    if fin is None:
        return [list(nodes)] if k == 1 else None
    a, b = fin
    ra = fallback_split(R, a, k1) if len(a) >= 1 else []
    rb = fallback_split(R, b, k - k1) if len(b) >= 1 else []
    if ra is None or rb is None:
        return None
    return ra + rb


def _full_sweep(R, nodes, member, proj):
    pv = dict(zip(nodes, proj.tolist(), strict=False))
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
    lo, hi, w, _cost = R.lo, R.hi, R.w, R.cost
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


def _pair_cut(R, a_set, b_set):
    return sum(c for v in a_set for u, c in R.cost[v] if u in b_set)


_PAIR_STAGES = (0, 1)  # axis sweeps, then disc growth
_ROUNDS = 3


def improve_pairs(R: Region, label: dict, parts: dict, fixed: set = frozenset(), rounds=None):
    """Re-bisect pairs of adjacent grids when a cheaper cut between them exists.

    The first split of a big region is chosen before its children are known; looking again
    at each pair with the pair's own window often finds a cut along a street instead of
    through a block. Only pairs that are both in range are touched, and both stay in range.
    """
    lo, hi, w = R.lo, R.hi, R.w
    for _ in range(rounds or (_ROUNDS if R.effort > 1 else 1)):
        changed = 0
        pairs = {}
        for v, p in label.items():
            if p in fixed:
                continue
            for u, c in R.cost[v]:
                q = label.get(u)
                if q is None or q == p or q in fixed:
                    continue
                key = (p, q) if str(p) < str(q) else (q, p)
                pairs[key] = pairs.get(key, 0.0) + c
        for (p, q), _cut in sorted(pairs.items(), key=lambda t: -t[1]):
            if p not in parts or q not in parts:
                continue
            a, b = parts[p], parts[q]
            Wa, Wb = sum(w[v] for v in a), sum(w[v] for v in b)
            if not (lo <= Wa <= hi and lo <= Wb <= hi):
                continue
            cur = _pair_cut(R, a, b)
            nodes = list(a | b)
            lim, seeds = (4, 32) if R.effort > 1 else (1, 8)
            best = None
            prep = {}
            for stage in _PAIR_STAGES:
                for x, _, y, _ in bisect(R, nodes, 2, 0, stage, limit=lim, seeds=seeds, prep=prep):
                    ys = set(y)
                    cst = sum(c for v in x for u, c in R.cost[v] if u in ys)
                    if cst < cur - 1e-6 and (best is None or cst < best[0]):
                        best = (cst, x, y)
            if best is None:
                continue
            _, x, y = best
            # keep the code with the larger overlap
            if len(set(x) & a) < len(set(y) & a):
                x, y = y, x
            parts[p], parts[q] = set(x), set(y)
            for v in x:
                label[v] = p
            for v in y:
                label[v] = q
            changed += 1
        if not changed:
            break
