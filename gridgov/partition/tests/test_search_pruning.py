"""Work the search skips (issue 13, speed pass): each shortcut must give the answer the full
search or walk would give.

* ``split_region`` does not search a count that counting with the pieces over max/2 rules out;
* a district tries the fall-back grid counts only on its finest graph;
* the pocket proof finds the pockets left by one more cut piece with a bounded walk;
* ``target="max"`` still reaches the per-part bound on a small synthetic city.
"""

import random

from gridgov.partition import PartitionParams, balance, partition
from gridgov.partition.balance import components, split_region
from gridgov.partition.certify import POCKET_PIECES, _pieces_of, _small_pieces, count_windows
from gridgov.partition.engine import _k_order
from gridgov.partition.synthetic import make_city

from .test_pockets import _feasible, _region


def test_split_region_skips_a_count_ruled_out_by_large_pieces(monkeypatch):
    # 1,200 households fit three grids by total (1,050..1,500), but the pieces of 480, 470 and
    # 260 (each over 250) need three grids of their own holding at least 480 + 470 + 350
    calls = []
    monkeypatch.setattr(balance, "bisect", lambda *a, **k: calls.append(a) or [])
    R = _region([480, 470, 260, 0, 0], [(0, 1), (1, 2), (2, 3), (3, 4)])
    budget = [60]
    assert count_windows(sum(R.w), [480, 470, 260], 350, 500, 3) is None
    assert split_region(R, [0, 1, 2, 3, 4], 3, budget) is None
    assert calls == [] and budget[0] == 60  # nothing searched, no budget spent
    # a count that counting allows is searched
    R2 = _region([480, 100, 300], [(0, 1), (1, 2)])
    assert count_windows(880, [480, 300], 350, 500, 2) is not None
    assert split_region(R2, [0, 1, 2], 2, [60]) is None  # (the stub search finds no cut)
    assert calls


def test_counting_never_rules_out_a_feasible_count():
    """The pruning is sound: whenever a partition into k contiguous grids exists, counting
    allows k (checked against an exhaustive search on random small graphs)."""
    rnd = random.Random(7)
    checked = 0
    for _ in range(300):
        n = rnd.randint(3, 8)
        w = [rnd.choice([0, 20, 60, 120, 180, 260, 300, 340, 380, 450, 490]) for _ in range(n)]
        edges = [(i, i + 1) for i in range(n - 1)]
        edges += [(i, j) for i in range(n) for j in range(i + 2, n) if rnd.random() < 0.25]
        R = _region(w, edges)
        H = sum(w)
        for k in range(1, H // 350 + 1):
            atoms = [x for x in w if x > 250]
            if count_windows(H, atoms, 350, 500, k) is not None:
                continue
            checked += 1
            assert not _feasible_k(R, k), (w, edges, k)
    assert checked > 50


def _feasible_k(R, k):
    """Exhaustive: a partition into exactly k contiguous sets of 350..500 households?"""
    w = R.w
    n = len(w)

    def go(free, k):
        if not free:
            return k == 0
        if k == 0:
            return False
        v0 = min(free)
        seen = {frozenset([v0])}
        stack = [(frozenset([v0]), w[v0])]
        while stack:
            s, W = stack.pop()
            if W >= 350 and go(free - s, k - 1):
                return True
            for x in s:
                for u, _ in R.cost[x]:
                    if u in free and u not in s and W + w[u] <= 500:
                        t = s | {u}
                        if t not in seen:
                            seen.add(t)
                            stack.append((t, W + w[u]))
        return False

    return go(frozenset(range(n)), k)


def test_feasible_k_agrees_with_feasible():
    R = _region([200, 200, 400, 100], [(0, 1), (1, 2), (2, 3)])
    assert _feasible_k(R, 2) and _feasible(R, 350, 500)
    assert not _feasible_k(R, 3)


def test_fall_back_counts_only_where_asked():
    p = PartitionParams()
    assert _k_order(7, 2900, p) == [7, 8, 6]
    assert _k_order(7, 2900, p, final=False) == [7, 8, 6]  # a place: every level
    assert _k_order(7, 2900, p, final=False, others=False) == [7]  # a district's coarse levels
    mx = PartitionParams(target="max")
    assert _k_order(8, 2900, mx, final=False) == [8]
    assert _k_order(8, 2900, mx) == [8, 7, 6]


def test_small_pieces_are_the_small_parts_of_the_full_walk():
    rnd = random.Random(3)
    for _ in range(200):
        n = rnd.randint(5, 60)
        edges = [(i, rnd.randrange(i)) for i in range(1, n)]  # a random tree, then extra edges
        edges += [(rnd.randrange(n), rnd.randrange(n)) for _ in range(rnd.randint(0, n))]
        edges = [(i, j) for i, j in edges if i != j]
        R = _region([40] * n, edges)
        members = set(range(n))
        big = set(rnd.sample(range(n), rnd.randint(1, max(1, n // 6))))
        base = _pieces_of(R, members, big)
        part_of = {v: i for i, comp in enumerate(base) for v in comp}
        for s in rnd.sample(sorted(members - big), min(5, len(members - big))):
            i = part_of[s]
            want = sorted(
                sorted(c) for c in _pieces_of(R, set(base[i]), big | {s}) if len(c) <= POCKET_PIECES
            )
            assert sorted(_small_pieces(R, part_of, i, s)) == want


def test_target_max_reaches_the_per_part_bound_on_a_small_district():
    b, s, a = make_city(30_000, seed=1)
    r = partition(b, s, a, PartitionParams(target="max", effort=1))
    ws, _ = r._state
    bound = sum(
        max(1, sum(R.w[v] for v in comp) // 350)
        for R in ws.regions
        for comp in components(list(range(R.g.n)), R.cost)
    )
    assert r.report["grid_count"] >= 0.97 * bound
    assert r.report["share_in_range"] == 1.0
    # and more grids than the balanced target gives
    assert r.report["grid_count"] > partition(b, s, a, PartitionParams(effort=1)).report["grid_count"]


def test_a_coarse_graph_with_a_proof_is_not_searched(monkeypatch):
    """A retry on a coarser graph (``prove``) skips the search where a proof shows that no
    partition of that graph exists; the first try (and the finest graph) still searches."""
    from gridgov.partition import engine

    from .test_pockets import _pocket_between_towers

    R = _pocket_between_towers(22)
    R.g.atomic_over = {}
    R.effort = 1
    nodes = list(range(len(R.w)))
    assert certify_impossible(R, nodes)
    calls = []
    monkeypatch.setattr(engine, "split_region", lambda *a, **k: calls.append(a) or None)
    p = PartitionParams()
    assert engine.plan_component(R, nodes, "X", 1, p, final=False, prove=True) is None
    assert calls == []
    assert engine.plan_component(R, nodes, "X", 1, p, final=False) is None
    assert calls  # without ``prove`` the coarse graph is searched as before


def certify_impossible(R, nodes):
    from gridgov.partition.certify import partition_impossible

    return partition_impossible(R, nodes, 350, 500)
