"""From geometry to a weighted face graph, one boundary area at a time.

Streets and the area's rings are noded and polygonized into street blocks (faces).  A block
heavier than ``split_threshold`` households is cut into building pieces along the Voronoi
ridges between its buildings (a building over the maximum with per-unit counts gets one
generator per unit chunk), so the partitioner can cut through it when it must.  All ridges
are noded together with the streets in a second polygonize, which makes every shared edge
between two pieces an identical coordinate sequence: adjacency is then found by hashing
segments, and the union of pieces is an exact tiling of the area.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np
import shapely

# chunk generators of a split building sit on a circle of this radius (metres)
_CHUNK_RADIUS = 0.05
# street ends are lengthened by this (metres) so T-junctions that miss by a hair are noded
_SNAP = 0.5
# a path or track lying this close to a street (metres) along most of its length runs beside it
_SIDEWALK = 12.0
# Voronoi ridges are clipped to the block grown by this (metres) so they cross the street
# line and get noded onto it
_RIDGE_OVERSHOOT = 0.05


@dataclass
class Member:
    """What a piece holds: a building, or some of its units."""

    building: int
    households: int
    units: tuple[int, ...] | None = None


@dataclass
class AreaGraph:
    code: str
    polygon: object  # projected area polygon
    pieces: np.ndarray  # projected Polygons
    weight: np.ndarray  # int64 households per piece
    face: np.ndarray  # parent street block of each piece
    n_faces: int
    xy: np.ndarray  # piece centroids
    areas: np.ndarray
    members: list  # list[list[Member]]
    edges: tuple = field(default=())  # (i, j, length, on a line) arrays, i < j
    atomic_over: dict = field(default_factory=dict)  # piece -> (building, unit, households)
    # per edge: cost (metres × class weight, or × block_cut_penalty between buildings) and
    # metres per line class (columns: inputs.LINE_CLASSES, then "in block")
    edge_cost: np.ndarray | None = None
    edge_len_cls: np.ndarray | None = None
    lines: tuple | None = None  # the area's cut lines and their classes (for the report)
    walls: bool = False  # some block was cut along party walls (see _party_walls)

    @property
    def n(self) -> int:
        return len(self.weight)

    def light(self):
        """A copy without the geometry and members (what the report needs, cheap to pickle)."""
        g = copy.copy(self)
        g.pieces = g.members = g.xy = g.areas = g.polygon = None
        g.building_ids = None
        return g

    @property
    def nbrs(self):
        """list[list[(j, length, street)]] per piece (built from ``edges`` on demand)."""
        out = [[] for _ in range(self.n)]
        if len(self.edges):
            ei, ej, ln, st = self.edges
            for a_, b_, ln_, st_ in zip(ei.tolist(), ej.tolist(), ln.tolist(), st.tolist(), strict=True):
                out[a_].append((b_, ln_, st_))
                out[b_].append((a_, ln_, st_))
        return out


def _lines_only(geoms):
    parts = shapely.get_parts(geoms)
    if not len(parts):
        return parts
    ok = np.isin(shapely.get_type_id(parts), (1, 2)) & ~shapely.is_empty(parts)
    return parts[ok]


def extend_ends(lines, by):
    """Lengthen every LineString by ``by`` metres at both ends so near-miss T-junctions node."""
    coords, idx = shapely.get_coordinates(lines, return_index=True)
    if not len(coords):
        return lines
    starts = np.r_[0, np.flatnonzero(np.diff(idx)) + 1]
    ends = np.r_[starts[1:] - 1, len(coords) - 1]
    ok = ends > starts
    s, e = starts[ok], ends[ok]
    for a, b in ((s, s + 1), (e, e - 1)):
        d = coords[a] - coords[b]
        n = np.hypot(d[:, 0], d[:, 1])
        good = n > 0
        coords[a[good]] += d[good] / n[good, None] * by
    return shapely.linestrings(coords, indices=idx)


def _polygonize(lines, area):
    noded = shapely.union_all(lines)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    if not len(faces):
        return noded, faces
    inside = shapely.contains(area, shapely.point_on_surface(faces))
    return noded, faces[inside]


def _chunks(units, chunk_cap):
    """Greedy consecutive groups of unit indexes, each at most ``chunk_cap`` (one unit may exceed)."""
    groups, cur, tot = [], [], 0
    for k, u in enumerate(units):
        if cur and tot + u > chunk_cap:
            groups.append(tuple(cur))
            cur, tot = [], 0
        cur.append(k)
        tot += u
    if cur:
        groups.append(tuple(cur))
    return groups


def _generators(bidx, buildings, max_h, chunk_cap):
    """Generator points of the buildings ``bidx``: (points, members, households, position in bidx).

    One point per building, except a building over ``max_h`` with unit counts: one point per
    chunk of units (on a tiny circle round the building), so that it can be divided by unit
    (along the party walls between its staircases).  ``max_h`` is the maximum, or lower when
    the land is refined (see ``build_area_graph``'s ``divide``)."""
    bl = bidx.tolist()
    hh = buildings.households[bidx].tolist()
    xy = buildings.xy[bidx]
    units = buildings.units
    if not any(h > max_h for h in hh):  # one point per building (the common case, at once)
        return (
            xy.astype(float),
            [[Member(b, h)] for b, h in zip(bl, hh, strict=True)],
            np.asarray(hh, dtype=np.int64),
            np.arange(len(bl), dtype=np.int64),
        )
    pts, mem, gh, pos = [], [], [], []
    for i, (b, h) in enumerate(zip(bl, hh, strict=True)):
        us = units[b] if h > max_h else None
        if us and len(us) > 1:
            groups = _chunks(us, chunk_cap)
            if len(groups) > 1:
                x, y = xy[i]
                for g, grp in enumerate(groups):
                    ang = 2 * np.pi * g / len(groups)
                    pts.append((x + _CHUNK_RADIUS * np.cos(ang), y + _CHUNK_RADIUS * np.sin(ang)))
                    gsum = sum(us[k] for k in grp)
                    mem.append([Member(b, gsum, grp)])
                    gh.append(gsum)
                    pos.append(i)
                continue
        pts.append(None)
        mem.append([Member(b, h)])
        gh.append(h)
        pos.append(i)
    pos = np.asarray(pos, dtype=np.int64)
    out = np.empty((len(pts), 2), dtype=float)
    if len(pts):
        plain = np.fromiter((p is None for p in pts), dtype=bool, count=len(pts))
        out[plain] = xy[pos[plain]]
        for k in np.flatnonzero(~plain).tolist():
            out[k] = pts[k]
    return out, mem, np.asarray(gh, dtype=np.int64), pos


def _dedupe(pts, mem):
    key = np.round(pts, 3)
    if len(set(map(tuple, key.tolist()))) == len(pts):
        return pts, mem  # the common case, without np.unique(axis=0) and its overhead
    _, first, inv = np.unique(key, axis=0, return_index=True, return_inverse=True)
    if len(first) == len(pts):
        return pts, mem
    merged = [[] for _ in first]
    for k, g in enumerate(inv.ravel()):
        merged[g].extend(mem[k])
    return pts[first], merged


def _class_lines(area, streets, street_tree, street_class, sidewalks=False):
    """The cut lines inside ``area`` (lengthened at both ends) and their class indexes."""
    if street_tree is None:
        return np.empty(0, dtype=object), np.zeros(0, dtype=np.int8)
    cand = street_tree.query(area, predicate="intersects")
    if not len(cand):
        return np.empty(0, dtype=object), np.zeros(0, dtype=np.int8)
    parts, owner = shapely.get_parts(shapely.intersection(streets[cand], area), return_index=True)
    ok = np.isin(shapely.get_type_id(parts), (1, 2)) & ~shapely.is_empty(parts)
    cls = street_class[cand][owner] if street_class is not None else np.zeros(len(parts), dtype=np.int8)
    parts, cls = parts[ok], np.asarray(cls[ok], dtype=np.int8)
    side = cls != 0
    if not sidewalks and side.any() and (~side).any():
        # a path or track along a street (a sidewalk, a tram track in the carriageway) is the
        # street itself: it would only cut thin empty strips beside it
        zone = shapely.buffer(shapely.union_all(parts[~side]), _SIDEWALK, quad_segs=2)
        ln = shapely.length(parts[side])
        inside = shapely.length(shapely.intersection(parts[side], zone))
        drop = np.zeros(len(parts), dtype=bool)
        drop[np.flatnonzero(side)[inside > 0.8 * ln]] = True
        parts, cls = parts[~drop], cls[~drop]
    return extend_ends(parts, _SNAP), cls


def _area_faces(area, streets, street_tree, buildings, bidx, street_class=None, sidewalks=False):
    """Street blocks of one area and the block of each building (independent of the split level).

    Every cut line bounds blocks (streets, service roads, paths, rail, water, park edges);
    a line that closes no block (a dead end) still cuts the pieces of a block split into
    building plots."""
    clines, ccls = _class_lines(area, streets, street_tree, street_class, sidewalks)
    lines = _lines_only(np.concatenate([np.atleast_1d(shapely.boundary(area)), clines]))
    noded, faces = _polygonize(lines, area)
    if not len(faces):
        faces = np.asarray(shapely.get_parts(area))
    face_of_b = _locate(faces, buildings.points[bidx])
    fw = np.bincount(face_of_b, weights=buildings.households[bidx], minlength=len(faces)).astype(np.int64)
    return noded, faces, face_of_b, fw, {"lines": (clines, ccls)}


def build_area_graph(
    code,
    area,
    streets,
    street_tree,
    buildings,
    bidx,
    params,
    split_threshold=None,
    faces_cache=None,
    split_faces=None,
    street_class=None,
    divide=False,
    walls=True,
    snap=True,
):
    """The face graph of one area. ``bidx``: indexes of the buildings inside it.

    Blocks heavier than ``split_threshold`` (default max − min) are cut into building pieces,
    and so are the blocks flagged in ``split_faces`` (a bool array over the blocks).
    ``faces_cache``: the ``_area_faces`` result for the same inputs (a rebuild at another split
    level reuses the street blocks instead of polygonizing again).  ``divide``: refined land —
    buildings with unit counts of more than (max − min) / 2 households may be divided by unit
    too (not only those over the maximum).
    """
    lo, hi = params.min_households, params.max_households
    if split_threshold is None:
        split_threshold = max(1, hi - lo)
    if faces_cache is None:
        faces_cache = _area_faces(area, streets, street_tree, buildings, bidx, street_class)
    noded, faces, face_of_b, fw = faces_cache[:4]
    extra = faces_cache[4] if len(faces_cache) > 4 else {}  # face -> ridges, "gen" -> generators

    # heavy faces -> Voronoi ridges
    ridges = []
    used_walls = False
    heavy_mask = fw > split_threshold
    if split_faces is not None:
        heavy_mask |= split_faces
    heavy = np.flatnonzero(heavy_mask)
    mode = "gen_divide" if divide else "gen"
    gen = extra.get(mode)
    if gen is None:
        over = max(1, (hi - lo) // 2) if divide else hi
        gen = extra[mode] = _generators(bidx, buildings, over, max(1, hi - lo))
    gpts, gmem, gh, gpos = gen
    gface = face_of_b[gpos] if len(gpos) else gpos
    clines, ccls = extra.get("lines", (np.empty(0, dtype=object), np.zeros(0, dtype=np.int8)))
    for f in heavy.tolist():
        cached = extra.get((f, divide, walls, snap))
        if cached is None:
            sel = np.flatnonzero(gface == f)
            pts, mem = _dedupe(gpts[sel], [gmem[k] for k in sel.tolist()])
            r, on_walls = False, False
            if len(pts) >= 2:
                if walls and "attached" not in extra:
                    extra["attached"] = _attached(bidx, buildings)
                r = _party_walls(faces[f], pts, mem, buildings, extra["attached"]) if walls else None
                on_walls = r is not None
                if r is None:
                    mp = shapely.multipoints(pts)
                    edges = shapely.voronoi_polygons(mp, only_edges=True, extend_to=faces[f])
                    r = _lines_only(shapely.intersection(edges, shapely.buffer(faces[f], _RIDGE_OVERSHOOT)))
                if snap:
                    r = _snap_ridges(r, faces[f], clines, extra, params.snap_m)
                    r = _dead_end_links(r, faces[f], clines, extra)
            cached = extra[(f, divide, walls, snap)] = (r, on_walls)
        r, on_walls = cached
        used_walls |= on_walls
        if r is not False:
            ridges.append(r)
    if ridges:
        _, pieces = _polygonize(np.concatenate([shapely.get_parts(noded), *ridges]), area)
        parent = _locate(faces, shapely.point_on_surface(pieces))
    else:
        pieces, parent = faces, np.arange(len(faces))

    # members: generator points of every building, located in pieces
    members = [[] for _ in range(len(pieces))]
    weight = np.zeros(len(pieces), dtype=np.int64)
    atomic_over = {}
    if len(gpts):
        if ridges:
            where = _locate(pieces, shapely.points(gpts))
        else:
            where = gface
        for k, p in enumerate(where.tolist()):
            members[p].extend(gmem[k])
        weight = np.bincount(where, weights=gh, minlength=len(pieces)).astype(np.int64)
        for k in np.flatnonzero(gh > hi).tolist():
            atomic_over[int(where[k])] = gmem[k][0]
    g = AreaGraph(
        code=code,
        polygon=area,
        pieces=pieces,
        weight=weight,
        face=parent,
        n_faces=len(faces),
        xy=shapely.get_coordinates(shapely.centroid(pieces)),
        areas=shapely.area(pieces),
        members=members,
        atomic_over=atomic_over,
        lines=(clines, ccls),
        walls=used_walls,
    )
    _adjacency(g, clines, ccls, params)
    return g


def _locate(polys, points):
    """Index of the polygon containing each point (nearest polygon for points on an edge)."""
    n = len(points)
    out = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return out
    tree = shapely.STRtree(polys)
    pi, gi = tree.query(points, predicate="within")
    out[pi] = gi
    miss = np.flatnonzero(out < 0)
    if len(miss):
        pi, gi = tree.query_nearest(points[miss], all_matches=False)
        out[miss[pi]] = gi
    return out


# attached footprints are shrunk by this much before their outlines are sampled (metres), so
# the two sides of a party wall stay apart and the cut between them runs down the wall
_WALL_INSET = 0.5
_WALL_STEP = 2.0  # metres between samples of a footprint outline


def _attached(bidx, buildings):
    """Bool per building index (of the whole input): does its footprint touch another one of
    ``bidx`` (a party wall)?"""
    out = np.zeros(len(buildings.ids), dtype=bool)
    if len(bidx) < 2:
        return out
    fps = buildings.footprints(bidx)
    poly = np.flatnonzero(np.isin(shapely.get_type_id(fps), (3, 6)))
    if len(poly) < 2:
        return out
    i, j = shapely.STRtree(fps[poly]).query(fps[poly], predicate="intersects")
    hit = i != j
    out[bidx[poly[i[hit]]]] = True
    return out


def _party_walls(face, pts, mem, buildings, attached):
    """Cuts between the buildings of one block that follow their outlines: the Voronoi
    diagram of points along every footprint (shrunk by ``_WALL_INSET``), with the cells of one
    building merged, so that a cut runs down party walls and the middle of yards instead of
    through buildings.  Only for blocks whose footprints touch (attached buildings); None
    otherwise (the Voronoi diagram of the building points is used)."""
    whole = [k for k, ms in enumerate(mem) if len(ms) == 1 and ms[0].units is None]
    if len(whole) < 2:
        return None
    bidx = np.asarray([mem[k][0].building for k in whole], dtype=np.int64)
    if not attached[bidx].any():
        return None  # detached buildings: the points' Voronoi diagram is as good
    fps = buildings.footprints(bidx)
    poly = np.isin(shapely.get_type_id(fps), (3, 6))
    if poly.sum() < 2:
        return None
    owner = [np.arange(len(pts))]  # each generator its own owner; a building's samples join it
    xs = [pts]
    sel = np.flatnonzero(poly)
    inner = shapely.buffer(fps[sel], -_WALL_INSET)
    ok = ~shapely.is_empty(inner) & (shapely.area(inner) >= 4.0)
    if ok.any():
        c, ci = shapely.get_coordinates(
            shapely.segmentize(shapely.boundary(inner[ok]), _WALL_STEP), return_index=True
        )
        xs.append(c)
        owner.append(np.asarray(whole, dtype=np.int64)[sel[ok]][ci])
    allp = np.concatenate(xs)
    owner = np.concatenate(owner)
    key = np.round(allp, 3)
    _, first = np.unique(key, axis=0, return_index=True)
    first.sort()
    allp, owner = allp[first], owner[first]
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.multipoints(allp), extend_to=face, ordered=True)
    )
    if len(cells) != len(allp):
        return None
    rings, ri = shapely.get_rings(cells, return_index=True)
    coords, ci = shapely.get_coordinates(rings, return_index=True)
    same = ci[:-1] == ci[1:]
    p0, p1 = coords[:-1][same], coords[1:][same]
    own = owner[ri[ci[:-1][same]]]
    swap = (p0[:, 0] > p1[:, 0]) | ((p0[:, 0] == p1[:, 0]) & (p0[:, 1] > p1[:, 1]))
    s0 = np.where(swap[:, None], p1, p0)
    s1 = np.where(swap[:, None], p0, p1)
    k_ = np.ascontiguousarray(np.round(np.column_stack([s0, s1]), 6))
    _, inv = np.unique(k_.view(np.dtype((np.void, 32))).ravel(), return_inverse=True)
    inv = inv.ravel()
    order = np.argsort(inv, kind="stable")
    inv_s = inv[order]
    pair = np.flatnonzero(inv_s[:-1] == inv_s[1:])
    a, b = own[order[pair]], own[order[pair + 1]]
    cut = order[pair][a != b]
    if not len(cut):
        return None
    segs = shapely.linestrings(np.stack([s0[cut], s1[cut]], axis=1))
    merged = shapely.line_merge(shapely.union_all(segs))
    return _lines_only(shapely.intersection(merged, shapely.buffer(face, _RIDGE_OVERSHOOT)))


def _snap_ridges(ridges, face, clines, extra, tol):
    """Cuts between buildings that run within ``tol`` metres of a line inside the block (a dead
    end, a footpath) are moved onto it: the ridges are cut back to ``tol`` from the line and
    joined to it by the shortest segment, so a grid boundary there runs down the line's centre
    and does not wander beside it."""
    if tol <= 0 or not len(ridges) or not len(clines):
        return ridges
    tree = extra.get("line_tree")
    if tree is None:
        tree = extra["line_tree"] = shapely.STRtree(clines)
    inside = tree.query(face, predicate="intersects")
    if not len(inside):
        return ridges
    inner = clines[inside]
    # only lines that enter the block (dead ends, paths through it); its rim is a line anyway
    inner = inner[shapely.relate_pattern(face, inner, "T********")]
    if len(inner):  # more than the lengthened end of a line at a corner
        inner = inner[shapely.length(shapely.intersection(inner, face)) > 2 * _SNAP + 0.1]
    if not len(inner):
        return ridges
    close = np.unique(shapely.STRtree(ridges).query(inner, predicate="dwithin", distance=tol)[1])
    if not len(close):
        return ridges
    near = shapely.union_all(inner)
    zone = shapely.buffer(near, tol, quad_segs=2)
    # a ridge that only meets the line end-on is left alone; one that runs along it is moved
    along = shapely.length(shapely.intersection(ridges[close], zone)) > 2.5 * tol
    close = close[along]
    if not len(close):
        return ridges
    keep = np.ones(len(ridges), dtype=bool)
    keep[close] = False
    cut = np.concatenate([ridges[keep], _lines_only(shapely.difference(ridges[close], zone))])
    if not len(cut):
        return cut
    ends = np.concatenate([shapely.get_point(cut, 0), shapely.get_point(cut, -1)])
    close = shapely.distance(ends, near) <= tol * 1.001
    joins = shapely.shortest_line(ends[close], near) if close.any() else np.empty(0, dtype=object)
    return np.concatenate([cut, _lines_only(joins)])


# a line that ends inside a block is continued straight for at most this many metres
_DEAD_END_REACH = 60.0


def _dead_end_links(ridges, face, clines, extra, reach=_DEAD_END_REACH):
    """Lines that end inside the block (a dead end, a cul-de-sac, a path) are continued straight
    from each free end to the first cut, line or block edge they meet (at most ``reach``
    metres).  Without it the line only bounds pieces where a cut between buildings happens to
    cross it; with it every piece it passes is cut along it, so a grid boundary can run down the
    dead end and leave it only for the short link (an in-block cut, priced as one)."""
    if isinstance(ridges, bool) or not len(ridges) or not len(clines):
        return ridges
    tree = extra.get("line_tree")
    if tree is None:
        tree = extra["line_tree"] = shapely.STRtree(clines)
    inside = tree.query(face, predicate="intersects")
    if not len(inside):
        return ridges
    inner = clines[inside]
    inner = inner[shapely.relate_pattern(face, inner, "T********")]
    if not len(inner):
        return ridges
    parts = _lines_only(shapely.intersection(inner, face))
    parts = parts[shapely.length(parts) > 2 * _SNAP + 0.1]
    if not len(parts):
        return ridges
    rim = shapely.boundary(face)
    ptree = shapely.STRtree(parts)
    coords, idx = shapely.get_coordinates(parts, return_index=True)
    starts = np.r_[0, np.flatnonzero(np.diff(idx)) + 1]
    ends = np.r_[starts[1:] - 1, len(coords) - 1]
    ok = ends > starts
    s, e = starts[ok], ends[ok]
    tips = np.concatenate([coords[s], coords[e]])
    prev = np.concatenate([coords[s + 1], coords[e - 1]])
    tp = shapely.points(tips)
    free = shapely.distance(tp, rim) > _SNAP + 0.1
    if free.any():
        # a tip that meets another line is a junction, not a dead end
        pi, _ = ptree.query(tp, predicate="dwithin", distance=_SNAP + 0.1)
        free &= np.bincount(pi, minlength=len(tp)) <= 1
    if not free.any():
        return ridges
    d = tips[free] - prev[free]
    n = np.hypot(d[:, 0], d[:, 1])
    good = n > 1e-6
    t0 = tips[free][good]
    u = d[good] / n[good, None]
    rays = shapely.linestrings(np.stack([t0 + u * 0.01, t0 + u * reach], axis=1))
    walls = shapely.union_all(np.concatenate([ridges, parts, [rim]]))
    links = []
    for k, hit in enumerate(shapely.intersection(rays, walls).tolist()):
        pts = shapely.get_coordinates(hit)
        if not len(pts):
            continue
        dist = np.hypot(*(pts - t0[k]).T)
        dd = float(dist.min())
        links.append(shapely.LineString([t0[k], t0[k] + u[k] * (dd + _RIDGE_OVERSHOOT)]))
    if not links:
        return ridges
    return np.concatenate([ridges, np.asarray(links, dtype=object)])


def _adjacency(g: AreaGraph, clines=None, ccls=None, params=None):
    rings, owner = shapely.get_rings(g.pieces, return_index=True)
    coords, ci = shapely.get_coordinates(rings, return_index=True)
    same = ci[:-1] == ci[1:]
    a, b = coords[:-1][same], coords[1:][same]
    own = owner[ci[:-1][same]]
    swap = (a[:, 0] > b[:, 0]) | ((a[:, 0] == b[:, 0]) & (a[:, 1] > b[:, 1]))
    p = np.where(swap[:, None], b, a)
    q = np.where(swap[:, None], a, b)
    key = np.ascontiguousarray(np.column_stack([p, q]))
    _, inv = np.unique(key.view(np.dtype((np.void, 32))).ravel(), return_inverse=True)
    order = np.argsort(inv, kind="stable")
    inv_s, own_s = inv[order], own[order]
    seg_len = np.hypot(*(q - p).T)[order]
    pair = np.flatnonzero(inv_s[:-1] == inv_s[1:])
    i, j, ln = own_s[pair], own_s[pair + 1], seg_len[pair]
    keep = i != j
    i, j, ln = i[keep], j[keep], ln[keep]
    lo_, hi_ = np.minimum(i, j), np.maximum(i, j)
    n = g.n
    pk, pinv = np.unique(lo_ * n + hi_, return_inverse=True)
    length = np.bincount(pinv, weights=ln)
    ei, ej = pk // n, pk % n
    if params is None:
        g.edges = (ei, ej, length, g.face[ei] != g.face[ej])
        return
    # the line class of every shared segment: between blocks it lies on a line; inside a block
    # it lies on a line (a dead end, a path) or between buildings (-1)
    seg = order[pair][keep]
    mid = (p[seg] + q[seg]) / 2
    cls = np.where(g.face[i] != g.face[j], 0, -1).astype(np.int8)
    multi = ccls is not None and len(ccls) and (ccls != 0).any()
    test = np.ones(len(cls), dtype=bool) if multi else cls < 0
    if clines is not None and len(clines) and test.any():
        pts = shapely.points(mid[test])
        tree = shapely.STRtree(clines)
        pi, li = tree.query(pts, predicate="dwithin", distance=0.01)
        best = np.full(len(pts), 127, dtype=np.int16)
        np.minimum.at(best, pi, ccls[li].astype(np.int16))
        found = best < 127
        sub = cls[test]
        sub[found] = best[found]
        cls[test] = sub
    ncls = len(params.line_weights)
    col = np.where(cls < 0, ncls, cls)
    w = np.asarray([*params.line_weights, params.block_cut_penalty], dtype=float)
    g.edge_cost = np.bincount(pinv, weights=ln * w[col], minlength=len(pk))
    lcls = np.zeros((len(pk), ncls + 1))
    np.add.at(lcls, (pinv, col), ln)
    g.edge_len_cls = lcls
    g.edges = (ei, ej, length, lcls[:, ncls] < 0.5 * length)
