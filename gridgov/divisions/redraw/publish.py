"""Publishing a grid proposal (docs/architecture.md §4, “History is data”): new grid versions and every dependent record moved in
one transaction, with an audit trail of what moved where."""

import logging

from django.core.exceptions import ValidationError
from django.db.models import Sum
from shapely.geometry import mapping, shape

from gridgov.core import audit, clock
from gridgov.core.access import require
from gridgov.core.actors import action

from .. import geo
from ..choices import Level
from ..models import Division, DivisionShape
from .choices import ChangeKind, ProposalStatus
from .counts import recount_up
from .dependents import RedrawReport, move_dependents, polygons_of, rule_model, run_after_redraw
from .loaders import even_units
from .models import DivisionChange, GridProposal

log = logging.getLogger(__name__)
STALE = "现行网格在方案生成后已发生变化，请重新计算方案后再发布"


def grid_name(community, code):
    return f"{community.name}第{int(code[12:])}网格"


def _same_geometry(a, b):
    ga, gb = shape(a), shape(b)
    return ga.symmetric_difference(gb).area <= 1e-9 * max(ga.area, 1e-12) + 1e-14


def _new_shape(division, geometry, households, now, actor, version, note):
    minx, miny, maxx, maxy = geo.bbox(geometry)
    return DivisionShape(
        division=division, version=version, geometry=geometry, min_lng=minx, min_lat=miny, max_lng=maxx,
        max_lat=maxy, area_m2=geo.area_m2(geometry), households=households, valid_from=now,
        created_by=actor if getattr(actor, "pk", None) else None, note=note[:200],
    )


def _grids_and_shapes(proposal, old_grids, now, actor):
    """Reuse or create grid rows, close changed shapes and write new versions, retire grids that
    did not survive. Returns (grid_by_code, retired list, changed codes)."""
    features = proposal.grids["features"]
    new_codes = [f["properties"]["code"] for f in features]
    communities = {c.code: c for c in Division.objects.filter(code__in={c[:12] for c in new_codes})}
    clash = Division.objects.filter(code__in=[c for c in new_codes if c not in old_grids]).values_list("code", flat=True)
    if clash:
        raise ValidationError(f"网格编码 {', '.join(sorted(clash)[:5])} 已被使用，请重新计算方案")
    grid_by_code = {}
    for code in new_codes:
        if code in old_grids:
            grid_by_code[code] = old_grids[code]
        else:
            community = communities[code[:12]]
            grid = Division(code=code, name=grid_name(community, code), level=Level.GRID, parent=community,
                            valid_from=now, note=f"网格划分方案 #{proposal.pk}")
            grid.save()
            grid_by_code[code] = grid
    current = {s.division_id: s for s in DivisionShape.objects.select_for_update().filter(
        division__in=list(old_grids.values()), valid_to__isnull=True)}
    changed, new_shapes, to_close = [], [], []
    note = f"网格划分方案 #{proposal.pk}"
    for f in features:
        grid = grid_by_code[f["properties"]["code"]]
        old = current.get(grid.pk)
        geometry = mapping(shape(f["geometry"]))
        if old is not None and _same_geometry(old.geometry, geometry):
            continue
        if old is not None:
            to_close.append(old.pk)
        changed.append(grid.code)
        new_shapes.append(_new_shape(grid, geometry, f["properties"].get("households", 0), now, actor,
                                     (old.version + 1) if old else 1, note))
    retired = [g for code, g in old_grids.items() if code not in grid_by_code]
    to_close += [current[g.pk].pk for g in retired if g.pk in current]
    DivisionShape.objects.filter(pk__in=to_close).update(valid_to=now)
    DivisionShape.objects.bulk_create(new_shapes)
    Division.objects.filter(pk__in=[g.pk for g in retired]).update(is_active=False, valid_to=now)
    for g in retired:
        g.is_active, g.valid_to = False, now
    return grid_by_code, retired, changed


def _recount(grid_by_code, proposal):
    """household_count of the grids from their buildings (one aggregate query); a building
    split between grids counts in each grid by its share of units."""
    Building = rule_model("assignment")  # the building register (registry.Building)
    sums = {}
    if Building is not None:
        sums = dict(Building.objects.filter(grid__in=list(grid_by_code.values())).values_list("grid_id")
                    .annotate(n=Sum("household_count")).values_list("grid_id", "n"))
        split = (proposal.report.get("platform") or {}).get("unit_assignment") or {}
        for pk, hh, n_units, grid_id in Building.objects.filter(pk__in=[int(b) for b in split]).values_list(
                "pk", "household_count", "units", "grid_id"):
            for unit, code in split[str(pk)].items():
                grid = grid_by_code.get(code)
                share = even_units(hh, max(n_units, 1))[int(unit) - 1] if int(unit) <= max(n_units, 1) else 0
                if grid is not None and grid.pk != grid_id:
                    sums[grid.pk] = (sums.get(grid.pk) or 0) + share
                    sums[grid_id] = (sums.get(grid_id) or 0) - share
    before = {}
    for grid in grid_by_code.values():
        before[grid.code] = grid.household_count
        grid.household_count = int(sums.get(grid.pk) or 0)
    Division.objects.bulk_update(list(grid_by_code.values()), ["household_count"], batch_size=500)
    return before


def _audit_grids(actor, proposal, grid_by_code, retired, before_counts, changed, old_codes):
    moves = proposal.moves or []
    out_of, into = {}, {}
    for m in moves:
        o = out_of.setdefault(m["from"], {"buildings": 0, "households": 0, "to": {}})
        o["buildings"] += m["buildings"]
        o["households"] += m["households"]
        o["to"][m["to"]] = m["households"]
        i = into.setdefault(m["to"], {"buildings": 0, "households": 0, "from": {}})
        i["buildings"] += m["buildings"]
        i["households"] += m["households"]
        i["from"][m["from"]] = m["households"]
    touched = set(out_of) | set(into) | set(changed) | {g.code for g in retired}
    all_grids = dict(grid_by_code, **{g.code: g for g in retired})
    for code in sorted(touched):
        grid = all_grids.get(code)
        if grid is None:
            continue
        audit.record(
            actor, "divisions.regrid", grid,
            before={"households": before_counts.get(code, grid.household_count), "is_active": code in old_codes,
                    "moved_out": out_of.get(code, {"buildings": 0, "households": 0})},
            after={"households": grid.household_count, "is_active": grid.is_active,
                   "moved_in": into.get(code, {"buildings": 0, "households": 0}),
                   "shape_changed": code in changed, "proposal": proposal.pk},
            division_code=code,
        )


@action
def publish_proposal(*, actor, proposal):
    """Make a draft proposal today's grids: surviving grids keep their codes, new grids get new
    codes, retired grids are closed (history stays queryable); every row that belongs to a grid
    follows as its app's redraw rule says (buildings, houses, households, persons, legal
    entities, components, open cases …) with set-based updates, then the apps' after-redraw
    hooks run (party branches) as the system actor started by `actor`; grid household counts
    are recounted; one audit entry per changed grid plus a summary. All or nothing."""
    require(actor, "divisions.partition_division", proposal.division_code)
    proposal = GridProposal.objects.select_for_update().select_related("area").get(pk=proposal.pk)
    if proposal.status != ProposalStatus.DRAFT:
        raise ValidationError("只有“待审核”的方案可以发布")
    if not (proposal.grids or {}).get("features"):
        raise ValidationError("方案中没有任何网格，不能发布")
    area, now = proposal.area, clock.now()
    old_grids = {g.code: g for g in Division.objects.select_for_update(of=("self",)).filter(
        level=Level.GRID, is_active=True, code__prefix=area.path, shapes__valid_to__isnull=True)}
    previous = {f["properties"]["code"]: f for f in proposal.previous.get("features", [])}
    if set(previous) != set(old_grids):
        raise ValidationError(STALE)
    current = dict(DivisionShape.objects.filter(division__in=list(old_grids.values()), valid_to__isnull=True)
                   .values_list("division__code", "version"))
    if any(previous[c]["properties"].get("version", current[c]) != current[c] for c in previous):
        raise ValidationError(STALE)

    grid_by_code, retired, changed = _grids_and_shapes(proposal, old_grids, now, actor)
    successors = (proposal.report.get("platform") or {}).get("successors") or {}
    successor_of = {g: grid_by_code[successors.get(g.code)] if successors.get(g.code) in grid_by_code
                    else next(iter(v for k, v in sorted(grid_by_code.items()) if k[:12] == g.code[:12]),
                              next(iter(grid_by_code.values())))
                    for g in retired}
    counts = move_dependents(prefix=area.path, assignment=proposal.assignment,
                             new_polygons=polygons_of(proposal.grids["features"]), grid_by_code=grid_by_code,
                             successor_of=successor_of,
                             unit_assignment=(proposal.report.get("platform") or {}).get("unit_assignment"))
    before_counts = _recount(grid_by_code, proposal)
    codes = list(grid_by_code) + list(old_grids)
    recount_up(list(Division.objects.filter(code__in={c[:12] for c in codes} | {c[:9] + "000" for c in codes}))
               + area.ancestors() + [area])
    report = RedrawReport(kind="regrid", area=area, grids=list(grid_by_code.values()), retired=retired,
                          successor_of=successor_of, counts=counts, started_by=actor)
    hooks = run_after_redraw(started_by=actor, prefix=area.path, report=report)

    _audit_grids(actor, proposal, grid_by_code, retired, before_counts, changed, set(old_grids))
    platform = proposal.report.get("platform") or {}
    summary = {
        "proposal": proposal.pk, "grids": len(grid_by_code), "kept": platform.get("kept_codes", []),
        "new": platform.get("new_codes", []), "retired": [g.code for g in retired], "shapes_changed": changed,
        "moved_buildings": platform.get("moved_buildings", 0), "moved_households": platform.get("moved_households", 0),
        "rows_moved": counts, "after_redraw": hooks,
    }
    audit.record(actor, "divisions.publish_proposal", proposal, after=summary, division_code=area.code)
    DivisionChange.objects.create(
        kind=ChangeKind.REGRID, at=now, actor=actor if getattr(actor, "pk", None) else None, old_code=area.code,
        new_code=area.code, code_map={g.code: s.code for g, s in successor_of.items()}, counts=counts,
        note=f"网格划分方案 #{proposal.pk}",
    )
    GridProposal.objects.filter(pk=proposal.pk).update(
        status=ProposalStatus.PUBLISHED, published_at=now, published_by=actor if getattr(actor, "pk", None) else None)
    proposal.status = ProposalStatus.PUBLISHED
    return summary


@action
def discard_proposal(*, actor, proposal):
    """Set a draft aside (放弃); it stays listed for reference."""
    require(actor, "divisions.partition_division", proposal.division_code)
    proposal = GridProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status not in (ProposalStatus.DRAFT, ProposalStatus.FAILED, ProposalStatus.RUNNING):
        raise ValidationError("已发布的方案不能放弃")
    proposal.status = ProposalStatus.DISCARDED
    proposal.save(update_fields=["status"])
    audit.record(actor, "divisions.discard_proposal", proposal, after={"status": "discarded"},
                 division_code=proposal.division_code)
    return proposal
