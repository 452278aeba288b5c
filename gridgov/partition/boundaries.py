"""Where the grid boundaries run: on which class of cut line, and where they cut through a block.

Measured on the finished grid polygons (so areas kept as they were in a repair are measured the
same way as rebuilt ones): the rings of the grids of one area are cut into segments; a segment
that two grids share is internal boundary; its midpoint is looked up among the area's cut lines
(within :data:`ON_LINE` metres).  A shared segment on no line is an **in-block cut** — the
boundary leaves the streets there and runs between buildings (a yard, a party wall).  In-block
segments are merged per pair of grids into lines, reported with their length, and returned as
GeoJSON so that a reviewer can see them on a map.
"""

from __future__ import annotations

import numpy as np
import shapely

from .inputs import LINE_CLASSES

# a boundary segment whose midpoint is this close to a cut line lies on it (metres); grid
# boundaries between blocks are made of the noded lines themselves
ON_LINE = 0.05


def _shared_segments(geoms):
    """Segments of the rings of ``geoms`` shared by two of them: (start, end, owner a, owner b)."""
    rings, owner = shapely.get_rings(geoms, return_index=True)
    coords, ci = shapely.get_coordinates(rings, return_index=True)
    same = ci[:-1] == ci[1:]
    p0, p1 = coords[:-1][same], coords[1:][same]
    own = owner[ci[:-1][same]]
    swap = (p0[:, 0] > p1[:, 0]) | ((p0[:, 0] == p1[:, 0]) & (p0[:, 1] > p1[:, 1]))
    s0 = np.where(swap[:, None], p1, p0)
    s1 = np.where(swap[:, None], p0, p1)
    key = np.ascontiguousarray(np.round(np.column_stack([s0, s1]), 6))
    _, inv = np.unique(key.view(np.dtype((np.void, 32))).ravel(), return_inverse=True)
    inv = inv.ravel()
    order = np.argsort(inv, kind="stable")
    inv_s = inv[order]
    pair = np.flatnonzero(inv_s[:-1] == inv_s[1:])
    a, b = own[order[pair]], own[order[pair + 1]]
    keep = a != b
    k = order[pair][keep]
    return s0[k], s1[k], a[keep], b[keep]


def area_boundaries(geoms, lines, classes):
    """Internal boundary of the grids ``geoms`` of one area (projected polygons).

    ``lines``/``classes``: the area's cut lines and their class indexes.  Returns
    (metres per class — a list of len(LINE_CLASSES) + 1, the last being in-block —,
    {(i, j): in-block segments [(x0, y0, x1, y1)]} for grid indexes i < j)."""
    n_cls = len(LINE_CLASSES)
    metres = [0.0] * (n_cls + 1)
    cuts: dict = {}
    if len(geoms) < 2:
        return metres, cuts
    s0, s1, a, b = _shared_segments(np.asarray(geoms, dtype=object))
    if not len(s0):
        return metres, cuts
    ln = np.hypot(*(s1 - s0).T)
    cls = np.full(len(s0), n_cls, dtype=np.int64)
    if len(lines):
        mid = shapely.points((s0 + s1) / 2)
        tree = shapely.STRtree(lines)
        pi, li = tree.query(mid, predicate="dwithin", distance=ON_LINE)
        best = np.full(len(s0), n_cls, dtype=np.int64)
        np.minimum.at(best, pi, np.asarray(classes, dtype=np.int64)[li])
        cls = best
    sums = np.bincount(cls, weights=ln, minlength=n_cls + 1)
    metres = [float(x) for x in sums]
    inb = np.flatnonzero(cls == n_cls)
    for k in inb.tolist():
        i, j = int(min(a[k], b[k])), int(max(a[k], b[k]))
        cuts.setdefault((i, j), []).append((*s0[k], *s1[k]))
    return metres, cuts


def cut_lines(segments):
    """In-block segments of one pair of grids merged into (Multi)LineString(s)."""
    segs = [shapely.LineString([(x0, y0), (x1, y1)]) for x0, y0, x1, y1 in segments]
    return shapely.line_merge(shapely.union_all(segs))
