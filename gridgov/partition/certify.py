"""Certificates: why a grid outside [min, max] could not be avoided.

Each certificate carries a machine-readable ``reason``, the numbers behind it, a Chinese
explanation ``message_zh`` and ``proven``: True when the reason is a proof that no valid
grid exists for those households (a count argument), False when the engine merely failed to
find one (a heuristic miss, reported honestly rather than hidden).
"""

from __future__ import annotations

import math

# Certificates a user can check from the input alone: a single building (or one of its units)
# over the maximum, and a boundary area whose whole total is under the minimum.  Every other
# reason — counting with indivisible buildings, contiguity within the engine's land model, a
# heuristic miss — depends on how the engine cut the land; it is kept as a diagnostic but does
# not excuse a grid out of range (``input_checkable: false``).
INPUT_CHECKABLE = frozenset({"area_total_below_min", "unit_over_max", "building_over_max_without_units"})


def mark(cert):
    """Set ``input_checkable`` on a certificate (in place) and return it."""
    if cert is not None:
        cert["input_checkable"] = cert.get("reason") in INPUT_CHECKABLE
    return cert


def area_below_min(code, households, lo):
    return {
        "reason": "area_total_below_min",
        "proven": True,
        "households": households,
        "min_households": lo,
        "message_zh": f"该区域 {code} 总户数 {households} 户，少于下限 {lo} 户，只能划为一个网格",
    }


def component_below_min(code, households, lo, n_components):
    return {
        "reason": "isolated_component_below_min",
        "proven": True,
        "households": households,
        "min_households": lo,
        "components": n_components,
        "message_zh": (
            f"该区域 {code} 被河流或边界分成 {n_components} 块互不相连的部分，此块总户数 {households} 户，"
            f"少于下限 {lo} 户；网格必须连片，不能与其他部分合并"
        ),
    }


def no_integer_count(code, households, lo, hi):
    k = max(1, math.floor(households / hi))
    return {
        "reason": "no_integer_grid_count",
        "proven": True,
        "households": households,
        "min_households": lo,
        "max_households": hi,
        "message_zh": (
            f"该区域 {code} 的连片部分共 {households} 户：分 {k} 格平均每格 {households / k:.1f} 户，超过上限 {hi} 户；"
            f"分 {k + 1} 格平均每格 {households / (k + 1):.1f} 户，少于下限 {lo} 户；不存在每格都在 {lo}–{hi} 户的分法"
        ),
    }


def unit_over_max(building_id, units, households, hi):
    if units is None:
        return {
            "reason": "building_over_max_without_units",
            "proven": True,
            "building_id": building_id,
            "households": households,
            "max_households": hi,
            "message_zh": f"建筑 {building_id} 共 {households} 户，超过上限 {hi} 户，且未提供各单元户数，无法按单元拆分",
        }
    return {
        "reason": "unit_over_max",
        "proven": True,
        "building_id": building_id,
        "unit_indexes": list(units),
        "households": households,
        "max_households": hi,
        "message_zh": f"建筑 {building_id} 的单元 {list(units)} 共 {households} 户，单个单元超过上限 {hi} 户，单元不可再分",
    }


def heuristic_miss(area_code, households, lo, hi):
    return {
        "reason": "not_found",
        "proven": False,
        "households": households,
        "message_zh": (
            f"区域 {area_code} 内此网格有 {households} 户，不在 {lo}–{hi} 户范围内：在保持网格连片的前提下未找到合规划分"
            "（这是算法未找到，不是不可行的证明，建议人工调整）"
        ),
    }


def large_buildings(code, households, atoms, lo, hi):
    """Proof by counting with the big pieces: two pieces over max/2 never share a grid.

    With n such pieces a_i, their grids hold T ∈ [Σ max(lo, a_i), n·hi]; the other k−n grids
    must hold H − T ∈ [(k−n)·lo, (k−n)·hi]. If no grid count k allows both, no valid
    partition exists. Returns a certificate, or None when the count allows some k.
    """
    n = len(atoms)
    if not n:
        return None
    t_lo = sum(max(lo, a) for a in atoms)
    t_hi = n * hi
    kmin, kmax = max(1, -(-households // hi)), households // lo
    for k in range(max(kmin, n), kmax + 1):
        r_lo, r_hi = households - t_hi, households - t_lo
        if max(r_lo, (k - n) * lo) <= min(r_hi, (k - n) * hi):
            return None
    big = sorted(atoms, reverse=True)
    return {
        "reason": "large_buildings",
        "proven": True,
        "households": households,
        "large_pieces": big,
        "min_households": lo,
        "max_households": hi,
        "message_zh": (
            f"该区域 {code} 的连片部分共 {households} 户，其中 {n} 处单栋/单元户数 {big} 超过上限一半、"
            f"不能同格；按户数计算，任何网格数都无法使每格都在 {lo}–{hi} 户之间"
        ),
    }


def _indivisible(g, v, hi):
    """A piece that no grid can divide: empty land, one building up to ``hi``, or one unit."""
    if g.weight[v] == 0:
        return True
    mem = g.members[v]
    if len(mem) != 1:
        return False
    # a whole building is indivisible (at most max, or without usable units: see graph._generators);
    # a chunk of several units could be divided
    m = mem[0]
    return m.units is None or len(m.units) == 1


class _TooBig(Exception):
    """The search met a divisible piece or outgrew its budget: nothing is proven."""


def _sets_reaching(R, v, low, high, forbidden, budget, limit=None, met=None):
    """Connected sets of pieces containing ``v`` (none of ``forbidden``), grown piece by piece
    without passing ``high``; a set is yielded once it reaches ``low`` and not grown further.
    Raises _TooBig when more than ``budget`` sets were seen, more than ``limit`` yielded, or a
    divisible piece is met. ``met`` (a set) collects every piece met."""
    g, w = R.g, R.w
    start = frozenset([v])
    seen = {start}
    stack = [(start, w[v])]
    hits = 0
    while stack:
        if len(seen) > budget or (limit is not None and hits > limit):
            raise _TooBig
        s, W = stack.pop()
        if W >= low:
            hits += 1
            yield s
            continue
        for x in s:
            for u, _ in R.cost[x]:
                if u in s or u in forbidden:
                    continue
                if not _indivisible(g, u, high):
                    raise _TooBig
                if met is not None:
                    met.add(u)
                if W + w[u] > high:
                    continue
                t = s | {u}
                if t not in seen:
                    seen.add(t)
                    stack.append((t, W + w[u]))


def _set_in_window(R, v, low, high, forbidden=frozenset(), budget=6000):
    """Is there a connected set of pieces containing ``v`` (none of ``forbidden``) holding
    ``low``..``high`` households?  True, False (proven: every such set was enumerated and
    every piece met is indivisible) or None (search too big, or a divisible piece met).
    Also returns the households of the pieces met."""
    met = set()
    try:
        for _ in _sets_reaching(R, v, low, high, forbidden, budget, met=met):
            return True, met  # and W <= high by construction
    except _TooBig:
        return None, met
    return False, met


def enclosed_piece(R, nodes, lo, hi, budget=4000):
    """Proof by contiguity: a piece of ``nodes`` that no contiguous set of pieces with
    lo..hi households can contain.

    From each candidate piece every connected set of at most ``hi`` households containing it
    is enumerated; if none reaches ``lo`` and every piece met is indivisible (one building
    without divisible units, one unit, or empty land), no grid holding that piece can be in
    range.  Returns (piece, neighbour households) or None (also when the search is too big)."""
    w = R.w
    for v in sorted(nodes, key=lambda x: -w[x])[:12]:
        if w[v] == 0 or w[v] >= lo or not _indivisible(R.g, v, R.hi):
            continue
        found, met = _set_in_window(R, v, lo, hi, budget=budget)
        if found is False:
            return v, sorted((w[u] for u in met if w[u] > 0), reverse=True)
    return None


def pendant(R, members, v, lo):
    """Pieces that can only be in the grid of ``v``: the parts of ``members`` without ``v``
    that are cut off from the rest and hold fewer than ``lo`` households (a grid of their own
    would be too small, and any other grid reaching them must pass through ``v``)."""
    return [u for comp in _pieces_of(R, members, {v}) if sum(R.w[x] for x in comp) < lo for u in comp]


def count_windows(H, atoms, lo, hi, k):
    """Household windows that a partition of ``H`` into ``k`` grids forces, with the ``atoms``
    (indivisible pieces over hi/2, one per grid): ([window of each atom's grid], window of the
    other grids), or None when no such partition exists by counting."""
    n = len(atoms)
    if n > k or not (k * lo <= H <= k * hi):
        return None
    t_lo = max(sum(max(lo, a) for a in atoms), H - (k - n) * hi)
    t_hi = min(n * hi, H - (k - n) * lo)
    if t_lo > t_hi:
        return None
    wins = []
    for i, a in enumerate(atoms):
        others_hi = (n - 1) * hi
        others_lo = sum(max(lo, b) for j, b in enumerate(atoms) if j != i)
        wl, wh = max(lo, a, t_lo - others_hi), min(hi, t_hi - others_lo)
        if wl > wh:
            return None
        wins.append((wl, wh))
    m = k - n
    if m:
        r_lo, r_hi = H - t_hi, H - t_lo
        other = (max(lo, r_lo - (m - 1) * hi), min(hi, r_hi - (m - 1) * lo))
        if other[0] > other[1]:
            return None
    else:
        other = None
    return wins, other


def _minimal_sets(R, v, low, high, forbidden, cap=300, budget=6000):
    """Every connected set of pieces containing ``v`` (none of ``forbidden``) that reaches
    ``low`` households without passing ``high`` and has no such proper subset grown the same
    way (a set is not extended once it reaches ``low``).  None when the search is too big or
    meets a divisible piece."""
    try:
        return list(_sets_reaching(R, v, low, high, forbidden, budget, limit=cap))
    except _TooBig:
        return None


def _forced(R, v, low, forbidden):
    """Pieces that every grid holding ``v`` with at least ``low`` households must contain:
    while the set is short of ``low`` and has a single way out (one indivisible neighbour
    that is not ``forbidden``), that neighbour is forced.  Returns (pieces, households)."""
    g, w = R.g, R.w
    s, W = {v}, w[v]
    while W < low:
        exits = {u for x in s for u, _ in R.cost[x] if u not in s and u not in forbidden}
        if len(exits) != 1:
            break
        (u,) = exits
        if not _indivisible(g, u, R.hi):
            break
        s.add(u)
        W += w[u]
    return s, W


def _disjoint_choice(options, budget=20000):
    """Can one set be chosen per entry of ``options`` with no two sharing a piece?  True,
    False, or None when the search is too big."""
    order = sorted(range(len(options)), key=lambda i: len(options[i]))
    steps = [0]

    def go(k, used):
        if k == len(order):
            return True
        for s in options[order[k]]:
            steps[0] += 1
            if steps[0] > budget:
                return None
            if used.isdisjoint(s):
                r = go(k + 1, used | s)
                if r is not False:
                    return r
        return False

    return go(0, frozenset())


def partition_impossible(R, comp, lo, hi, budget=6000):
    """Proof that no partition of the connected part ``comp`` into contiguous grids of
    lo..hi households exists.  For every grid count k, counting forces a household window on
    the grid of each large indivisible piece (one per grid); the count is ruled out when, for
    one such piece, what can only be reached through it already overfills its window, or no
    connected set of pieces around it (avoiding the other large pieces) falls inside it, or
    when the sets that do fit cannot be chosen without two grids sharing a piece.  Returns
    [(k, piece, window, other pieces)] — one entry per count — or None without a proof."""
    w = R.w
    H = sum(w[v] for v in comp)
    big = sorted((v for v in comp if w[v] > hi / 2 and _indivisible(R.g, v, hi)), key=lambda v: -w[v])
    if any(w[v] > hi for v in big):
        return None  # a unit over max has its own certificate
    atoms = [w[v] for v in big]
    why = []
    kmin, kmax = max(1, -(-H // hi)), H // lo
    if kmax - kmin > 6:
        return None
    members = set(comp)
    need = {v: w[v] + sum(w[u] for u in pendant(R, members, v, lo)) for v in big}
    for k in range(kmin, kmax + 1):
        wins = count_windows(H, atoms, lo, hi, k)
        if wins is None:
            continue  # impossible by counting alone
        ruled_out = None
        for v, (wl, wh) in zip(big, wins[0], strict=True):
            if need[v] > wh:  # what hangs on v alone already overfills its grid
                ruled_out = (k, v, (wl, wh), ())
                break
            found, _ = _set_in_window(R, v, wl, wh, frozenset(big) - {v}, budget)
            if found is False:
                ruled_out = (k, v, (wl, wh), ())
                break
        if ruled_out is None:
            # pieces forced into two large pieces' grids at once
            forced = [
                (v, _forced(R, v, wl, frozenset(big) - {v})) for v, (wl, _) in zip(big, wins[0], strict=True)
            ]
            for i, (v, (sv, _)) in enumerate(forced):
                if ruled_out is None:
                    for u, (su, _) in forced[i + 1 :]:
                        if len(sv) > 1 and len(su) > 1 and sv & su:
                            ruled_out = (k, v, wins[0][i], (u,))
                            break
        if ruled_out is None:
            # jointly: the grids of the large pieces must not share a piece
            opts, who = [], []
            for v, (wl, wh) in zip(big, wins[0], strict=True):
                sets = _minimal_sets(R, v, wl, wh, frozenset(big) - {v}, budget=budget)
                if sets is not None:
                    opts.append(sets)
                    who.append((v, (wl, wh)))
            if len(opts) > 1 and _disjoint_choice(opts) is False:
                v, win = who[0]
                ruled_out = (k, v, win, tuple(u for u, _ in who[1:]))
        if ruled_out is None:
            ruled_out = _pocket_proof(R, members, big, wins, k, budget)
        if ruled_out is None:
            return None
        why.append(ruled_out)
    return why


POCKET_PIECES = 12  # pockets of more pieces are left out of the proof (never claimed)


def _pieces_of(R, members, cut):
    """Connected parts of ``members`` without ``cut``."""
    seen, out = set(cut), []
    for s0 in sorted(members):
        if s0 in seen:
            continue
        comp, stack = [s0], [s0]
        seen.add(s0)
        while stack:
            x = stack.pop()
            for u, _ in R.cost[x]:
                if u in members and u not in seen:
                    seen.add(u)
                    comp.append(u)
                    stack.append(u)
        out.append(comp)
    return out


def _small_pieces(R, part_of, i, s):
    """The connected parts of part ``i`` without its piece ``s`` that have at most
    ``POCKET_PIECES`` pieces (larger ones are never pockets): a walk from each neighbour of
    ``s`` that stops once it is too large."""
    seen, out = set(), []
    for u0, _ in R.cost[s]:
        if part_of.get(u0) != i or u0 == s or u0 in seen:
            continue
        comp, stack, mine = [u0], [u0], {u0}
        while stack and len(comp) <= POCKET_PIECES:
            x = stack.pop()
            for u, _ in R.cost[x]:
                if part_of.get(u) == i and u != s and u not in mine:
                    mine.add(u)
                    comp.append(u)
                    stack.append(u)
        seen |= mine
        if len(comp) <= POCKET_PIECES:
            out.append(sorted(comp))
    return out


def _tiles(R, nodes, low, high, steps):
    """Can ``nodes`` be cut into connected sets of ``low``..``high`` households?  True, False
    or None (``steps`` [n] ran out)."""
    w = R.w
    if not nodes:
        return True
    if low is None:
        return False
    total = sum(w[v] for v in nodes)
    if total < low or total // low * high < total:
        return False
    v0 = min(nodes)
    seen = {frozenset([v0])}
    stack = [(frozenset([v0]), w[v0])]
    unknown = False
    while stack:
        steps[0] -= 1
        if steps[0] < 0:
            return None
        s, W = stack.pop()
        if W >= low:
            r = _tiles(R, nodes - s, low, high, steps)
            if r:
                return True
            unknown = unknown or r is None
        for x in s:
            for u, _ in R.cost[x]:
                if u in nodes and u not in s and W + w[u] <= high:
                    t = s | {u}
                    if t not in seen:
                        seen.add(t)
                        stack.append((t, W + w[u]))
    return None if unknown else False


def _pocket_usages(R, pocket, owners, caps, other, steps):
    """Every way the pieces of a ``pocket`` (a connected part cut off by the ``owners``) can be
    shared out: each piece goes to the grid of an adjacent owner (connected to it through the
    pieces it takes, within its capacity) or to grids lying wholly inside the pocket (in the
    ``other`` window).  Returns the set of households taken per owner, or None when the search
    ran out of ``steps``."""
    w = R.w
    pocket = sorted(pocket)
    choice = {}
    usages = set()
    incomplete = False

    def attached(o, share):
        reach, stack = set(), [o]
        while stack:
            x = stack.pop()
            for u, _ in R.cost[x]:
                if u in share and u not in reach:
                    reach.add(u)
                    stack.append(u)
        return reach == share

    def go(i, used):
        nonlocal incomplete
        steps[0] -= 1
        if steps[0] < 0:
            incomplete = True
            return
        if i == len(pocket):
            shares = {o: {v for v, c in choice.items() if c == o} for o in owners}
            if not all(attached(o, shares[o]) for o in owners if shares[o]):
                return
            rest = frozenset(v for v, c in choice.items() if c is None)
            ok = _tiles(R, rest, *(other or (None, None)), steps)
            if ok is None:
                incomplete = True
            elif ok:
                usages.add(tuple(used))
            return
        v = pocket[i]
        for j, o in enumerate(owners):
            if used[j] + w[v] <= caps[j]:
                choice[v] = o
                used[j] += w[v]
                go(i + 1, used)
                used[j] -= w[v]
        choice[v] = None
        go(i + 1, used)
        del choice[v]

    go(0, [0] * len(owners))
    return None if incomplete else usages


def _shares_fit(pockets, i, left, steps):
    """Can every pocket from ``i`` on take one of its ways of sharing out within the capacities
    ``left``?  True, False or None (``steps`` ran out)."""
    if i == len(pockets):
        return True
    _, owners, usages = pockets[i]
    for use in usages:
        steps[0] -= 1
        if steps[0] < 0:
            return None
        if all(u <= left[o] for o, u in zip(owners, use, strict=True)):
            for o, u in zip(owners, use, strict=True):
                left[o] -= u
            r = _shares_fit(pockets, i + 1, left, steps)
            for o, u in zip(owners, use, strict=True):
                left[o] += u
            if r is not False:
                return r
    return False


def _pocket_proof(R, members, big, wins, k, budget):
    """Proof by pockets: cut the part at the large pieces (and, failing that, at one more
    indivisible piece ``s``).  A small pocket that is left can only be shared out between the
    grids of the cut pieces around it and grids lying wholly inside it; when no way of doing
    so keeps every grid of a large piece within its window (and the grid of ``s`` within the
    largest window), the count ``k`` is ruled out.  Returns (k, piece, window, others,
    pocket pieces) or None."""
    w, g = R.w, R.g
    win_of = dict(zip(big, wins[0], strict=True))
    other = wins[1]
    top = max([wh for _, wh in wins[0]] + ([other[1]] if other else []))
    cuts = [()]
    if len(members) <= 400:
        cuts += [(s,) for s in sorted(members) if s not in win_of and w[s] > 0 and _indivisible(g, s, R.hi)]
    bigset = set(big)
    # the parts left by the large pieces alone; one more cut piece only splits its own part
    base = _pieces_of(R, members, bigset)
    part_of = {v: i for i, comp in enumerate(base) for v in comp}
    found = {}  # a pocket's pieces -> (owners, usages): the same pocket has the same owners
    for extra in cuts:
        cut = bigset | set(extra)
        caps = {v: wh - w[v] for v, (_, wh) in win_of.items()}
        for s in extra:
            caps[s] = top - w[s]
        if extra:
            i = part_of[extra[0]]
            comps = [c for j, c in enumerate(base) if j != i] + _small_pieces(R, part_of, i, extra[0])
            comps.sort(key=min)  # the order of _pieces_of over the whole part
        else:
            comps = base
        pockets = []
        for comp in comps:
            if len(comp) > POCKET_PIECES or not all(_indivisible(g, u, R.hi) for u in comp):
                continue
            key = (tuple(sorted(comp)), extra if any(u in extra for x in comp for u, _ in R.cost[x]) else ())
            if key not in found:
                owners = sorted({u for x in comp for u, _ in R.cost[x] if u in cut})
                usages = _pocket_usages(R, comp, owners, [caps[o] for o in owners], other, [budget])
                found[key] = (owners, usages)
            owners, usages = found[key]
            if usages is not None:
                pockets.append((comp, owners, usages))
        if not pockets:
            continue
        # share the capacities of the cut pieces between the pockets
        pockets.sort(key=lambda p: len(p[2]))
        if _shares_fit(pockets, 0, dict(caps), [budget]) is False:
            bad = next((p for p in pockets if not p[2]), None)
            involved = bad[1] if bad else sorted({o for p in pockets for o in p[1]})
            enclosed = sorted({u for p in ([bad] if bad else pockets) for u in p[0] if w[u] > 0})
            # the piece named first: a large piece around the pocket, else the cut piece, else
            # (a part small enough to be searched whole) its heaviest piece
            v = next((o for o in involved if o in win_of), None)
            if v is None:
                v = involved[0] if involved else max(enclosed, key=lambda u: (w[u], -u))
            return (k, v, win_of.get(v, other), tuple(o for o in involved if o != v), tuple(enclosed))
    return None


def _names(name, pieces):
    """Building ids of ``pieces``, each once (units of one building share its id)."""
    return list(dict.fromkeys(str(name(u)) for u in pieces))


def no_contiguous_partition(code, households, lo, hi, why, name):
    """``name(piece)``: the building id of a piece."""
    texts = []
    for k, v, (wl, wh), others, *pocket in why:
        if pocket:
            texts.append(
                f"分 {k} 格时建筑 {'、'.join(str(name(u)) for u in (v, *others))} 所围住的地块"
                f"（{'、'.join(_names(name, pocket[0])[:8])}{'等' if len(_names(name, pocket[0])) > 8 else ''}）"
                "只能并入这些建筑所在的网格或自成网格，无论怎样分配都有网格超出规定户数"
            )
        elif others:
            texts.append(
                f"分 {k} 格时含建筑 {name(v)} 和 {'、'.join(str(name(u)) for u in others)} 的网格各须在规定户数内，"
                "能凑成这些户数的相邻地块互相重叠，不能同时满足"
            )
        else:
            texts.append(
                f"分 {k} 格时含建筑 {name(v)} 的网格须为 {wl}–{wh} 户，但其相邻楼栋地块无法凑成此户数"
            )
    return {
        "reason": "no_contiguous_partition",
        "proven": True,
        "households": households,
        "min_households": lo,
        "max_households": hi,
        "ruled_out": [
            {
                "grid_count": k,
                "building_id": name(v),
                "window": [wl, wh],
                **({"with_building_ids": [name(u) for u in others]} if others else {}),
                **({"enclosed_building_ids": _names(name, pocket[0])} if pocket else {}),
            }
            for k, v, (wl, wh), others, *pocket in why
        ],
        "message_zh": (
            f"该区域 {code} 的连片部分共 {households} 户，按户数其他网格数都不可行；{'；'.join(texts)}"
            "（按街巷和楼栋用地划分），因此不存在全部在 "
            f"{lo}–{hi} 户之间的连片网格划分"
        ),
    }


def enclosed(code, building_id, households, neighbours, lo, hi):
    return {
        "reason": "enclosed_by_large_buildings",
        "proven": True,
        "building_id": building_id,
        "households": households,
        "neighbour_households": list(neighbours),
        "min_households": lo,
        "max_households": hi,
        "message_zh": (
            f"区域 {code} 的建筑 {building_id}（{households} 户）少于下限 {lo} 户，而它四周相邻的地块"
            f"（按街巷和楼栋用地划分）户数为 {list(neighbours)[:6]}，与任何相连地块合并都超过上限 {hi} 户："
            f"含这栋楼的连片网格不可能在 {lo}–{hi} 户之间"
        ),
    }
