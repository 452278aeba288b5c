"""Reading, validating and projecting the three GeoJSON inputs.

Everything that can be wrong with the input is found here and raised as a
:class:`PartitionError` with a Chinese message naming the feature, so the rest of the
engine can assume clean data.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyproj
import shapely
from shapely.geometry import shape

from .errors import PartitionError

_POLY = ("Polygon", "MultiPolygon")
# Cut-line classes of the ``streets`` input (property ``class``; default ``street``), best first.
# A grid boundary along any of them follows a line on the ground; ``street`` and ``service`` are
# streets proper.  See ``params.PartitionParams.line_weights``.
LINE_CLASSES = ("street", "service", "rail", "water", "path", "park")
_LINE = ("LineString", "MultiLineString")


@dataclass
class Buildings:
    """Buildings in the working (metric) CRS."""

    ids: list  # original ids (str or int), index = building number
    households: np.ndarray  # int64
    units: list  # list[list[int]] | None per building
    points: np.ndarray  # shapely Points (representative points), projected
    xy: np.ndarray  # (n, 2) float
    geoms: np.ndarray | None = None  # footprints (or points) in the input CRS, repaired
    projection: object = None

    def footprints(self, idx):
        """Projected footprints of the buildings ``idx`` (Points where only a point was given)."""
        if self.geoms is None or self.projection is None:
            return self.points[idx]
        cache = self.__dict__.setdefault("_fp", {})
        miss = [i for i in idx.tolist() if i not in cache]
        if miss:
            for i, g in zip(miss, self.projection.forward(self.geoms[miss]), strict=True):
                cache[i] = g
        return np.asarray([cache[i] for i in idx.tolist()], dtype=object)


@dataclass
class Areas:
    codes: list[str]
    polygons: np.ndarray  # projected (Multi)Polygons


@dataclass
class Inputs:
    buildings: Buildings
    streets: np.ndarray  # projected lines
    areas: Areas
    projection: Projection
    # what input cleaning changed: {"buildings_repaired": [ids], "streets_dropped": n, ...}
    cleaning: dict = field(default_factory=dict)
    # index into LINE_CLASSES of every street line (int8), None = all ``street``
    street_class: np.ndarray | None = None


class Projection:
    """Input CRS ⇄ local metric CRS."""

    def __init__(self, crs: str, lonlat_center: tuple[float, float] | None):
        try:
            self.crs = pyproj.CRS.from_user_input(crs)
        except pyproj.exceptions.CRSError as exc:
            raise PartitionError(f"坐标系 {crs} 无法识别：{exc}", reason="bad_crs") from exc
        self.identity = self.crs.is_projected
        if self.identity:
            self._fwd = self._inv = None
            return
        lon, lat = lonlat_center or (0.0, 0.0)
        local = pyproj.CRS.from_proj4(
            f"+proj=tmerc +lat_0={lat:.6f} +lon_0={lon:.6f} +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
        )
        self._fwd = pyproj.Transformer.from_crs(self.crs, local, always_xy=True)
        self._inv = pyproj.Transformer.from_crs(local, self.crs, always_xy=True)

    @staticmethod
    def _apply(tr, geoms):
        def f(xy):
            x, y = tr.transform(xy[:, 0], xy[:, 1])
            return np.column_stack([x, y])

        return shapely.transform(geoms, f)

    def forward(self, geoms):
        return geoms if self.identity else self._apply(self._fwd, geoms)

    def inverse(self, geoms):
        return geoms if self.identity else self._apply(self._inv, geoms)


def load_collection(obj, what: str) -> dict:
    """Accept a FeatureCollection dict, or a path to a GeoJSON file."""
    if isinstance(obj, (str, Path)):
        try:
            with open(obj, encoding="utf-8-sig") as fh:
                obj = json.load(fh)
        except FileNotFoundError as exc:
            raise PartitionError(
                f"{what}文件 {obj} 不存在", feature=str(obj), reason="unreadable_file"
            ) from exc
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise PartitionError(
                f"{what}文件 {obj} 无法读取或不是合法的 GeoJSON：{exc}",
                feature=str(obj),
                reason="unreadable_file",
            ) from exc
    if not isinstance(obj, dict) or not isinstance(obj.get("features"), list):
        raise PartitionError(
            f"{what}数据不是 GeoJSON FeatureCollection（缺少 features 列表）", reason="not_geojson"
        )
    return obj


def _feature_label(kind: str, i: int, feat: dict) -> str:
    props = feat.get("properties") or {}
    if kind == "建筑":
        key = props.get("id", feat.get("id"))
    else:
        key = props.get("code", props.get("name", props.get("id", feat.get("id"))))
    return f"{kind} {key}" if key is not None else f"{kind}（第 {i + 1} 个要素）"


def _geometry(feat, label: str, allowed: tuple[str, ...], repairable: bool = False):
    """One feature's geometry, or a PartitionError naming it.

    ``repairable``: an invalid geometry is returned as it is (the caller repairs it), and one
    whose coordinates are finite but cannot form the declared type (a ring of fewer than four
    points, a line of one point) is returned as the MultiPoint of its coordinates."""
    if not isinstance(feat, dict):
        raise PartitionError(f"{label} 不是 GeoJSON 要素", feature=label, reason="not_feature")
    g = feat.get("geometry")
    if not isinstance(g, dict) or g.get("type") not in allowed:
        t = g.get("type") if isinstance(g, dict) else None
        raise PartitionError(
            f"{label} 的几何类型 {t} 不受支持（应为 {'/'.join(allowed)}）",
            feature=label,
            reason="bad_geometry_type",
        )
    try:
        geom = shape(g)
    except Exception as exc:  # shapely raises several types for malformed coordinates
        geom = _points_of(g.get("coordinates")) if repairable else None
        if geom is None:
            raise PartitionError(
                f"{label} 的几何坐标无法解析：{exc}", feature=label, reason="invalid_geometry"
            ) from exc
    coords = shapely.get_coordinates(geom)
    if geom.is_empty or len(coords) == 0 or not np.isfinite(coords).all():
        raise PartitionError(f"{label} 的几何为空或含非数值坐标", feature=label, reason="invalid_geometry")
    if not geom.is_valid and not repairable:
        why = shapely.is_valid_reason(geom)
        raise PartitionError(f"{label} 的几何不合法：{why}", feature=label, reason="invalid_geometry")
    return geom


def _points_of(coords):
    """MultiPoint of nested GeoJSON coordinates, or None if they are not numbers."""
    flat = []

    def walk(c):
        if isinstance(c, (list, tuple)) and c and all(isinstance(v, (int, float)) for v in c):
            flat.append(c[:2])
        elif isinstance(c, (list, tuple)):
            for x in c:
                walk(x)

    walk(coords)
    try:
        pts = np.asarray(flat, dtype=float)
    except (TypeError, ValueError):
        return None
    if pts.ndim != 2 or pts.shape[1] != 2 or not len(pts):
        return None
    return shapely.multipoints(pts)


def _geometries(features, kind, allowed, repair=None):
    """Parse all geometries at once; fall back to one-by-one only to name a bad feature.

    ``repair`` (a dict) turns on the cleaning that real data needs (OpenStreetMap, surveys):
    an invalid building footprint (self-intersecting ring, bow-tie, spike, ring with too few
    distinct points) only has to yield a point inside it, so it is repaired with
    ``make_valid``; a degenerate street (fewer than two distinct points) bounds nothing and is
    dropped.  The indexes of repaired features are added to ``repair["fixed"]``, those of
    dropped ones to ``repair["dropped"]``.  Without ``repair`` (boundaries) an invalid
    geometry is an error: boundaries define the tiling, so guessing them is not safe.
    """
    raw = []
    for i, feat in enumerate(features):
        g = feat.get("geometry") if isinstance(feat, dict) else None
        if not isinstance(g, dict) or g.get("type") not in allowed:
            _geometry(feat, _feature_label(kind, i, feat if isinstance(feat, dict) else {}), allowed)
        raw.append(g)
    if not raw:
        return np.empty(0, dtype=object)
    try:
        geoms = _fast_geometries(raw)
    except Exception:
        geoms = None
    if geoms is not None:
        coords, idx = shapely.get_coordinates(geoms, return_index=True)
        finite = np.ones(len(geoms), dtype=bool)
        finite[idx[~np.isfinite(coords).all(axis=1)]] = False
        valid = shapely.is_valid(geoms)
        ok = finite & ~shapely.is_empty(geoms) & (valid | (repair is not None))
        if ok.all():
            return geoms if valid.all() else _repair(geoms, np.flatnonzero(~valid), allowed, repair)
        i = int(np.flatnonzero(~ok)[0])
        _geometry(features[i], _feature_label(kind, i, features[i]), allowed, repair is not None)
    # one by one: names the first offender, or (with repair) builds what the fast path could not
    geoms = np.empty(len(features), dtype=object)
    for i, feat in enumerate(features):
        geoms[i] = _geometry(feat, _feature_label(kind, i, feat), allowed, repair is not None)
    if repair is None:
        return geoms
    wrong = np.asarray([g.geom_type not in allowed for g in geoms], dtype=bool)
    bad = np.flatnonzero(wrong | ~shapely.is_valid(geoms))
    return _repair(geoms, bad, allowed, repair) if len(bad) else geoms


def _repair(geoms, bad, allowed, repair: dict):
    """Repair the invalid geometries ``geoms[bad]``; a line without length becomes None (the
    caller drops it)."""
    geoms = geoms.copy()
    fixed = shapely.make_valid(geoms[bad])
    if allowed == _LINE:
        parts, owner = shapely.get_parts(fixed, return_index=True)
        keep = np.isin(shapely.get_type_id(parts), (1, 5)) & (shapely.length(parts) > 0)
        fixed = np.full(len(bad), None, dtype=object)
        for j in np.unique(owner[keep]).tolist():
            sel = parts[keep & (owner == j)]
            fixed[j] = sel[0] if len(sel) == 1 else shapely.multilinestrings(sel)
    gone = np.asarray([g is None or shapely.is_empty(g) for g in fixed], dtype=bool)
    geoms[bad] = fixed
    repair.setdefault("fixed", []).extend(bad[~gone].tolist())
    repair.setdefault("dropped", []).extend(bad[gone].tolist())
    return geoms


def _fast_geometries(raw):
    """Build Points, LineStrings and Polygons straight from coordinate arrays (JSON for the rest)."""
    out = np.empty(len(raw), dtype=object)
    pts, pt_i, lines, line_i, rings, ring_poly, poly_i, other = [], [], [], [], [], [], [], []
    for i, g in enumerate(raw):
        t, c = g["type"], g.get("coordinates")
        if t == "Point":
            pts.append(c)
            pt_i.append(i)
        elif t == "LineString":
            lines.append(c)
            line_i.append(i)
        elif t == "Polygon" and c:
            for r in c:
                rings.append(r)
                ring_poly.append(len(poly_i))
            poly_i.append(i)
        else:
            other.append(i)
    if pts:
        out[pt_i] = shapely.points(np.asarray(pts, dtype=float))
    for seqs, idx, build in ((lines, line_i, None), (rings, poly_i, True)):
        if not seqs:
            continue
        lens = np.fromiter((len(x) for x in seqs), dtype=np.int64, count=len(seqs))
        coords = np.asarray([xy for x in seqs for xy in x], dtype=float)
        if coords.ndim != 2 or coords.shape[1] < 2:
            raise ValueError("bad coordinates")
        ids = np.repeat(np.arange(len(seqs)), lens)
        if build:
            rr = shapely.linearrings(coords[:, :2], indices=ids)
            out[idx] = shapely.polygons(rr, indices=np.asarray(ring_poly))
        else:
            out[idx] = shapely.linestrings(coords[:, :2], indices=ids)
    if other:
        out[other] = shapely.from_geojson([json.dumps(raw[i]) for i in other])
    return out


def _int(value, label: str, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise PartitionError(f"{label} 的{field} {value!r} 不是整数", feature=label, reason="bad_households")
    if float(value) != int(value):
        raise PartitionError(f"{label} 的{field} {value!r} 不是整数", feature=label, reason="bad_households")
    if value < 0:
        raise PartitionError(f"{label} 的{field} {value} 为负数", feature=label, reason="negative_households")
    return int(value)


def read_buildings(fc: dict, cleaning: dict | None = None):
    """Ids, households, units and geometries; invalid footprints are repaired (see
    ``_geometries``) and their ids listed in ``cleaning["buildings_repaired"]``."""
    ids, hh, units, seen = [], [], [], {}
    rep: dict = {}
    geoms = _geometries(fc["features"], "建筑", ("Point", "Polygon", "MultiPolygon"), rep)
    if rep.get("dropped"):  # make_valid keeps at least a point of a finite, non-empty input
        i = rep["dropped"][0]
        label = _feature_label("建筑", i, fc["features"][i])
        raise PartitionError(f"{label} 的几何无法修复", feature=label, reason="invalid_geometry")
    for i, feat in enumerate(fc["features"]):
        props = feat.get("properties") or {}
        bid = props.get("id", feat.get("id"))
        if bid is None or (isinstance(bid, str) and not bid.strip()) or not isinstance(bid, (str, int)):
            label = _feature_label("建筑", i, feat)
            raise PartitionError(f"{label} 缺少编号 id", feature=label, reason="missing_id")
        sid = str(bid)
        if sid in seen:
            raise PartitionError(
                f"建筑编号 {bid} 重复（第 {seen[sid] + 1} 个和第 {i + 1} 个要素）",
                feature=_feature_label("建筑", i, feat),
                reason="duplicate_id",
            )
        seen[sid] = i
        if "households" not in props:
            label = _feature_label("建筑", i, feat)
            raise PartitionError(f"{label} 缺少户数 households", feature=label, reason="missing_households")
        h = props["households"]
        if type(h) is not int or h < 0:  # the label is built only to name a problem
            h = _int(h, _feature_label("建筑", i, feat), "户数")
        u = props.get("units")
        if u is not None:
            if not isinstance(u, list) or not u:
                label = _feature_label("建筑", i, feat)
                raise PartitionError(
                    f"{label} 的单元户数 units 应为非空列表", feature=label, reason="bad_units"
                )
            if not all(type(x) is int and x >= 0 for x in u):
                u = [_int(x, _feature_label("建筑", i, feat), "单元户数") for x in u]
            if sum(u) != h:
                label = _feature_label("建筑", i, feat)
                raise PartitionError(
                    f"{label} 的各单元户数之和 {sum(u)} 与总户数 {h} 不一致",
                    feature=label,
                    reason="units_mismatch",
                )
        ids.append(bid)
        hh.append(h)
        units.append(u)
    if cleaning is not None and rep.get("fixed"):
        cleaning["buildings_repaired"] = [ids[i] for i in rep["fixed"]]
    return ids, np.asarray(hh, dtype=np.int64), units, geoms


def _line_classes(features):
    """Class index of every line (``class`` property; unknown or missing → ``street``)."""
    pos = {c: i for i, c in enumerate(LINE_CLASSES)}
    out = np.zeros(len(features), dtype=np.int8)
    for i, feat in enumerate(features):
        props = feat.get("properties") if isinstance(feat, dict) else None
        c = props.get("class") if isinstance(props, dict) else None
        if isinstance(c, str):
            out[i] = pos.get(c, 0)
    return out


def read_streets(fc: dict, cleaning: dict | None = None, classes: list | None = None):
    """Street lines; degenerate ones (no length) are dropped and counted in ``cleaning``.
    ``classes`` (a list) receives the class index array of the lines kept."""
    rep: dict = {}
    geoms = _geometries(fc["features"], "街巷", _LINE, rep)
    cls = _line_classes(fc["features"])
    if cleaning is not None:
        if rep.get("fixed"):
            cleaning["streets_repaired"] = len(rep["fixed"])
        if rep.get("dropped"):
            cleaning["streets_dropped"] = len(rep["dropped"])
    if rep.get("dropped"):
        keep = np.ones(len(geoms), dtype=bool)
        keep[rep["dropped"]] = False
        geoms = geoms[keep]
        cls = cls[keep]
    if classes is not None:
        classes.append(cls)
    return geoms


def read_boundaries(fc: dict):
    codes, geoms = [], []
    for i, feat in enumerate(fc["features"]):
        label = _feature_label("边界", i, feat if isinstance(feat, dict) else {})
        geom = _geometry(feat, label, _POLY)
        code = (feat.get("properties") or {}).get("code")
        if code is None or not str(code).strip():
            raise PartitionError(f"{label} 缺少区划代码 code", feature=label, reason="missing_code")
        if str(code) in codes:
            raise PartitionError(f"边界区划代码 {code} 重复", feature=label, reason="duplicate_code")
        codes.append(str(code))
        geoms.append(geom)
    if not codes:
        raise PartitionError("边界数据为空：至少需要一个社区/片区边界", reason="no_boundaries")
    return codes, np.asarray(geoms, dtype=object)


def read_inputs(buildings, streets, boundaries, crs: str) -> Inputs:
    """Validate, then project the inputs into a local metric CRS."""
    b_fc = load_collection(buildings, "建筑")
    s_fc = load_collection(streets, "街巷")
    a_fc = load_collection(boundaries, "边界")
    cleaning: dict = {}
    ids, hh, units, bgeoms = read_buildings(b_fc, cleaning)
    scls: list = []
    sgeoms = read_streets(s_fc, cleaning, scls)
    codes, ageoms = read_boundaries(a_fc)

    minx, miny, maxx, maxy = shapely.total_bounds(ageoms)
    proj = Projection(crs, ((minx + maxx) / 2, (miny + maxy) / 2))
    if not proj.identity and not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise PartitionError(
            f"边界坐标超出经纬度范围（{minx:.3f},{miny:.3f},{maxx:.3f},{maxy:.3f}），请用 crs 参数指明坐标系",
            reason="bad_crs",
        )
    apoly = proj.forward(ageoms)
    _check_overlaps(codes, apoly)
    spts = proj.forward(shapely.point_on_surface(bgeoms)) if len(bgeoms) else np.empty(0, dtype=object)
    slines = proj.forward(sgeoms) if len(sgeoms) else np.empty(0, dtype=object)
    xy = shapely.get_coordinates(spts) if len(spts) else np.empty((0, 2))
    b = Buildings(ids=ids, households=hh, units=units, points=spts, xy=xy, geoms=bgeoms, projection=proj)
    return Inputs(
        buildings=b,
        streets=slines,
        areas=Areas(codes=codes, polygons=apoly),
        projection=proj,
        cleaning=cleaning,
        street_class=scls[0] if len(scls) and scls[0].any() else None,
    )


def _check_overlaps(codes, polys):
    tree = shapely.STRtree(polys)
    i, j = tree.query(polys, predicate="intersects")
    keep = i < j
    i, j = i[keep], j[keep]
    if not len(i):
        return
    inter = shapely.area(shapely.intersection(polys[i], polys[j]))
    small = np.minimum(shapely.area(polys[i]), shapely.area(polys[j]))
    bad = (inter > 1.0) & (inter > 1e-6 * small)
    if bad.any():
        k = int(np.argmax(bad))
        raise PartitionError(
            f"边界 {codes[i[k]]} 与边界 {codes[j[k]]} 重叠约 {inter[k]:.0f} 平方米，网格无法同时属于两个区域",
            feature=f"边界 {codes[i[k]]}",
            reason="overlapping_boundaries",
        )


def assign_buildings_to_areas(inp: Inputs) -> np.ndarray:
    """Area index of every building; raises for a building outside every boundary."""
    b, a = inp.buildings, inp.areas
    n = len(b.ids)
    out = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return out
    tree = shapely.STRtree(a.polygons)
    bi, ai = tree.query(b.points, predicate="intersects")
    order = np.lexsort((ai, bi))
    bi, ai = bi[order], ai[order]
    first = np.unique(bi, return_index=True)[1]
    out[bi[first]] = ai[first]
    missing = np.flatnonzero(out < 0)
    if len(missing):
        k = missing[0]
        raise PartitionError(
            f"建筑 {b.ids[k]} 不在任何边界区域内（共 {len(missing)} 栋建筑在边界外）",
            feature=f"建筑 {b.ids[k]}",
            reason="building_outside_boundaries",
        )
    return out
