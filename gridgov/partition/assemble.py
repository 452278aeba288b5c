"""From node sets to grid polygons, codes, the output FeatureCollection and the report."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import shapely

from . import certify
from .balance import connected
from .boundaries import area_boundaries, cut_lines
from .graph import _class_lines
from .inputs import LINE_CLASSES
from .params import PartitionResult


@dataclass
class Plan:
    """One grid to be drawn: the pieces of one area graph it holds."""

    area: int
    nodes: list
    certificate: dict | None = None
    code: str | None = None  # kept code (repair); None = number it
    geometry: object = None
    households: int = 0
    contiguous: bool = True
    extra: dict = field(default_factory=dict)


def _union(pieces):
    if len(pieces) == 1:
        return pieces[0]
    try:
        geom = shapely.coverage_union_all(pieces)
    except Exception:  # GEOS coverage union needs a clean coverage; fall back
        geom = shapely.union_all(pieces)
    if geom.geom_type != "Polygon":
        fixed = shapely.union_all(pieces)
        if fixed.geom_type == "Polygon":
            geom = fixed
    return geom


def number_grids(ws, plans):
    """Give new codes: north→south in latitude bands, then west→east, after the used numbers."""
    by_area: dict[int, list[Plan]] = {}
    for p in plans:
        by_area.setdefault(p.area, []).append(p)
    for a, ps in by_area.items():
        code = ws.codes[a]
        used = {int(p.code[len(code) :]) for p in ps if p.code}
        new = [p for p in ps if not p.code]
        if not new:
            continue
        poly = ws.inp.areas.polygons[a]
        band = max(1.0, math.sqrt(poly.area / max(1, len(ps))) * 0.75)
        top = poly.bounds[3]
        c = shapely.get_coordinates(shapely.centroid([p.geometry for p in new]))
        order = sorted(range(len(new)), key=lambda i: (int((top - c[i, 1]) // band), c[i, 0]))
        nxt = 1
        for i in order:
            while nxt in used:
                nxt += 1
            new[i].code = f"{code}{nxt:03d}"
            used.add(nxt)


def _grid_members(g, nodes):
    """Building indexes and, for split buildings, {building index: units} in this grid."""
    bids, units = [], {}
    for v in nodes:
        for m in g.members[v]:
            if m.units is None:
                bids.append(m.building)
            else:
                units.setdefault(m.building, []).extend(m.units)
    return sorted(set(bids) | set(units)), {b: sorted(u) for b, u in sorted(units.items())}


def shape_plans(ws, plans):
    """Polygon, households, contiguity and members of every plan that has no polygon yet."""
    for p in plans:
        if p.geometry is not None:
            continue
        R = ws.regions[p.area]
        g = R.g
        p.geometry = _union(g.pieces[p.nodes])
        p.households = int(sum(R.w[v] for v in p.nodes))
        p.contiguous = p.geometry.geom_type == "Polygon" and connected(p.nodes, R.cost)
        p.extra["members"] = _grid_members(g, p.nodes)


def finalize(ws, plans, t0, extra_report=None) -> PartitionResult:
    lo, hi = ws.params.min_households, ws.params.max_households
    ids = ws.inp.buildings.ids
    shape_plans(ws, plans)
    number_grids(ws, plans)
    plans.sort(key=lambda p: p.code)
    for p in plans:
        certify.mark(p.certificate)
    bnd = boundary_report(ws, plans)
    out_geoms = ws.inp.projection.inverse(np.asarray([p.geometry for p in plans], dtype=object))
    features = []
    for k, (p, geom) in enumerate(zip(plans, out_geoms, strict=False)):
        bidx, uidx = p.extra["members"]
        bids = [ids[b] for b in bidx]
        units = {str(ids[b]): u for b, u in uidx.items()}
        props = {
            "code": p.code,
            "area_code": ws.codes[p.area],
            "households": p.households,
            "building_ids": bids,
        }
        if units:
            props["units"] = units
        props["in_block_cut_m"] = round(bnd["per_grid"][k], 1)
        if p.certificate:
            props["certificate"] = p.certificate
        features.append({"type": "Feature", "geometry": shapely.geometry.mapping(geom), "properties": props})
    grids = {"type": "FeatureCollection", "features": features}
    report = build_report(ws, plans, lo, hi, bnd)
    cuts = _cut_features(ws, bnd["cuts"])
    if extra_report:
        report.update(extra_report)
    report["runtime_s"] = round(time.perf_counter() - t0, 3)
    return PartitionResult(grids=grids, report=report, _state=(ws, plans), cuts=cuts)


def boundary_report(ws, plans):
    """Internal boundary per line class and the in-block cuts (see :mod:`.boundaries`)."""
    n_cls = len(LINE_CLASSES)
    metres = np.zeros(n_cls + 1)
    per_grid = [0.0] * len(plans)
    cuts = []  # (code a, code b, projected line, metres)
    by_area = {}
    for k, p in enumerate(plans):
        by_area.setdefault(p.area, []).append(k)
    for a, ks in sorted(by_area.items()):
        g = ws.graphs[a]
        if g is not None and getattr(g, "lines", None) is not None:
            lines, classes = g.lines
        else:  # an area kept as it was (no graph)
            lines, classes = _class_lines(
                ws.inp.areas.polygons[a], ws.inp.streets, ws._tree, ws.inp.street_class
            )
        m, segs = area_boundaries([plans[k].geometry for k in ks], lines, classes)
        metres += m
        for (i, j), seg in sorted(segs.items()):
            geom = cut_lines(seg)
            length = float(geom.length)
            per_grid[ks[i]] += length
            per_grid[ks[j]] += length
            cuts.append((plans[ks[i]].code, plans[ks[j]].code, geom, length))
    return {"metres": metres, "per_grid": per_grid, "cuts": cuts}


def _cut_features(ws, cuts):
    """In-block cuts as a GeoJSON FeatureCollection in the input CRS."""
    if not cuts:
        return {"type": "FeatureCollection", "features": []}
    geoms = ws.inp.projection.inverse(np.asarray([c[2] for c in cuts], dtype=object))
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(g),
                "properties": {"grids": [a, b], "length_m": round(length, 1)},
            }
            for (a, b, _, length), g in zip(cuts, geoms, strict=True)
        ],
    }


def _json_geom(geom):
    return shapely.geometry.mapping(geom)


def build_report(ws, plans, lo, hi, bnd=None):
    label_of = [np.full(g.n, -1, dtype=np.int64) if g is not None else None for g in ws.graphs]
    by_area = {}
    for k, p in enumerate(plans):
        by_area.setdefault(p.area, []).append(p)
        if p.nodes is not None:
            label_of[p.area][p.nodes] = k
    street_len = cut_len = 0.0
    split_blocks = n_blocks = 0
    gap = overlap = 0.0
    for a, g in enumerate(ws.graphs):
        if g is None:  # kept as it was: figures measured on the polygons
            st_len, c_len, nb, sb = ws.area_stats[a]
            street_len += st_len
            cut_len += c_len
            n_blocks += nb
            split_blocks += sb
        else:
            lab = label_of[a]
            if len(g.edges):
                ei, ej, ln, st = g.edges
                cut = lab[ei] != lab[ej]
                cut_len += float(ln[cut].sum())
                street_len += float(ln[cut & st].sum())
            n_blocks += g.n_faces
            if g.n:
                pairs = np.unique(np.column_stack([g.face, lab]), axis=0)
                split_blocks += int((np.bincount(pairs[:, 0], minlength=g.n_faces) > 1).sum())
        geoms = [p.geometry for p in by_area.get(a, ())]
        if geoms:
            u = shapely.union_all(geoms)
            overlap += max(0.0, sum(x.area for x in geoms) - u.area)
            gap += max(0.0, ws.inp.areas.polygons[a].area - u.area)
    pp = []
    rows = []
    for p in plans:
        per = p.geometry.length
        ppv = 4 * math.pi * p.geometry.area / per**2 if per > 0 else 0.0
        pp.append(ppv)
        rows.append(
            {
                "code": p.code,
                "area_code": ws.codes[p.area],
                "households": p.households,
                "in_range": lo <= p.households <= hi,
                "contiguous": p.contiguous,
                "polsby_popper": round(ppv, 4),
                "area_m2": round(p.geometry.area, 1),
            }
        )
    n = len(plans)
    in_range = sum(r["in_range"] for r in rows)
    certs = [dict(code=p.code, area_code=ws.codes[p.area], **p.certificate) for p in plans if p.certificate]
    out_of_range = [r["code"] for r in rows if not r["in_range"]]
    excused = {c["code"] for c in certs if c.get("input_checkable")}
    lines = {}
    if bnd is not None:
        m = bnd["metres"]
        total = float(m.sum())
        cut_len = total
        street_len = float(m[0] + m[1])  # streets proper: street and service road
        lines = {
            "line_boundary_share": round(float(m[:-1].sum()) / total, 4) if total else 1.0,
            "boundary_m_by_class": {
                **{c: round(float(x), 1) for c, x in zip(LINE_CLASSES, m[:-1], strict=True)},
                "in_block": round(float(m[-1]), 1),
            },
            "boundary_share_by_class": {
                **{
                    c: round(float(x) / total, 4) if total else 0.0
                    for c, x in zip(LINE_CLASSES, m[:-1], strict=True)
                },
                "in_block": round(float(m[-1]) / total, 4) if total else 0.0,
            },
            "in_block_cut_m": round(float(m[-1]), 1),
            "in_block_cuts": [
                {"grids": [a, b], "length_m": round(length, 1)}
                for a, b, _, length in sorted(bnd["cuts"], key=lambda c: -c[3])
            ],
        }
    return {
        "grid_count": n,
        "area_count": len(ws.codes),
        "households": int(ws.inp.buildings.households.sum()),
        "min_households": lo,
        "max_households": hi,
        "target": ws.params.target,
        "in_range_count": in_range,
        "share_in_range": round(in_range / n, 4) if n else 1.0,
        "out_of_range": out_of_range,
        "all_out_of_range_certified": all(any(c["code"] == code for c in certs) for code in out_of_range),
        # out of range for a reason a user can check from the input alone (a single building
        # over the maximum, or an area whose total is under the minimum)
        "excepted_count": len([c for c in out_of_range if c in excused]),
        "unexcused": [c for c in out_of_range if c not in excused],
        "share_in_range_or_excepted": round((in_range + len(excused & set(out_of_range))) / n, 4)
        if n
        else 1.0,
        "contiguous": all(r["contiguous"] for r in rows),
        "gap_area_m2": round(gap, 3),
        "overlap_area_m2": round(overlap, 3),
        "street_boundary_share": round(street_len / cut_len, 4) if cut_len else 1.0,
        **lines,
        "internal_boundary_m": round(cut_len, 1),
        "street_blocks": n_blocks,
        "split_block_share": round(split_blocks / n_blocks, 4) if n_blocks else 0.0,
        "polsby_popper_mean": round(float(np.mean(pp)), 4) if pp else 0.0,
        "polsby_popper_min": round(float(np.min(pp)), 4) if pp else 0.0,
        "household_mean": round(float(np.mean([p.households for p in plans])), 1) if n else 0.0,
        "household_std": round(float(np.std([p.households for p in plans])), 1) if n else 0.0,
        "certificates": certs,
        "grids": rows,
    }
