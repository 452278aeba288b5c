"""The records that belong to a grid and how each re-derives its grid when grids are redrawn.

The list is explicit (grep for a model label to see how it follows a redraw). Each rule is
applied with set-based UPDATEs, never per-row saves, and only inside the redrawn area. A model
whose app is not installed (or not written yet) is skipped. After the rules, a *successor
sweep* moves whatever still points at a retired grid to the grid that took over most of its
households, so no live record is left on a retired grid.

Rules:
    assignment  the proposal's building → grid map (buildings)
    building    follow `building.grid` (houses; legal entities with a building)
    unit        houses of a building split between grids follow their unit (单元)
    house       follow `house.grid` (households; persons; legal entities with a house)
    household   follow `household.grid` (persons without a house)
    point       the new polygon containing (lng, lat) (components; open cases)
    successor   the successor of the retired grid only
With several via rules, a later one applies only to rows without the earlier relation: a
person with a house lives there, whatever household they are registered in (人户分离).
Closed cases, visits and other history keep the grid they happened in.
"""

from collections import defaultdict

import shapely
from django.apps import apps
from django.db.models import F, OuterRef, Subquery
from shapely.geometry import shape

DEPENDENTS = [
    # (model label, rules in order, row filter name)
    ("registry.Building", ["assignment"], None),
    ("registry.House", ["building", "unit"], None),
    ("registry.Household", ["house"], None),
    ("registry.Person", ["house", "household"], None),
    ("registry.LegalEntity", ["building", "house"], None),
    ("registry.Component", ["point"], None),
    ("cases.Case", ["point"], "open_cases"),
]
# Party branches and members follow through gridgov.party.actions (sync_organizations,
# move_branch), called by publish after these rules.


def get_model(label):
    app_label, name = label.split(".")
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def _open_cases(qs):
    try:
        from gridgov.cases.choices import OPEN_STATES
    except ImportError:
        return qs
    return qs.filter(state__in=OPEN_STATES)


FILTERS = {"open_cases": _open_cases}
VIA_RULES = {"building", "house", "household"}


def _scoped(model, prefix, filter_name):
    qs = model.objects.filter(division_code__prefix=prefix)
    return FILTERS[filter_name](qs) if filter_name else qs


def _follow(model, qs, via):
    """Rows whose grid differs from their `via` row's grid take that grid (one UPDATE)."""
    target = model._meta.get_field(via).related_model
    qs = qs.filter(**{f"{via}__isnull": False}).exclude(grid_id=F(f"{via}__grid_id"))
    src = target.objects.filter(pk=OuterRef(f"{via}_id"))
    return qs.update(grid_id=Subquery(src.values("grid_id")[:1]),
                     division_code=Subquery(src.values("division_code")[:1]))


def _by_point(qs, polygons, grid_by_code):
    """Rows with coordinates take the new grid polygon containing them (bbox tree + covers)."""
    if not polygons:
        return 0
    codes = [c for c, _ in polygons]
    geoms = [g for _, g in polygons]
    tree = shapely.STRtree(geoms)
    rows = list(qs.filter(lng__isnull=False, lat__isnull=False).values_list("pk", "lng", "lat", "grid_id"))
    if not rows:
        return 0
    pts = shapely.points([(r[1], r[2]) for r in rows])
    pi, gi = tree.query(pts, predicate="covered_by")
    target = {}
    for p, g in zip(pi.tolist(), gi.tolist(), strict=True):
        target.setdefault(p, codes[g])
    groups = defaultdict(list)
    for p, code in target.items():
        grid = grid_by_code[code]
        if rows[p][3] != grid.pk:
            groups[grid].append(rows[p][0])
    moved = 0
    for grid, pks in groups.items():
        for i in range(0, len(pks), 2000):
            moved += qs.model.objects.filter(pk__in=pks[i:i + 2000]).update(grid_id=grid.pk, division_code=grid.code)
    return moved


def _next_code(used):
    n = 1
    while f"{n:05d}" in used:
        n += 1
    code = f"{n:05d}"
    used.add(code)
    return code


def move_buildings(Building, assignment, grid_by_code, prefix):
    """Buildings take their assigned grid. A building keeps its 5-digit code unless a building
    already in the target grid holds it (checked against every current occupant, so no
    intermediate UPDATE can break the grid+code uniqueness); then it gets the next free code.
    Returns (moved, recoded)."""
    grid_ids = {g.pk for g in grid_by_code.values()}
    current = list(Building.objects.select_for_update().filter(division_code__prefix=prefix)
                   .values_list("pk", "code", "grid_id"))
    moving = [(pk, code, grid_by_code[assignment[str(pk)]]) for pk, code, gid in current
              if assignment.get(str(pk)) in grid_by_code and grid_by_code[assignment[str(pk)]].pk != gid]
    if not moving:
        return 0, 0
    used = defaultdict(set)
    for gid, code in Building.objects.filter(grid_id__in=grid_ids).values_list("grid_id", "code"):
        used[gid].add(code)
    keep, recode = defaultdict(list), []
    for pk, code, grid in sorted(moving):
        if code in used[grid.pk]:
            recode.append(Building(pk=pk, grid_id=grid.pk, division_code=grid.code, code=_next_code(used[grid.pk])))
        else:
            used[grid.pk].add(code)
            keep[grid].append(pk)
    for grid, pks in keep.items():
        for i in range(0, len(pks), 2000):
            Building.objects.filter(pk__in=pks[i:i + 2000]).update(grid_id=grid.pk, division_code=grid.code)
    if recode:
        Building.objects.bulk_update(recode, ["grid_id", "division_code", "code"], batch_size=500)
    return len(moving), len(recode)


def _by_unit(qs, unit_assignment, grid_by_code):
    """Houses of split buildings take the grid of their unit (one UPDATE per building and grid)."""
    moved = 0
    for bid, units in unit_assignment.items():
        by_code = defaultdict(list)
        for unit, code in units.items():
            by_code[code].append(int(unit))
        for code, unit_list in by_code.items():
            grid = grid_by_code.get(code)
            if grid is not None:
                moved += qs.filter(building_id=int(bid), unit__in=unit_list).exclude(grid_id=grid.pk).update(
                    grid_id=grid.pk, division_code=grid.code)
    return moved


def move_dependents(*, prefix, assignment, new_polygons, grid_by_code, successor_of, unit_assignment=None):
    """Apply DEPENDENTS inside `prefix`. `new_polygons`: [(code, shapely geometry)];
    `grid_by_code`: new grid Division rows; `successor_of`: {retired Division: Division}.
    Returns {model label: rows moved}."""
    counts = {}
    for label, rules, filter_name in DEPENDENTS:
        model = get_model(label)
        if model is None:
            continue
        n, earlier = 0, []
        for rule in rules:
            qs = _scoped(model, prefix, filter_name)
            if rule in VIA_RULES:  # a later via applies only to rows without the earlier ones
                qs = qs.filter(**{f"{via}__isnull": True for via in earlier})
                earlier.append(rule)
            if rule == "assignment":
                moved, recoded = move_buildings(model, assignment, grid_by_code, prefix)
                n += moved
                counts["registry.Building.recoded"] = recoded
            elif rule == "unit":
                n += _by_unit(qs, unit_assignment or {}, grid_by_code)
            elif rule == "point":
                n += _by_point(qs, new_polygons, grid_by_code)
            else:
                n += _follow(model, qs, rule)
        for old, new in successor_of.items():
            n += _scoped(model, prefix, filter_name).filter(grid_id=old.pk).update(grid_id=new.pk,
                                                                                  division_code=new.code)
        counts[label] = n
    return counts


def polygons_of(features):
    return [(f["properties"]["code"], shape(f["geometry"])) for f in features]
