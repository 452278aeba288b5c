"""Fixing grids that are still out of range after boundary moves, and searches for tight parts.

* ``fix_out_of_range``: a bad grid is re-bisected together with one neighbour (the lightest
  first), and if no pair works, with a growing ring of neighbours; the new parts take over the
  old labels by the largest shared household count, so as few households as possible change
  grid.
* ``split_around_atoms``: for parts whose household windows are a few households wide, grids
  are built around the large indivisible buildings first.
* ``add_grids``: for ``target="max"``, groups of adjacent grids re-split into one grid more.
"""

from __future__ import annotations

from . import certify
from .balance import components, split_region


def fix_out_of_range(R, label, parts, params, fixed=frozenset(), wide=True):
    """Re-split out-of-range parts (not in ``fixed``) with their neighbours while that helps;
    returns the parts still out of range.

    First with one neighbour or a small ring keeping the grid count; with ``wide``, then with
    rings up to the whole connected part and the nearest other grid counts."""
    lo, hi = params.min_households, params.max_households
    for stage in (False, True) if wide else (False,):
        failed = set()  # parts whose re-split failed (not retried in this stage)
        for _ in range(len(parts)):
            bad = [
                c
                for c, ns in parts.items()
                if c not in fixed and c not in failed and ns and not lo <= sum(R.w[v] for v in ns) <= hi
            ]
            for c in bad:
                if resplit(R, label, parts, c, params, fixed, stage):
                    break
                failed.add(c)
            else:
                break
    return [c for c, ns in parts.items() if c not in fixed and ns and not lo <= sum(R.w[v] for v in ns) <= hi]


def resplit(R, label, parts, bad, params, fixed=frozenset(), wide=False):
    """Re-split a bad grid with its neighbours (growing the ring until it works)."""

    def ring(cs):
        out = {label[u] for c in cs for v in parts[c] for u, _ in R.cost[v] if u in label}
        return out - set(fixed)

    # codes may be strings: sort every set of them so the result never depends on hash order
    nbrs = sorted(ring([bad]) - {bad}, key=lambda c: (sum(R.w[v] for v in parts[c]), c))
    trials = [] if wide else [sorted({bad, c}) for c in nbrs[:4]]
    region = {bad}
    for _ in range(6 if wide else 3):  # growing rings; wide ones reach the whole connected part
        grown = region | ring(sorted(region))
        if grown == region:
            break
        region = grown
        trials.append(sorted(region))
    best = None
    for t, region in enumerate(trials):
        if best is not None and (wide or t >= len(nbrs[:4])):
            break  # the smallest region that works
        nodes = sorted(v for c in region for v in parts[c])
        H = sum(R.w[v] for v in nodes)
        kmin, kmax = max(1, -(-H // params.max_households)), H // params.min_households
        if kmin > kmax:
            continue
        # keep the grid count if possible (moves the fewest households), else the nearest ones
        cur = len(region)
        ks = sorted(range(kmin, kmax + 1), key=lambda k: (abs(k - cur), k))[: 3 if wide else 1]
        new = None
        for k in ks:
            new = split_region(R, nodes, k, [max(40, (12 if wide else 6) * k)])
            if new is not None:
                break
        if new is None:
            continue
        kept = match(parts, region, new, R)[1]
        if best is None or kept > best[0]:
            best = (kept, region, new)
    if best is None:
        return False
    recode(label, parts, best[1], best[2], R)
    return True


def match(parts, region, new_parts, R):
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


def recode(label, parts, region, new_parts, R):
    """Match new parts to the old codes of ``region`` by shared households (greedy)."""
    given, _ = match(parts, region, new_parts, R)
    for c in region:
        del parts[c]
    fresh = 0
    numeric = all(isinstance(c, int) for c in [*parts, *region])
    for i, ns in enumerate(new_parts):
        c = given.get(i)
        if c is None:
            if numeric:  # engine-internal labels are ints
                c = max([*parts, *region], default=-1) + 1
            else:
                while f"__new{fresh}" in parts:
                    fresh += 1
                c = f"__new{fresh}"
        parts[c] = set(ns)
        for v in ns:
            label[v] = c


def _sets_around(R, v, low, high, forbidden, within, limit=400, budget=4000, start=()):
    """Connected sets of pieces of ``within`` containing ``v`` and ``start`` (none of
    ``forbidden``) holding ``low``..``high`` households, smallest first (breadth-first over set
    size); at most ``limit`` of them."""
    w = R.w
    start = frozenset([v, *start])
    seen = {start}
    level = [(start, sum(w[x] for x in start))]
    out = []
    while level and len(out) < limit and len(seen) < budget:
        nxt = []
        for s, W in level:
            if W >= low:
                out.append(s)
                if len(out) >= limit:
                    break
            for x in sorted(s):
                for u, _ in R.cost[x]:
                    if u in s or u in forbidden or u not in within or W + w[u] > high:
                        continue
                    t = s | {u}
                    if t not in seen:
                        seen.add(t)
                        nxt.append((t, W + w[u]))
        level = nxt
    return out


def _split_parts(R, nodes, k, budget, tries):
    """Split a node set that may fall apart into ``k`` grids: each connected piece gets its own
    grid count (the counts summing to ``k``); pieces with large indivisible pieces are split
    around them first."""
    comps = components(list(nodes), R.cost)
    lo, hi = R.lo, R.hi
    Hs = [sum(R.w[v] for v in c) for c in comps]
    ranges = [(max(1, -(-h // hi)), h // lo) for h in Hs]
    if any(a > b for a, b in ranges) or not sum(a for a, _ in ranges) <= k <= sum(b for _, b in ranges):
        return None
    counts = [a for a, _ in ranges]
    extra = k - sum(counts)
    for i, (_a, b) in enumerate(ranges):
        take = min(extra, b - counts[i])
        counts[i] += take
        extra -= take
    out = []
    for comp, kc in zip(comps, counts, strict=True):
        parts = split_region(R, comp, kc, [budget, set(), True])
        if parts is None and tries[0] > 0:
            parts = split_around_atoms(R, comp, [kc], tries)
        if parts is None:
            return None
        out.extend(parts)
    return out


def split_around_atoms(R, nodes, ks, tries=None):
    """Last resort for tight parts with large indivisible pieces: for a grid count k, counting
    fixes the household window of the grid holding the largest piece; try the connected sets
    around it that fit the window (smallest first, with whatever hangs on it) and split the
    rest into k-1 grids the same way.  ``tries`` ([n]) bounds the sets tried in all."""
    tries = tries if tries is not None else [40]
    w = R.w
    lo, hi = R.lo, R.hi
    H = sum(w[v] for v in nodes)
    big = sorted((v for v in nodes if w[v] > hi / 2), key=lambda v: (-w[v], v))
    if not big:
        return None
    member = set(nodes)
    for k in ks:
        wins = certify.count_windows(H, [w[v] for v in big], lo, hi, k)
        if wins is None:
            continue
        v = big[0]
        wl, wh = wins[0][0]
        forbidden = set(R.g.atomic_over) | set(big[1:])
        hang = set(certify.pendant(R, member, v, lo))
        if w[v] + sum(w[u] for u in hang) > wh:
            continue
        for s in _sets_around(R, v, wl, wh, forbidden, member, start=hang):
            if tries[0] <= 0:
                return None
            tries[0] -= 1
            rest = [x for x in nodes if x not in s]
            parts = _split_parts(R, rest, k - 1, 20, tries) if rest else ([] if k == 1 else None)
            if parts is not None:
                return [sorted(s), *parts]
    return None


def add_grids(R, label, parts, params, kmax, fixed=frozenset(), tries=40):
    """For ``target="max"``: re-split groups of adjacent grids into one grid more while the
    count is below ``kmax`` (groups with the most households above m+1 minimums first)."""
    lo, hi = params.min_households, params.max_households

    def weight(cs):
        return sum(R.w[v] for c in cs for v in parts[c])

    def ring(cs):
        return {label[u] for c in cs for v in parts[c] for u, _ in R.cost[v] if u in label} - set(fixed)

    while len(parts) < kmax and tries > 0:
        cands = {}
        for c in sorted(parts, key=lambda c: (-weight([c]), str(c))):
            if c in fixed:
                continue
            region = {c}
            for _ in range(2):
                region = region | ring(sorted(region, key=str))
                m = len(region)
                slack = weight(region) - (m + 1) * lo
                if slack >= 0 and weight(region) <= (m + 1) * hi:
                    cands.setdefault(tuple(sorted(region, key=str)), slack)
        done = False
        for region, _slack in sorted(cands.items(), key=lambda t: (-t[1], [str(c) for c in t[0]]))[:8]:
            tries -= 1
            k = len(region) + 1
            nodes = sorted(v for c in region for v in parts[c])
            new = split_region(R, nodes, k, [max(40, 12 * k)])
            if new is not None:
                recode(label, parts, list(region), new, R)
                done = True
                break
            if tries <= 0:
                break
        if not done:
            break
