"""Local refinement after the search: whole block shares change grid, households go home.

* ``refine_blocks``: the share of a street block that one grid holds (its pieces there, a
  connected group) moves to a neighbouring grid when that lowers the cut cost and keeps both
  grids in range and connected.  Single-piece moves (``balance.refine_streets``) cannot do this:
  taking one building out of a shared block usually lengthens the cut through it, while taking
  the grid's whole share puts the boundary back on the block's streets.
* ``compact_pairs`` / ``compact_grids``: a grid under Polsby-Popper 0.5 and a neighbour are
  re-split when a candidate split of the pair rounds them off; then boundary pieces, and whole
  strips of empty land, change grid while the two grids' summed 4πA/P² rises (ADR 0018, 12).
* ``restore_homes`` (repair): pieces whose households sat in another grid before go back to it
  when both grids stay in range and connected and the cut gets no costlier than a set allowance,
  so a repair moves as few households as it can.
"""

from __future__ import annotations

import math

import numpy as np
import shapely

from .balance import bisect, components, connected


def _sums(R, parts):
    return {p: sum(R.w[v] for v in ns) for p, ns in parts.items()}


def _move(R, label, parts, wsum, group, src, dst):
    W = 0
    for v in group:
        parts[src].discard(v)
        parts[dst].add(v)
        label[v] = dst
        W += R.w[v]
    wsum[src] -= W
    wsum[dst] += W


def _gains(R, label, group, src):
    """(cut cost to the group's own grid, {other grid: cut cost to it}) for a group of pieces."""
    gs = set(group)
    own, ext = 0.0, {}
    for v in group:
        for u, c in R.cost[v]:
            if u in gs:
                continue
            lu = label.get(u)
            if lu is None:
                continue
            if lu == src:
                own += c
            else:
                ext[lu] = ext.get(lu, 0.0) + c
    return own, ext


# block-share moves keep this share of the household range free at both ends, so that a grid
# is not left on the bound, where the next household added breaks it (see ``repair``)
SLACK = 0.1


def refine_blocks(R, label, parts, fixed=frozenset(), rounds=3):
    """Move a grid's whole share of a divided street block to a neighbour when that is cheaper
    (see the module docstring).  Returns the number of moves."""
    m = int(SLACK * (R.hi - R.lo))
    lo, hi = R.lo + m, R.hi - m
    face = R.g.face
    wsum = _sums(R, parts)
    moves = 0
    for _ in range(rounds):
        owners = {}
        for v in sorted(label):
            owners.setdefault(int(face[v]), set()).add(label[v])
        shared = {f for f, ps in owners.items() if len(ps) > 1}
        if not shared:
            break
        groups = {}
        for v in sorted(label):
            f = int(face[v])
            if f in shared:
                groups.setdefault((f, str(label[v])), []).append(v)
        done = 0
        for key in sorted(groups):
            ns = [v for v in groups[key] if str(label[v]) == key[1]]
            if not ns:
                continue
            src = label[ns[0]]
            if src in fixed:
                continue
            for comp in components(ns, R.cost):
                if len(comp) >= len(parts[src]):
                    continue
                own, ext = _gains(R, label, comp, src)
                Wc = sum(R.w[v] for v in comp)
                for dst, to_dst in sorted(ext.items(), key=lambda t: (-t[1], str(t[0]))):
                    if to_dst <= own + 1e-6:
                        break
                    if dst in fixed or wsum[src] - Wc < lo or wsum[dst] + Wc > hi:
                        continue
                    rest = parts[src] - set(comp)
                    if not connected(list(rest), R.cost, rest):
                        continue
                    _move(R, label, parts, wsum, comp, src, dst)
                    done += 1
                    break
        moves += done
        if not done:
            break
    return moves


def restore_homes(R, label, parts, home, allowance=0.0, fixed=frozenset(), rounds=4):
    """Repair: move pieces back to ``home[v]`` (the grid their households were in before) while
    both grids stay in [min, max] and connected and the cut cost rises by at most
    ``allowance`` per household brought home.  Returns households brought home."""
    lo, hi = R.lo, R.hi
    wsum = _sums(R, parts)
    back = 0
    for _ in range(rounds):
        done = 0
        away = sorted(
            (v for v, p in label.items() if home.get(v) not in (None, p) and R.w[v] > 0),
            key=lambda v: (-R.w[v], v),
        )
        for v in away:
            src, dst = label[v], home[v]
            if dst not in parts or src in fixed or dst in fixed or len(parts[src]) <= 1:
                continue
            if not any(label.get(u) == dst for u, _ in R.cost[v]):
                continue
            # take the piece with whatever of its block hangs on it (pieces of ``src`` in the same
            # block that also came from ``dst``), so the cut does not wander through the block
            W = R.w[v]
            if wsum[src] - W < lo or wsum[dst] + W > hi:
                continue
            own, ext = _gains(R, label, [v], src)
            if ext.get(dst, 0.0) - own < -allowance * W:
                continue
            rest = parts[src] - {v}
            if not connected(list(rest), R.cost, rest):
                continue
            _move(R, label, parts, wsum, [v], src, dst)
            back += W
            done += 1
        if not done:
            break
    return back


def _grid_adjacency(R, label):
    adj = {}
    for v, p in label.items():
        for u, _ in R.cost[v]:
            q = label.get(u)
            if q is not None and q != p:
                adj.setdefault(p, set()).add(q)
    return adj


def _hop(R, label, parts, wsum, src, dst, done, log, steps=40):
    """Move boundary pieces of ``src`` that touch ``dst`` into ``dst`` until ``done()``: pieces
    with households first, the cheapest cut first; an empty piece (a yard, a square) only when
    no piece with households touches ``dst``, to reach the next ones.  False when nothing can
    go (``src`` would fall apart or under the minimum)."""
    while not done():
        steps -= 1
        if steps < 0:
            return False
        best = None
        for v in sorted(parts[src]):
            if wsum[src] - R.w[v] < R.lo:
                continue
            own, ext = _gains(R, label, [v], src)
            if dst not in ext:
                continue
            key = (R.w[v] <= 0, -(ext[dst] - own), R.w[v], v)
            if best is None or key < best[0]:
                rest = parts[src] - {v}
                if connected(list(rest), R.cost, rest):
                    best = (key, v)
        if best is None:
            return False
        v = best[1]
        _move(R, label, parts, wsum, [v], src, dst)
        log.append((v, src, dst))
    return True


def _paths(adj, c, fixed, depth=4, limit=60):
    """Simple paths of grids from ``c`` (up to ``depth`` hops), shortest first."""
    out, stack = [], [[c]]
    while stack:
        path = stack.pop()
        for q in sorted(adj.get(path[-1], ()), key=str, reverse=True):
            if q in path or q in fixed:
                continue
            np_ = [*path, q]
            out.append(np_)
            if len(np_) <= depth:
                stack.append(np_)
    out.sort(key=lambda p: (len(p), [str(x) for x in p]))
    return out[:limit] if len(out) > limit else out


def shift_chains(R, label, parts, bad, fixed=frozenset(), tries=40):
    """Repair: bring a grid over the maximum (under the minimum) back into range by passing
    households along chains of neighbouring grids to (from) grids with room, a few boundary
    buildings per hop, shortest chains first.  Moves far fewer households than re-splitting the
    grids round it, and keeps the grid count.  Returns the grids still out of range."""
    lo, hi = R.lo, R.hi
    wsum = _sums(R, parts)
    left = []
    for c in sorted(bad, key=str):
        if c not in parts or c in fixed:
            continue
        n_try = tries
        while not lo <= wsum[c] <= hi and n_try > 0:
            over = wsum[c] > hi
            need = wsum[c] - hi if over else lo - wsum[c]
            progress = False
            for path in _paths(_grid_adjacency(R, label), c, fixed, limit=4 * tries):
                if n_try <= 0:
                    break
                t = path[-1]
                room = hi - wsum[t] if over else wsum[t] - lo
                if room <= 0:
                    continue
                n_try -= 1
                a = min(need, room)
                goal = wsum[c] - a if over else wsum[c] + a
                log, good = [], True
                for i in range(len(path) - 1):
                    if over:
                        src, dst = path[i], path[i + 1]
                        lim = goal if i == 0 else hi
                        good = _hop(R, label, parts, wsum, src, dst, lambda s=src, m=lim: wsum[s] <= m, log)
                    else:
                        dst, src = path[i], path[i + 1]
                        lim = goal if i == 0 else lo
                        good = _hop(R, label, parts, wsum, src, dst, lambda d=dst, m=lim: wsum[d] >= m, log)
                    if not good:
                        break
                if good and all(lo <= wsum[p] <= hi for p in path[1:]):
                    progress = True
                    break
                for v, src, dst in reversed(log):
                    _move(R, label, parts, wsum, [v], dst, src)
            if not progress:
                break
        if not lo <= wsum[c] <= hi:
            left.append(c)
    return left


def _grow(R, label, parts, wsum, seed, c, forbidden):
    """A connected set round ``seed`` of min..max households, grown piece by piece (nearest
    first) from grids that keep the minimum, taking from ``c`` first while it is over the
    maximum; None if it gets stuck or a grid it takes from falls apart."""
    lo, hi = R.lo, R.hi
    xy = R.g.xy
    S, take, W = {seed}, {label[seed]: R.w[seed]}, R.w[seed]
    if label[seed] != c and wsum[label[seed]] - W < lo:
        return None
    front = {u for u, _ in R.cost[seed]} - forbidden
    x0, y0 = xy[seed]
    while W < lo or wsum[c] - take.get(c, 0) > hi:
        best = None
        c_over = wsum[c] - take.get(c, 0) > hi
        for u in front:
            if u in S:
                continue
            p = label[u]
            if W + R.w[u] > hi or wsum[p] - take.get(p, 0) - R.w[u] < lo:
                continue
            key = (not (c_over and p == c and R.w[u] > 0), (xy[u][0] - x0) ** 2 + (xy[u][1] - y0) ** 2, u)
            if best is None or key < best[0]:
                best = (key, u)
        if best is None:
            return None
        u = best[1]
        S.add(u)
        take[label[u]] = take.get(label[u], 0) + R.w[u]
        W += R.w[u]
        front |= {x for x, _ in R.cost[u]} - forbidden
    for p in take:
        rest = parts[p] - S
        if not rest or not connected(list(rest), R.cost, rest):
            return None
    return S, W


def carve_grid(R, label, parts, c, fixed=frozenset()):
    """Repair, when a grid is over the maximum and its neighbours have no room: a new grid is
    carved out of ``c`` and the grids round it — a connected set of pieces holding min..max
    households, grown from a piece of ``c`` at its edge, that leaves every grid it takes from in
    range and connected (the lightest such set over every start).  Moves only the new grid's
    households, where a re-split of the neighbourhood moves every boundary in it.  Returns
    True when a grid was carved."""
    wsum = _sums(R, parts)
    if c not in parts or wsum[c] <= R.hi:
        return False
    forbidden = {v for p in fixed if p in parts for v in parts[p]}
    best = None
    for v in sorted(parts[c]):
        if not any(label.get(u) not in (None, c) for u, _ in R.cost[v]):
            continue
        got = _grow(R, label, parts, wsum, v, c, forbidden)
        if got is not None:
            S, W = got
            cut = sum(cc for x in S for u, cc in R.cost[x] if u not in S)
            if best is None or (W, cut) < best[0]:
                best = ((W, cut), S)
    if best is None:
        return False
    n = 0
    while f"__new{n}" in parts:
        n += 1
    new = f"__new{n}" if isinstance(c, str) else max(parts) + 1
    parts[new] = set()
    wsum[new] = 0
    for x in sorted(best[1]):
        _move(R, label, parts, wsum, [x], label[x], new)
    return True


# compactness moves may lengthen the boundary between buildings by this many metres per unit of
# summed Polsby-Popper gained (a thin strip whose end is a short in-block cut still moves)
IN_BLOCK_PER_PP = 1000.0


def _pp(area, perim):
    return 4.0 * math.pi * area / (perim * perim) if perim > 0 else 0.0


def _shape_data(R):
    """(neighbours [(piece, shared metres, in-block metres)], perimeter, area) per piece."""
    g = R.g
    ei, ej, ln, _ = g.edges
    inb = g.edge_len_cls[:, -1] if g.edge_len_cls is not None else np.where(g.edges[3], 0.0, ln)
    nb = [[] for _ in range(g.n)]
    for i, j, l_, b_ in zip(ei.tolist(), ej.tolist(), ln.tolist(), inb.tolist(), strict=True):
        nb[i].append((j, l_, b_))
        nb[j].append((i, l_, b_))
    return nb, shapely.length(g.pieces).tolist(), np.asarray(g.areas, dtype=float).tolist()


def _area(area, ns):
    return sum(area[v] for v in ns)


def _perimeter(nb, per, ns):
    inner = sum(l_ for v in ns for u, l_, _ in nb[v] if u in ns)  # each shared edge twice
    return sum(per[v] for v in ns) - inner


def _in_block(nb, a, b):
    return sum(b_ for v in a for u, _, b_ in nb[v] if u in b)


def compact_pairs(R, label, parts, fixed=frozenset(), below=0.5, allowance=IN_BLOCK_PER_PP):
    """Re-split a pair of neighbouring grids, one of them less compact than ``below``, when
    another split of their union (the pair search's candidates) raises their summed
    Polsby-Popper; both stay in range, and the cut between buildings grows by at most
    ``allowance`` metres per unit gained.  Returns the pairs re-split."""
    if R.g.pieces is None or not len(R.g.edges):
        return 0
    nb, per, area = _shape_data(R)

    def pp(ns):
        return _pp(_area(area, ns), _perimeter(nb, per, ns))

    score = {p: pp(ns) for p, ns in parts.items() if ns}
    done = 0
    for p in sorted(score, key=lambda p: (score[p], str(p))):
        if score[p] >= below or p in fixed or not parts[p]:
            continue
        others = sorted({label[u] for v in parts[p] for u, _, _ in nb[v]} - {p, None} - set(fixed), key=str)
        best = None
        for q in others:
            a, b = parts[p], parts[q]
            if not (R.lo <= sum(R.w[v] for v in a) <= R.hi and R.lo <= sum(R.w[v] for v in b) <= R.hi):
                continue
            base = score[p] + score[q]
            cut0 = _in_block(nb, a, b)
            nodes = sorted(a | b)
            for stage in (0, 1):
                for x, _, y, _ in bisect(R, nodes, 2, 0, stage, limit=8, seeds=32):
                    xs, ys = set(x), set(y)
                    gain = pp(xs) + pp(ys) - base
                    if gain <= 0.02 or _in_block(nb, xs, ys) - cut0 > allowance * gain:
                        continue
                    if not (connected(x, R.cost, xs) and connected(y, R.cost, ys)):
                        continue
                    if best is None or gain > best[0]:
                        best = (gain, q, xs, ys)
        if best is None:
            continue
        _, q, xs, ys = best
        if len(xs & parts[p]) < len(ys & parts[p]):
            xs, ys = ys, xs
        parts[p], parts[q] = xs, ys
        for v in xs:
            label[v] = p
        for v in ys:
            label[v] = q
        score[p], score[q] = pp(xs), pp(ys)
        done += 1
    return done


def compact_grids(R, label, parts, fixed=frozenset(), rounds=8, allowance=IN_BLOCK_PER_PP):
    """Move boundary pieces between neighbouring grids while the two grids' summed
    Polsby-Popper 4πA/P² rises (see the module docstring).  A piece takes with it whatever of
    its grid hangs on it only (a thin strip of empty land between rail tracks moves whole),
    and a grid's whole stretch of empty pieces is tried as one move; both grids stay in
    [min, max] and connected; a move lengthens the boundary between buildings (in-block
    metres) by at most ``allowance`` per unit of summed Polsby-Popper gained.  Areas and
    perimeters are summed from the pieces, exactly.  Returns the moves."""
    g = R.g
    if g.pieces is None or not len(g.edges):
        return 0
    lo, hi = R.lo, R.hi
    nb, per, area = _shape_data(R)
    A = {p: _area(area, ns) for p, ns in parts.items()}
    P = {p: _perimeter(nb, per, ns) for p, ns in parts.items()}
    wsum = _sums(R, parts)
    moves = 0
    for _ in range(rounds):
        done = 0
        for v in sorted(label):
            src = label[v]
            if len(parts[src]) <= 1 or not any(label.get(u) not in (None, src) for u, _, _ in nb[v]):
                continue
            S = _with_branch(R, parts[src], v)
            if S is not None and _try_move(
                R, label, parts, wsum, A, P, nb, per, area, S, src, fixed, lo, hi, allowance
            ):
                done += 1
        # whole stretches of empty land (a rail yard, a strip along a road) held by one grid
        for src in sorted(parts, key=str):
            empty = [v for v in sorted(parts[src]) if R.w[v] == 0]
            for comp in components(empty, R.cost):
                S = set(comp)
                if len(S) < 2 or len(S) >= len(parts[src]) or label[comp[0]] != src:
                    continue
                rest = parts[src] - S
                if not connected(sorted(rest), R.cost, rest):
                    continue
                if _try_move(R, label, parts, wsum, A, P, nb, per, area, S, src, fixed, lo, hi, allowance):
                    done += 1
        moves += done
        if not done:
            break
    return moves


def _try_move(R, label, parts, wsum, A, P, nb, per, area, S, src, fixed, lo, hi, allowance):
    """Move the piece set ``S`` (connected, leaving ``src`` connected) from ``src`` to the
    neighbouring grid where the two grids' summed Polsby-Popper rises most, if it rises."""
    W = sum(R.w[x] for x in S)
    if W and (src in fixed or wsum[src] - W < lo):
        return False
    aS = sum(area[x] for x in S)
    pS = sum(per[x] for x in S)
    eS, to_src, b_src, to = 0.0, 0.0, 0.0, {}
    for x in S:
        for u, l_, b_ in nb[x]:
            if u in S:
                eS += l_ / 2
                continue
            q = label.get(u)
            if q == src:
                to_src += l_
                b_src += b_
            elif q is not None:
                t = to.setdefault(q, [0.0, 0.0])
                t[0] += l_
                t[1] += b_
    Ps = P[src] - pS + 2 * eS + 2 * to_src
    As = A[src] - aS
    before_s = _pp(A[src], P[src])
    best = None
    for dst in sorted(to, key=str):
        if W and (dst in fixed or wsum[dst] + W > hi):
            continue
        l_dst, b_dst = to[dst]
        Pd = P[dst] + pS - 2 * eS - 2 * l_dst
        gain = _pp(As, Ps) + _pp(A[dst] + aS, Pd) - before_s - _pp(A[dst], P[dst])
        if gain <= 1e-4 or b_src - b_dst > allowance * gain + 1e-6:
            continue
        if best is None or gain > best[0]:
            best = (gain, dst, Pd)
    if best is None:
        return False
    _, dst, Pd = best
    _move(R, label, parts, wsum, sorted(S), src, dst)
    A[src], P[src] = As, Ps
    A[dst], P[dst] = A[dst] + aS, Pd
    return True


def _with_branch(R, members, v):
    """``v`` and whatever of its grid would hang on it only (the parts cut off from the grid's
    heaviest part when ``v`` leaves); None when ``v`` holds the grid's households together."""
    rest = members - {v}
    comps = components(sorted(rest), R.cost)
    if len(comps) == 1:
        return {v}
    comps.sort(key=lambda c: (-sum(R.w[x] for x in c), -len(c), min(c)))
    if sum(R.w[x] for c in comps[1:] for x in c) > (R.hi - R.lo) // 2:
        return None
    return {v, *(x for c in comps[1:] for x in c)}
