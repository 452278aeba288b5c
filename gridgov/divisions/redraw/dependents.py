"""How the rows that belong to a grid follow when grids are redrawn: the apps' `RedrawRule`s
(contributions.py) applied with set-based UPDATEs, never per-row saves, and only inside the
redrawn area; then the apps' after-redraw hooks.

Rules (see `gridgov.core.manifest.RedrawRule`):
    assignment  the proposal's building → grid map (the building register)
    <fk>        follow the grid of the row the foreign key points at ("building", "house" …)
    unit        houses of a building split between grids follow their unit (单元)
    point       the new polygon containing (lng, lat)
    keep, hook  nothing moves here (history; or the app's after-redraw hook moves them)
With several foreign-key rules, a later one applies only to rows without the earlier relation:
a person with a house lives there, whatever household they are registered in (人户分离). Unless
"keep" or "hook", a *successor sweep* then moves whatever still points at a retired grid to the
grid that took over most of its households, so no live row is left on a retired grid.
"""

from collections import defaultdict
from dataclasses import dataclass, field

import shapely
from django.apps import apps
from django.db.models import F, OuterRef, Subquery
from shapely.geometry import shape

from gridgov.core.actors import system_actor
from gridgov.core.manifest import collect, resolve

from .rules import declared_rules, has_code

STILL = {"keep", "hook"}
SPECIAL = {"assignment", "unit", "point"}


@dataclass
class RedrawReport:
    """What an after-redraw hook learns about the redraw it follows.

    kind: "regrid" (a proposal was published) or "redivision" (a community moved or merged);
    area: the redrawn division; grids: the area's grids now (regrid) or the new divisions
    (redivision); retired: the divisions retired; successor_of: {retired grid: grid taking over};
    pairs: [(old division, new division)] (redivision); counts: rows moved per model label;
    started_by: the person who published or re-divided."""

    kind: str
    area: object
    grids: list
    retired: list
    successor_of: dict = field(default_factory=dict)
    pairs: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    started_by: object = None


def rule_model(name):
    """The model whose rule uses the special rule `name` ("assignment": the building register
    the partition engine reads; "unit": its houses), or None when no installed app declares it."""
    for rule in declared_rules():
        if name in rule.rules:
            return apps.get_model(rule.model)
    return None


def get_model(label):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _scoped(model, prefix, row_filter):
    qs = model.objects.filter(division_code__prefix=prefix)
    return row_filter(qs) if row_filter else qs


def _has_grid(model):
    return any(f.name == "grid" for f in model._meta.concrete_fields)


def _follow(model, qs, via):
    """Rows whose grid differs from their `via` row's grid take that grid (one UPDATE); rows of a
    model without a grid column follow the `via` row's division code."""
    target = model._meta.get_field(via).related_model
    src = target.objects.filter(pk=OuterRef(f"{via}_id"))
    qs = qs.filter(**{f"{via}__isnull": False})
    values = {}
    if _has_grid(model) and _has_grid(target):
        qs = qs.exclude(grid_id=F(f"{via}__grid_id"))
        values["grid_id"] = Subquery(src.values("grid_id")[:1])
    else:
        qs = qs.exclude(division_code=F(f"{via}__division_code"))
    if has_code(target):
        values["division_code"] = Subquery(src.values("division_code")[:1])
    else:
        values["division_code"] = Subquery(src.values("grid__code")[:1])
    return qs.update(**values)


def _successors(model, qs, successor_of):
    moved = 0
    for old, new in successor_of.items():
        if _has_grid(model):
            moved += qs.filter(grid_id=old.pk).update(grid_id=new.pk, division_code=new.code)
        else:
            moved += qs.filter(division_code=old.code).update(division_code=new.code)
    return moved


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
    """Apply every declared redraw rule inside `prefix`. `new_polygons`: [(code, shapely
    geometry)]; `grid_by_code`: new grid Division rows; `successor_of`: {retired Division:
    Division}. Returns {model label: rows moved}."""
    counts = {}
    for rule in declared_rules():
        if STILL & set(rule.rules):
            continue
        model = apps.get_model(rule.model)
        row_filter = resolve(rule.row_filter) if rule.row_filter else None
        n, earlier = 0, []
        for name in rule.rules:
            qs = _scoped(model, prefix, row_filter)
            if name not in SPECIAL:  # a later foreign key applies only to rows without the earlier ones
                qs = qs.filter(**{f"{via}__isnull": True for via in earlier})
                earlier.append(name)
            if name == "assignment":
                moved, recoded = move_buildings(model, assignment, grid_by_code, prefix)
                n += moved
                counts[f"{rule.model}.recoded"] = recoded
            elif name == "unit":
                n += _by_unit(qs, unit_assignment or {}, grid_by_code)
            elif name == "point":
                n += _by_point(qs, new_polygons, grid_by_code)
            else:
                n += _follow(model, qs, name)
        n += _successors(model, _scoped(model, prefix, row_filter), successor_of)
        counts[rule.model] = n
    return counts


def run_after_redraw(*, started_by, prefix, report):
    """Call the apps' after-redraw hooks in INSTALLED_APPS order, inside the redraw's
    transaction. They act as the system actor started by the person who redrew (docs/architecture.md §4, “Writes go through actions”:
    the audit log names them both), since keeping other apps' rows in step is the platform's
    consequence of a redraw the person may make, not a right of theirs in those apps.
    Returns {app label: what its hook returned}."""
    actor = system_actor(started_by=started_by)
    results = {}
    for app, hook in collect("after_redraw"):
        results[app] = resolve(hook)(actor=actor, prefix=prefix, report=report)
    return results


def polygons_of(features):
    return [(f["properties"]["code"], shape(f["geometry"])) for f in features]
