"""``partition``: from buildings, streets and boundaries to grids."""

from __future__ import annotations

import time

import numpy as np
import shapely

from . import certify
from .assemble import Plan, finalize, shape_plans
from .balance import (
    Region,
    components,
    fallback_split,
    improve_pairs,
    rebalance,
    refine_streets,
    split_region,
)
from .fixup import add_grids, fix_out_of_range, split_around_atoms
from .graph import _area_faces, build_area_graph
from .inputs import assign_buildings_to_areas, read_inputs
from .parallel import map_areas, worker_count
from .params import PartitionParams, PartitionResult
from .refine import compact_grids, compact_pairs, refine_blocks

FINE_SPLIT = 1  # households: with this threshold every block with 2+ buildings is cut into pieces
SMALL_INPUT = 4000  # buildings
DIVIDE = "divide"  # the last level: every block cut, and buildings with units divisible by unit
# Ways to cut the land, tried in turn while a grid is left out of range: (cuts along party
# walls in blocks of attached buildings, paths beside streets bound strips of their own).
# The first keeps blocks whole beside streets (compact grids); the others give the search
# more, smaller pieces.
LAND_MODELS = ((True, False), (False, False), (True, True))


class _Regions:
    """``ws.regions[a]``: the :class:`Region` of area ``a``, made on first use."""

    def __init__(self, ws):
        self._ws = ws
        self._cache = {}

    def __getitem__(self, a):
        g = self._ws.graphs[a]
        r = self._cache.get(a)
        if r is None or r.g is not g:
            r = self._cache[a] = Region(g, self._ws.params, self._ws.effort)
        return r

    def __len__(self):
        return len(self._ws.graphs)

    def __iter__(self):
        return (self[a] for a in range(len(self)))


class Workspace:
    """Validated inputs plus one face graph per area (all in the metric CRS).

    ``build=False`` leaves the graphs to be built area by area (possibly in worker processes,
    see :mod:`.parallel`)."""

    def __init__(self, buildings, streets, boundaries, params: PartitionParams, build=True):
        self.params = params
        self.inp = read_inputs(buildings, streets, boundaries, params.crs)
        self.area_of_building = assign_buildings_to_areas(self.inp)
        streets = self.inp.streets
        self._tree = shapely.STRtree(streets) if len(streets) else None
        order = np.argsort(self.area_of_building, kind="stable")
        bounds = np.searchsorted(self.area_of_building[order], np.arange(len(self.inp.areas.codes) + 1))
        self.bidx = [order[bounds[a] : bounds[a + 1]] for a in range(len(self.inp.areas.codes))]
        self.graphs = [None] * len(self.bidx)
        self.regions = _Regions(self)
        # small inputs (a place of a few thousand buildings) get a wider search for cheaper
        # cuts: their runtime has room for it, a district's does not
        self.effort = params.effort or (2 if len(self.inp.buildings.ids) < SMALL_INPUT else 1)
        self.fine = [False] * len(self.bidx)
        self._faces = {}  # area -> street blocks (reused when the area is rebuilt at a finer level)
        # area -> (street m, internal boundary m, blocks, split blocks) for areas kept without a graph
        self.area_stats = {}
        if build:
            for a in range(len(self.bidx)):
                self.build(a)

    def faces(self, a, sidewalks=False):
        """Street blocks of area ``a`` (cached): (noded lines, blocks, block of each building,
        households per block, cache of the finer levels).  ``sidewalks``: paths and tracks that
        run along a street bound blocks of their own too (thin empty strips)."""
        key = (a, sidewalks)
        faces = self._faces.get(key)
        if faces is None:
            faces = self._faces[key] = _area_faces(
                self.inp.areas.polygons[a],
                self.inp.streets,
                self._tree,
                self.inp.buildings,
                self.bidx[a],
                self.inp.street_class,
                sidewalks,
            )
        return faces

    def build(self, a, split_threshold=None, split_faces=None, divide=False, walls=True, sidewalks=False):
        """(Re)build the face graph of area ``a``; a small threshold gives finer pieces;
        ``split_faces`` (bool per block) cuts those blocks into building pieces as well;
        ``divide`` lets buildings with unit counts be divided by unit (refined land)."""
        g = build_area_graph(
            self.inp.areas.codes[a],
            self.inp.areas.polygons[a],
            self.inp.streets,
            self._tree,
            self.inp.buildings,
            self.bidx[a],
            self.params,
            split_threshold,
            faces_cache=self.faces(a, sidewalks),
            split_faces=split_faces,
            divide=divide,
            walls=walls and self.effort > 1,
            snap=self.effort > 1,
        )
        self.set_graph(a, g, split_threshold == FINE_SPLIT)

    def set_graph(self, a, g, fine=False):
        g.building_ids = self.inp.buildings.ids
        self.graphs[a] = g
        self.fine[a] = fine

    def divisible(self, a):
        """Does area ``a`` hold a building of at most max households with 2+ unit counts that
        refined land could divide (see ``graph.build_area_graph``)?"""
        p, b = self.params, self.inp.buildings
        half = max(1, (p.max_households - p.min_households) // 2)
        return any(
            b.units[i] and len(b.units[i]) > 1 and half < b.households[i] <= p.max_households
            for i in self.bidx[a].tolist()
        )

    def export_graph(self, a):
        """The graph of area ``a`` as the parent needs it for the report (no geometry, no members)."""
        return self.graphs[a].light()

    def workers(self):
        return worker_count(self.params.workers, len(self.bidx), len(self.inp.buildings.ids))

    def weights(self):
        return [len(b) for b in self.bidx]

    @property
    def codes(self):
        return self.inp.areas.codes


def plan_component(R: Region, nodes, code, n_comp, params, final=True, prove=False):
    """Partition one connected component; returns [(nodes, certificate|None)].

    ``final=False`` (a coarser graph, a finer one comes next): None when no split was found;
    with ``prove`` (the area already failed on a coarser graph) a proof that no partition of
    this graph exists is looked for first, and the search skipped when there is one."""
    lo, hi = params.min_households, params.max_households
    H = sum(R.w[v] for v in nodes)
    if H < lo:
        cert = (
            certify.area_below_min(code, H, lo)
            if n_comp == 1
            else certify.component_below_min(code, H, lo, n_comp)
        )
        return [(list(nodes), cert)]
    k, feasible = params.grid_count(H)
    parts = None
    over = [v for v in nodes if v in R.g.atomic_over]
    # a district (fast path) tries the other counts only on the finest graph: on the coarser
    # ones they cost a search each and did not succeed where the preferred count failed
    ks = _k_order(k, H, params, final, others=final or R.effort > 1)
    searchable = feasible and not over
    if searchable and prove and not final and certify.partition_impossible(R, nodes, lo, hi):
        # no partition of this graph exists at all (a proof in its land model, usually found in
        # a millisecond where the search would spend its whole budget): the next, finer level
        return None
    if searchable:
        # sub-regions whose whole search failed fail again under another count: remembered
        # across the counts (the budget then goes to regions not yet tried)
        failed = set()
        for i, kk in enumerate(ks):
            # the preferred count gets a generous search; the fall-back counts a short one
            budget = max(60, 12 * kk) if i == 0 else max(20, 3 * kk)
            parts = split_region(R, nodes, kk, [budget, failed])
            if parts is not None:
                break
        if parts is None and not final:
            return None
        if parts is None and params.target == "max":
            parts = _tight_search(R, nodes, ks)  # before settling for fewer grids
    if parts is not None:
        return _polish(R, parts, code, H, feasible, params)
    # best effort with the most slack (the balanced count), then repair
    kb = max(1, min(max(1, H // lo), max(-(-H // hi), round(H / ((lo + hi) / 2)))))
    out = _polish(
        R, fallback_split(R, nodes, kb if feasible else k) or [list(nodes)], code, H, feasible, params
    )
    if searchable and params.target != "max" and _misses(out):
        tight = _tight_search(R, nodes, ks)
        if tight is not None:
            alt = _polish(R, tight, code, H, feasible, params)
            if _misses(alt) < _misses(out):
                out = alt
    return out


def _misses(plans):
    """Grids out of range for a reason the input does not show (a miss, or a proof that holds
    only within the engine's land model)."""
    return sum(
        1 for _, cert in plans if cert is not None and cert.get("reason") not in certify.INPUT_CHECKABLE
    )


def _tight_search(R, nodes, ks):
    """Heavier searches for tight parts: every piece as a growth seed, then splits built
    around the large indivisible pieces."""
    for kk in ks[:3]:
        parts = split_region(R, nodes, kk, [max(60, 12 * kk), set(), True])
        if parts is not None:
            return parts
    return split_around_atoms(R, nodes, ks[:3])


def _k_order(k, H, params, final=True, others=True):
    """Grid counts to try: the preferred one, then its feasible neighbours.

    For ``max`` the block-level pass tries only ⌊H/min⌋, so that a finer (building-level)
    graph is tried before settling for fewer grids; ``others=False`` gives only the preferred
    count for the other targets too."""
    lo, hi = params.min_households, params.max_households
    kmin, kmax = max(1, -(-H // hi)), H // lo
    if params.target == "max":
        return list(range(k, max(kmin, k - 4) - 1, -1)) if final else [k]
    out = [k]
    if not others:
        return out
    for d in (1, -1, 2, -2):
        if kmin <= k + d <= kmax:
            out.append(k + d)
    return out


def _polish(R, parts, code, H, feasible, params):
    lo, hi = params.min_households, params.max_households
    atoms = [R.w[v] for ns in parts for v in ns if R.w[v] > hi / 2]
    label = {v: p for p, ns in enumerate(parts) for v in ns}
    sets = {p: set(ns) for p, ns in enumerate(parts)}
    fixed = {label[v] for v in R.g.atomic_over if v in label}
    if not feasible:
        fixed = set(sets)
    rebalance(R, label, sets, fixed)
    fix_out_of_range(R, label, sets, params, fixed, wide=False)
    if params.target == "max" and feasible and not fixed:
        add_grids(R, label, sets, params, H // lo)
    improve_pairs(R, label, sets, fixed)
    refine_streets(R, label, sets, fixed)
    if R.effort > 1:
        refine_blocks(R, label, sets, fixed)
        compact_pairs(R, label, sets, fixed)
        compact_grids(R, label, sets, fixed)
    out = []
    for _p, ns in sets.items():
        if not ns:
            continue
        W = sum(R.w[v] for v in ns)
        cert = None
        if not (lo <= W <= hi):
            comp = [v for part in parts for v in part]
            cert = _explain(R, ns, code, H, W, feasible, params, atoms, comp)
        out.append((list(ns), cert))
    return out


def _explain(R, ns, code, H, W, feasible, params, atoms=(), comp=None):
    lo, hi = params.min_households, params.max_households
    for v in ns:
        m = R.g.atomic_over.get(v)
        if m is not None and W > hi:
            bid = R.g.building_ids[m.building]
            return certify.unit_over_max(bid, m.units, m.households, hi)
    if not feasible:
        return certify.no_integer_count(code, H, lo, hi)
    return (
        certify.large_buildings(code, H, atoms, lo, hi)
        or _enclosed(R, ns, code, lo, hi)
        or (_impossible(R, comp, code, lo, hi) if comp is not None else None)
        or certify.heuristic_miss(code, W, lo, hi)
    )


def _impossible(R, comp, code, lo, hi):
    why = certify.partition_impossible(R, comp, lo, hi)
    if not why:
        return None

    def name(v):
        return R.g.building_ids[R.g.members[v][0].building]

    return certify.no_contiguous_partition(code, sum(R.w[v] for v in comp), lo, hi, why, name)


def _enclosed(R, ns, code, lo, hi):
    found = certify.enclosed_piece(R, ns, lo, hi)
    if found is None:
        return None
    v, nbrs = found
    m = R.g.members[v][0]
    return certify.enclosed(code, R.g.building_ids[m.building], R.w[v], nbrs, lo, hi)


def plan_area(ws: Workspace, a: int):
    """Plans for area ``a``. If the block-level graph is too coarse to meet the bounds, the
    area is rebuilt with more blocks cut into building pieces (heavier ones first) and planned
    again; the last level cuts every block with two or more buildings."""
    p = ws.params
    levels = [None, max(2, (p.max_households - p.min_households) // 3), FINE_SPLIT]
    if ws.graphs[a] is None:
        ws.build(a)
    if ws.fine[a]:
        levels = [FINE_SPLIT]
    if ws.divisible(a):
        levels.append(DIVIDE)
    best = None
    for variant, (walls, sidewalks) in enumerate(LAND_MODELS if ws.effort > 1 else LAND_MODELS[:1]):
        for li, level in enumerate(levels):
            final = li == len(levels) - 1
            if li > 0 or variant > 0:
                if level == DIVIDE:
                    ws.build(a, FINE_SPLIT, divide=True, walls=walls, sidewalks=sidewalks)
                else:
                    ws.build(a, level, walls=walls, sidewalks=sidewalks)
            R = ws.regions[a]
            g = R.g
            comps = components(list(range(g.n)), R.cost)
            plans = []
            for comp in comps:
                res = plan_component(R, comp, g.code, len(comps), p, final=final, prove=li > 0 or variant > 0)
                if res is None:
                    break
                plans.extend(Plan(area=a, nodes=ns, certificate=cert) for ns, cert in res)
            else:
                break
        misses = _misses([(pl.nodes, pl.certificate) for pl in plans])
        if best is None or misses < best[0]:
            best = (misses, plans, ws.graphs[a], ws.fine[a])
        # the land models are tried in turn only while a grid is left out of range
        if not misses:
            break
    _, plans, g, fine = best
    if ws.graphs[a] is not g:
        ws.set_graph(a, g, fine)
    return plans


def partition(buildings, streets, boundaries, params: PartitionParams | None = None) -> PartitionResult:
    """Draw grids for every boundary area. See the package docstring for the contract."""
    t0 = time.perf_counter()
    params = params or PartitionParams()
    ws = Workspace(buildings, streets, boundaries, params, build=False)
    done = map_areas(_partition_area, ws, range(len(ws.bidx)), workers=ws.workers(), weights=ws.weights())
    plans = []
    for a, (g, fine, ps) in enumerate(done):
        ws.set_graph(a, g, fine)
        plans.extend(ps)
    return finalize(ws, plans, t0)


def _partition_area(ws, a):
    """Worker task: graph and grids of area ``a`` (grid polygons included)."""
    plans = plan_area(ws, a)
    shape_plans(ws, plans)
    return ws.export_graph(a), ws.fine[a], plans
