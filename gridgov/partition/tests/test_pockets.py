"""Proofs by pockets (certify._pocket_proof): plots cut off by large buildings (and at most one
more plot) can only join the grids around them or form grids of their own.

The graphs are written out as plots with households and neighbours; every claim is checked
against an exhaustive search of all contiguous partitions."""

import random
from types import SimpleNamespace

from gridgov.partition.certify import no_contiguous_partition, partition_impossible
from gridgov.partition.graph import Member


def _region(w, edges, members=None, lo=350, hi=500):
    cost = [[] for _ in w]
    for i, j in edges:
        cost[i].append((j, 1.0))
        cost[j].append((i, 1.0))
    if members is None:
        members = [[Member(v, h)] if h else [] for v, h in enumerate(w)]
    g = SimpleNamespace(weight=w, members=members)
    return SimpleNamespace(g=g, w=w, cost=cost, lo=lo, hi=hi)


def _feasible(R, lo, hi):
    """Exhaustive: is there a partition into contiguous sets of lo..hi households?"""
    w = R.w

    def sets_from(v0, free):
        seen = {frozenset([v0])}
        stack = [(frozenset([v0]), w[v0])]
        while stack:
            s, W = stack.pop()
            yield s, W
            for x in s:
                for u, _ in R.cost[x]:
                    if u in free and u not in s and W + w[u] <= hi:
                        t = s | {u}
                        if t not in seen:
                            seen.add(t)
                            stack.append((t, W + w[u]))

    def go(free):
        if not free:
            return True
        return any(lo <= W and go(free - s) for s, W in sets_from(min(free), free))

    return go(frozenset(range(len(w))))


def _pocket_between_towers(first_pocket_plot):
    # towers of 480 (plot 0) and 378 (plot 1); a pocket of four plots (2-5) that touches only
    # the two towers; ten 40-household plots (6-15) in a chain from one tower to the other
    w = [480, 378, first_pocket_plot, 39, 42, 27] + [40] * 10
    edges = [(0, 2), (0, 5), (1, 4), (1, 5), (2, 3), (2, 4), (2, 5), (3, 4), (4, 5)]
    edges += [(0, 6), (15, 1)] + [(k, k + 1) for k in range(6, 15)]
    return _region(w, edges)


def test_pocket_between_two_towers_is_proven():
    # given 1,388 households: three grids, so the 480 tower's grid may add at most 20 and the
    # 378 tower's at most 122; the pocket (22+39+42+27 = 130) reaches out only through them,
    # and the tower of 480 can take none of its plots that touch it (22, 27)
    R = _pocket_between_towers(22)
    why = partition_impossible(R, list(range(len(R.w))), 350, 500)
    assert why and [k for k, *_ in why] == [3]
    k, v, window, others, pocket = why[0]
    assert {v, *others} == {0, 1} and set(pocket) == {2, 3, 4, 5}
    assert not _feasible(R, 350, 500)
    cert = no_contiguous_partition("430702001001", sum(R.w), 350, 500, why, lambda u: f"B{u}")
    assert cert["ruled_out"][0]["enclosed_building_ids"] == ["B2", "B3", "B4", "B5"]
    assert "所围住的地块" in cert["message_zh"]


def test_pocket_that_can_be_shared_out_is_not_claimed():
    # given the same with an 18-household plot next to the 480 tower: 480+18 and 378+108 fit
    R = _pocket_between_towers(18)
    assert _feasible(R, 350, 500)
    assert partition_impossible(R, list(range(len(R.w))), 350, 500) is None


def test_building_whose_units_reach_out_through_one_plot_and_a_tower():
    # given (as in a 250k synthetic city) a 427-household tower (plot 0), a 55-household plot
    # (1) and a building of four units 143/110/161/130 (plots 2-5) that touches only those two;
    # twelve plots of 36-37 households beyond. 1,464 households: three grids of 464-500 each. The tower's
    # grid can take no unit, no set of units is 464-500 on its own, so two grids would have to
    # reach the units through the one 55-household plot
    w = [427, 55, 143, 110, 161, 130] + [37, 36] * 6
    units = [[Member(9, h, (i,))] for i, h in enumerate(w[2:6])]
    members = [[Member(0, 427)], [Member(1, 55)], *units] + [[Member(10 + i, h)] for i, h in enumerate(w[6:])]
    edges = [(1, 2), (1, 3), (1, 4), (2, 5), (2, 3), (4, 5), (4, 0), (4, 3), (0, 1)]
    edges += [(1, 6), (17, 0)] + [(k, k + 1) for k in range(6, 17)]
    R = _region(w, edges, members)
    assert not _feasible(R, 350, 500)
    why = partition_impossible(R, list(range(len(w))), 350, 500)
    assert why and why[0][0] == 3 and set(why[0][4]) == {2, 3, 4, 5}
    assert {why[0][1], *why[0][3]} == {0, 1}


def test_a_unit_chunk_that_could_be_divided_is_not_claimed():
    # given the same with two units in one plot (a chunk that a grid could still divide)
    w = [427, 55, 253, 161, 130] + [73] * 6
    members = [[Member(0, 427)], [Member(1, 55)], [Member(9, 253, (0, 1))], [Member(9, 161, (2,))]]
    members += [[Member(9, 130, (3,))]] + [[Member(10 + i, 73)] for i in range(6)]
    edges = [(1, 2), (1, 3), (2, 4), (3, 4), (3, 0), (0, 1), (1, 5), (10, 0)]
    edges += [(k, k + 1) for k in range(5, 10)]
    R = _region(w, edges, members)
    why = partition_impossible(R, list(range(len(w))), 350, 500)
    assert not why or all(len(entry) == 4 for entry in why)


def test_no_false_proofs_on_random_small_graphs():
    # given random connected plot graphs (bounds 35-50 so that small graphs are tight): every
    # claimed proof is checked against the exhaustive search
    rng = random.Random(11)
    lo, hi = 35, 50
    claims = pockets = 0
    for _ in range(600):
        n = rng.randint(4, 10)
        w = [rng.choice([0, 1, 2, 3, 5, 8, 10, 13, 20, 26, 30, 38, 45, 48]) for _ in range(n)]
        edges = {(i, i + 1) for i in range(n - 1)}
        for _ in range(rng.randint(0, n)):
            i, j = sorted(rng.sample(range(n), 2))
            edges.add((i, j))
        R = _region(w, sorted(edges), lo=lo, hi=hi)
        if sum(w) < lo:
            continue
        why = partition_impossible(R, list(range(n)), lo, hi)
        if why:
            claims += 1
            pockets += any(len(entry) == 5 for entry in why)
            assert not _feasible(R, lo, hi), (w, sorted(edges), why)
    assert claims > 50 and pockets > 5
