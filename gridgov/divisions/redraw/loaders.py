"""Database → partition engine input (docs/architecture.md §4, “The partition engine is a library”: the engine takes plain GeoJSON; this adapter
loads it). Everything is keyed by ids and codes so the engine output maps back to rows."""

from dataclasses import dataclass, field

import shapely
from shapely.geometry import Point, mapping, shape

from ..choices import Level
from ..models import Division, DivisionShape
from .dependents import rule_model
from .streets import streets_in_bbox

# A building with more households than this and several stairwell units (单元) may be split
# between grids by unit (the engine's per-unit input); its houses follow their unit.
UNIT_SPLIT = 200


def even_units(households, n):
    """Per-unit household counts of a building of `n` units (the registry has no per-unit
    count, so households are shared evenly)."""
    base, extra = divmod(households, n)
    return [base + (1 if i < extra else 0) for i in range(n)]


def fc(features):
    return {"type": "FeatureCollection", "features": features}


@dataclass
class AreaInputs:
    """What the engine needs for one area, plus what the platform needs to map results back."""

    area: Division
    communities: list
    boundaries: dict  # GeoJSON FeatureCollection (code per community)
    buildings: dict  # located buildings inside the boundaries
    streets: dict
    previous: dict  # current grids with building_ids
    building_rows: dict = field(default_factory=dict)  # id -> {"grid": code, "households": n, "located": bool}
    existing_codes: set = field(default_factory=set)  # every Division code under the area (incl. retired)
    warnings: list = field(default_factory=list)


def communities_of(area):
    """The current communities inside `area` (the area itself when it is a community)."""
    if area.level == Level.COMMUNITY:
        return [area]
    return list(Division.objects.filter(level=Level.COMMUNITY, is_active=True, code__prefix=area.path))


def current_grids(prefix):
    return Division.objects.filter(level=Level.GRID, is_active=True, code__prefix=prefix)


def current_shapes(divisions):
    return {s.division_id: s for s in DivisionShape.objects.filter(division__in=divisions, valid_to__isnull=True)}


def building_model():
    """The building register: the model whose redraw rule takes the proposal's assignment."""
    return rule_model("assignment")


def _unit_grids(building_rows, grid_code_by_id, members):
    """For splittable buildings whose houses are in several grids: {unit index: grid code}, and
    the building listed as a member of each of those grids (the engine's previous-grid input)."""
    House = rule_model("unit")  # the building register's houses, which follow their unit
    big = [pk for pk, r in building_rows.items() if r["units"]]
    for i in range(0, len(big), 2000):
        pairs = House.objects.filter(building_id__in=big[i:i + 2000]).values_list("building_id", "unit", "grid_id")
        for bid, unit, grid_id in pairs.distinct():
            r = building_rows[bid]
            if 1 <= unit <= len(r["units"]) and grid_id in grid_code_by_id:
                r["unit_grids"][unit - 1] = grid_code_by_id[grid_id]
    for pk in big:
        r = building_rows[pk]
        if len(set(r["unit_grids"].values())) <= 1:
            r["unit_grids"] = {}
            continue
        for u in range(len(r["units"])):
            r["unit_grids"].setdefault(u, r["grid"])
        for code in set(r["unit_grids"].values()) - {r["grid"]}:
            members.setdefault(code, []).append(pk)


def load_area(area):
    """Boundaries, located buildings, streets and today's grids of `area`."""
    communities = communities_of(area)
    grids = list(current_grids(area.path).order_by("code"))
    shapes = current_shapes(communities + grids)
    warnings, boundary_features, polys = [], [], []
    for c in communities:
        s = shapes.get(c.pk)
        if s is not None:
            geom = shape(s.geometry)
        else:  # a community without its own polygon: the union of its grids
            parts = [shape(shapes[g.pk].geometry) for g in grids if g.code.startswith(c.path) and g.pk in shapes]
            if not parts:
                warnings.append(f"社区 {c.name}（{c.code}）没有边界，已跳过")
                continue
            geom = shapely.union_all(parts)
            warnings.append(f"社区 {c.name} 没有独立边界，使用其现有网格的并集")
        boundary_features.append({"type": "Feature", "geometry": mapping(geom), "properties": {"code": c.code}})
        polys.append(geom)
    union = shapely.union_all(polys) if polys else None
    if union is not None:
        shapely.prepare(union)

    grid_code_by_id = {g.pk: g.code for g in grids}
    building_rows, b_features, members = {}, [], {}
    Building = building_model()
    if Building is not None:
        rows = Building.objects.filter(division_code__prefix=area.path).values_list(
            "pk", "lng", "lat", "household_count", "grid_id", "units"
        )
        for pk, lng, lat, hh, grid_id, n_units in rows.iterator(chunk_size=5000):
            code, hh = grid_code_by_id.get(grid_id, ""), int(hh or 0)
            located = lng is not None and lat is not None and union is not None and union.covers(Point(lng, lat))
            row = {"grid": code, "households": hh, "located": located, "units": None, "unit_grids": {}}
            building_rows[pk] = row
            if located:
                props = {"id": pk, "households": hh}
                if hh > UNIT_SPLIT and (n_units or 1) > 1 and hh >= n_units:
                    row["units"] = props["units"] = even_units(hh, n_units)
                b_features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lng, lat]},
                                   "properties": props})
            if code:
                members.setdefault(code, []).append(pk)
        _unit_grids(building_rows, grid_code_by_id, members)
        unlocated = sum(1 for r in building_rows.values() if not r["located"])
        if unlocated:
            warnings.append(f"{unlocated} 栋楼栋没有坐标或位于边界外，保留原网格（原网格撤销时随其承接网格）")
    else:
        warnings.append("基础信息模块尚未安装：没有楼栋数据")

    street_features = []
    if union is not None:
        minx, miny, maxx, maxy = union.bounds
        for name, geom in streets_in_bbox(minx, miny, maxx, maxy).values_list("name", "geometry"):
            street_features.append({"type": "Feature", "geometry": geom, "properties": {"name": name}})

    previous = []
    for g in grids:
        s = shapes.get(g.pk)
        if s is None:
            continue
        split = {str(b): sorted(i for i, c in building_rows[b]["unit_grids"].items() if c == g.code)
                 for b in members.get(g.code, []) if building_rows[b]["unit_grids"]}
        previous.append({"type": "Feature", "geometry": s.geometry, "properties": {
            "units": {b: u for b, u in split.items() if u},
            "code": g.code, "area_code": g.code[:12], "households": g.household_count, "version": s.version,
            "building_ids": [b for b in members.get(g.code, []) if building_rows[b]["located"]],
            "name": g.name,
        }})
    existing = set(Division.objects.filter(code__prefix=area.path, level=Level.GRID).values_list("code", flat=True))
    return AreaInputs(
        area=area, communities=communities, boundaries=fc(boundary_features), buildings=fc(b_features),
        streets=fc(street_features), previous=fc(previous), building_rows=building_rows, existing_codes=existing,
        warnings=warnings,
    )
