"""Dead ends that carry grid boundaries, and a repair that carves a new grid (ADR 0018, 9–11)."""

import numpy as np
import shapely

from gridgov.partition import PartitionParams, partition, repair
from gridgov.partition.graph import _dead_end_links, _polygonize

from .places import load_place
from .test_places import _perturb
from .verify import verify


def test_a_dead_end_is_continued_to_the_nearest_cut():
    # given a 200 m block with a dead end entering from the south and ending at y=120, and a
    # cut between buildings running east–west at y=150
    face = shapely.box(0, 0, 200, 200)
    dead_end = shapely.LineString([(100, -0.5), (100, 120)])
    ridge = shapely.LineString([(-0.05, 150), (200.05, 150)])
    lines = np.asarray([dead_end], dtype=object)
    ridges = np.asarray([ridge], dtype=object)
    # without a link the dead end dangles: the land south of the cut is one piece
    before = _polygonize(np.concatenate([[shapely.boundary(face)], lines, ridges]), face)[1]
    assert len(before) == 2
    # when the dead end is continued
    out = _dead_end_links(ridges, face, lines, {})
    links = out[len(ridges) :]
    # then one straight link joins its free end to the cut (30 m), and the pieces it passes
    # are cut along it
    assert len(links) == 1 and abs(shapely.length(links[0]) - 30) < 0.5
    after = _polygonize(np.concatenate([[shapely.boundary(face)], lines, out]), face)[1]
    assert len(after) == 3


def test_a_dead_end_that_meets_the_rim_or_a_street_gets_no_link():
    face = shapely.box(0, 0, 200, 200)
    through = shapely.LineString([(100, -0.5), (100, 200.5)])
    ridges = np.asarray([shapely.LineString([(-0.05, 150), (200.05, 150)])], dtype=object)
    out = _dead_end_links(ridges, face, np.asarray([through], dtype=object), {})
    assert len(out) == len(ridges)


def test_grid_boundaries_follow_dead_ends_in_bubenec():
    # Prague-Bubeneč with households of seed 1: a dead end runs into its largest block; before
    # the links the boundary cut through the yard beside it and only 60.9 % of it lay on lines
    p = load_place("prague_bubenec", seed=1)
    r = partition(p.buildings, p.streets, p.areas, PartitionParams())
    v = verify(p.buildings, p.streets, p.areas, r.grids)
    assert v["unexcused"] == [] and v["single_polygon"]
    assert v["line_share"] >= 0.65


def test_repair_carves_a_new_grid_and_moves_few_households():
    # given the grids of Helsinki's old town, when households grow by 25 % round three
    # buildings and six buildings are added, one area no longer fits its grid count well
    p = load_place("helsinki_old_town")
    r0 = partition(p.buildings, p.streets, p.areas, PartitionParams())
    b2, _, _ = _perturb(p)
    r1 = repair(r0.grids, b2, p.streets, p.areas, PartitionParams())
    v1 = verify(b2, p.streets, p.areas, r1.grids)
    rep = r1.report
    # then a grid is carved instead of re-splitting the neighbourhood: every old code is kept
    # and at most 5 % of households change grid
    assert rep["moved_household_share"] <= 0.05
    assert not rep["removed_codes"]
    assert v1["unexcused"] == [] and v1["single_polygon"] and v1["buildings_once"]
    assert v1["gap_m2"] < 1.0 and v1["overlap_m2"] < 1.0
