"""The previous grids laid over fresh inputs (for repair, split, merge and redraw).

:class:`Current` reads the previous grids and says, per area, either "nothing to do" — every
grid still tiles the area, is one polygon, holds only its own buildings and is inside the
bounds — or builds the area's face graph (blocks that the previous grids cut are split into
building pieces, so the previous assignment can be represented exactly) and labels each
piece with its previous grid.  Areas with nothing to do keep their polygons as they are and
need no graph at all.
"""

from __future__ import annotations

import numpy as np
import shapely

from .assemble import Plan
from .engine import Workspace
from .errors import PartitionError
from .inputs import load_collection

# a segment of an internal grid boundary whose midpoint is this close to a street (or to the
# area boundary) lies on it (metres)
_ON_STREET = 0.05


class Current:
    """The previous grids over a fresh :class:`Workspace` (graphs are built per area on demand)."""

    def __init__(self, grids, buildings, streets, boundaries, params):
        self.ws = Workspace(buildings, streets, boundaries, params, build=False)
        fc = load_collection(grids, "网格")
        self.old_members = {}  # building id (str) -> code or {unit: code}
        codes, geoms, areas = [], [], []
        for i, feat in enumerate(fc["features"]):
            props = feat.get("properties") or {}
            code = props.get("code")
            if not code:
                raise PartitionError(
                    f"原网格第 {i + 1} 个要素缺少网格编码 code",
                    feature=f"网格（第 {i + 1} 个）",
                    reason="missing_code",
                )
            code = str(code)
            try:
                geom = shapely.geometry.shape(feat["geometry"])
            except Exception as exc:
                raise PartitionError(
                    f"原网格 {code} 的几何无法解析：{exc}", feature=f"网格 {code}", reason="invalid_geometry"
                ) from exc
            codes.append(code)
            geoms.append(geom)
            areas.append(str(props.get("area_code") or code[:-3]))
            split = {str(k): v for k, v in (props.get("units") or {}).items()}
            for bid in props.get("building_ids") or []:
                if str(bid) in split:
                    d = self.old_members.setdefault(str(bid), {})
                    if isinstance(d, dict):
                        d.update({int(u): code for u in split[str(bid)]})
                else:
                    self.old_members[str(bid)] = code
        self.codes = codes
        self.areas = areas
        self.geoms = self.ws.inp.projection.forward(np.asarray(geoms, dtype=object))
        self.tree = shapely.STRtree(self.geoms) if len(self.geoms) else None
        self.index = {c: k for k, c in enumerate(codes)}
        area_pos = {c: a for a, c in enumerate(self.ws.codes)}
        self.grids_of = [[] for _ in self.ws.codes]  # area -> previous grid indexes
        for k, ac in enumerate(areas):
            if ac in area_pos:
                self.grids_of[area_pos[ac]].append(k)
        n = len(self.ws.codes)
        self.labels = [None] * n
        self.split = [None] * n
        # previous grid of each building: by id, or (new buildings) by location
        ids = self.ws.inp.buildings.ids
        self.old_of = [self.old_members.get(str(b)) for b in ids]
        self.located = {}
        new = [b for b, oc in enumerate(self.old_of) if oc is None]
        if new and self.tree is not None:
            pi, gi = self.tree.query(self.ws.inp.buildings.points[new], predicate="within")
            for p, k in zip(pi.tolist(), gi.tolist(), strict=True):
                self.located.setdefault(new[p], k)

    # -------------------------------------------------------------- areas with nothing to do

    def kept_plans(self, a):
        """Plans keeping the previous grids of area ``a`` unchanged, or None if anything is off."""
        ks = self.grids_of[a]
        if not ks:
            return None
        ws, params = self.ws, self.ws.params
        b = ws.inp.buildings
        pos = {k: i for i, k in enumerate(ks)}
        hh = [0] * len(ks)
        whole = [[] for _ in ks]
        units = [{} for _ in ks]
        check_b, check_k = [], []
        for bi in ws.bidx[a].tolist():
            oc = self.old_of[bi]
            if isinstance(oc, dict):
                us = b.units[bi]
                if (
                    not us
                    or sorted(oc) != list(range(len(us)))
                    or int(b.households[bi]) <= params.max_households
                ):
                    return None  # units changed, or the building may no longer be divided
                held = set()
                for u, code in oc.items():
                    i = pos.get(self.index.get(code))
                    if i is None:
                        return None
                    hh[i] += us[u]
                    units[i].setdefault(bi, []).append(u)
                    held.add(ks[i])
                if not any(self.geoms[k].covers(b.points[bi]) for k in sorted(held)):
                    return None  # the building moved away from its grids
                continue
            k = self.located.get(bi) if oc is None else self.index.get(oc)
            i = pos.get(k)
            if i is None:
                return None
            hh[i] += int(b.households[bi])
            whole[i].append(bi)
            check_b.append(bi)
            check_k.append(k)
        lo, hi = params.min_households, params.max_households
        geoms = self.geoms[ks]
        if not all(lo <= h <= hi for h in hh) or not all(g.geom_type == "Polygon" for g in geoms):
            return None
        if check_b and not shapely.covers(self.geoms[check_k], b.points[check_b]).all():
            return None  # a building moved out of its grid
        area = ws.inp.areas.polygons[a]
        u = shapely.union_all(geoms)
        tol = 1e-6 * area.area
        if (
            float(shapely.area(geoms).sum()) - u.area > tol
            or abs(u.area - area.area) > tol
            or shapely.difference(u, area).area > tol
        ):
            return None  # the area's boundary changed
        plans = []
        for i, k in enumerate(ks):
            members = (
                sorted(set(whole[i]) | set(units[i])),
                {x: sorted(v) for x, v in sorted(units[i].items())},
            )
            plans.append(
                Plan(
                    area=a,
                    nodes=None,
                    code=self.codes[k],
                    geometry=geoms[i],
                    households=hh[i],
                    extra={"members": members},
                )
            )
        return plans

    def kept_stats(self, a, plans):
        """Report figures of a kept area from geometry: (street m, internal boundary m, blocks,
        split blocks).  Internal boundary = ring segments shared by two grids; a segment lies
        on a street when its midpoint is on the noded street lines; a block is split when its
        buildings belong to two or more grids."""
        noded, faces, face_of_b, _fw, _ = self.ws.faces(a)
        geoms = np.asarray([p.geometry for p in plans], dtype=object)
        rings = shapely.get_rings(geoms)
        coords, ci = shapely.get_coordinates(rings, return_index=True)
        same = ci[:-1] == ci[1:]
        p0, p1 = coords[:-1][same], coords[1:][same]
        swap = (p0[:, 0] > p1[:, 0]) | ((p0[:, 0] == p1[:, 0]) & (p0[:, 1] > p1[:, 1]))
        s0 = np.where(swap[:, None], p1, p0)
        s1 = np.where(swap[:, None], p0, p1)
        key = np.ascontiguousarray(np.round(np.column_stack([s0, s1]), 6))
        _, inv, cnt = np.unique(
            key.view(np.dtype((np.void, 32))).ravel(), return_inverse=True, return_counts=True
        )
        inv = inv.ravel()
        shared = cnt[inv] >= 2
        first = np.zeros(len(inv), dtype=bool)
        _, fi = np.unique(inv, return_index=True)
        first[fi] = True
        pick = shared & first
        ln = np.hypot(*(s1[pick] - s0[pick]).T)
        mid = shapely.points((s0[pick] + s1[pick]) / 2)
        shapely.prepare(noded)
        on = shapely.dwithin(noded, mid, _ON_STREET) if len(mid) else np.zeros(0, dtype=bool)
        grid_of = {}
        for k, p in enumerate(plans):
            for bi in p.extra["members"][0]:
                grid_of[bi] = k
        bpos = self.ws.bidx[a].tolist()
        seen = {}
        for j, bi in enumerate(bpos):
            g = grid_of.get(bi)
            if g is not None:
                seen.setdefault(int(face_of_b[j]), set()).add(g)
        split = sum(len(s) > 1 for s in seen.values())
        return float(ln[on].sum()), float(ln.sum()), len(faces), split

    # -------------------------------------------------------------- areas to work on

    def prepare(self, a, split_threshold=None, also_split=None, divide=False):
        """Build area ``a``'s graph (blocks cut by previous grids, and the blocks flagged in
        ``also_split``, split into building pieces) and label it."""
        ws = self.ws
        if self.split[a] is None:
            _noded, faces, face_of_b, _fw, _ = ws.faces(a)
            mark = np.zeros(len(faces), dtype=bool)
            first = {}
            for j, bi in enumerate(ws.bidx[a].tolist()):
                oc = self.old_of[bi]
                if oc is None:
                    continue
                f = int(face_of_b[j])
                key = oc if isinstance(oc, str) else "*"
                if key == "*" or first.setdefault(f, key) != key:
                    mark[f] = True
            self.split[a] = mark
        mark = self.split[a] if also_split is None else self.split[a] | also_split
        ws.build(a, split_threshold, split_faces=mark if mark.any() else None, divide=divide)
        self.label_area(a)

    def label_area(self, a):
        """node -> previous code: by the previous grid of its buildings, else by location."""
        g = self.ws.graphs[a]
        ids = self.ws.inp.buildings.ids
        lab = {}
        for v, mem in enumerate(g.members):
            votes = {}
            for m in mem:
                oc = self.old_members.get(str(ids[m.building]))
                if isinstance(oc, dict):
                    for u in m.units if m.units is not None else oc:
                        if u in oc:
                            votes[oc[u]] = votes.get(oc[u], 0) + 1
                elif oc is not None:
                    votes[oc] = votes.get(oc, 0) + m.households + 1e-3
            if votes:
                lab[v] = max(sorted(votes), key=votes.get)
        if self.tree is not None and g.n:
            pts = shapely.point_on_surface(g.pieces)
            pi, gi = self.tree.query(pts, predicate="within")
            for p, k in sorted(zip(pi.tolist(), gi.tolist(), strict=True)):
                if self.areas[k] == g.code and p not in lab:
                    lab[p] = self.codes[k]
        self.labels[a] = lab

    def area_index(self, area_code):
        try:
            return self.ws.codes.index(str(area_code))
        except ValueError as exc:
            raise PartitionError(
                f"区域 {area_code} 不在边界数据中", feature=f"边界 {area_code}", reason="unknown_area"
            ) from exc

    def parts(self, a):
        out = {}
        for v, c in self.labels[a].items():
            out.setdefault(c, set()).add(v)
        return out

    def area_of_code(self, code):
        k = self.index.get(str(code))
        if k is not None:
            for a, ks in enumerate(self.grids_of):
                if k in ks:
                    return a
        raise PartitionError(
            f"网格 {code} 不存在或不含任何地块", feature=f"网格 {code}", reason="unknown_grid"
        )
