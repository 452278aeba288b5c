"""From engine output to a reviewable proposal: stable codes, the building → grid assignment,
successors of retired grids and the "what moves" table."""

from collections import defaultdict

import shapely
from shapely.geometry import shape

from .choices import PartitionMode
from .compare import recount


def _pieces(f, rows):
    """(building id, unit index or None, households) of a proposed grid feature: whole
    buildings, and the units of split ones."""
    units = f["properties"].get("units") or {}
    for bid in f["properties"].get("building_ids") or []:
        r = rows.get(int(bid))
        if r is None:
            continue
        if str(bid) in units and r["units"]:
            for u in units[str(bid)]:
                yield int(bid), int(u), r["units"][int(u)]
        else:
            yield int(bid), None, r["households"]


def _old_code(r, unit):
    return r["unit_grids"].get(unit, r["grid"]) if unit is not None else r["grid"]


def _overlap(features, rows):
    """{(old_code, new_code): households} for located buildings and units (+1 per piece so
    empty buildings still count)."""
    m = defaultdict(int)
    for f in features:
        new = f["properties"]["code"]
        for bid, unit, hh in _pieces(f, rows):
            old = _old_code(rows[bid], unit)
            if old:
                m[(old, new)] += hh + 1
    return m


def _next_free(community, taken):
    n = 1
    while f"{community}{n:03d}" in taken:
        n += 1
    code = f"{community}{n:03d}"
    taken.add(code)
    return code


def stabilise_codes(features, rows, previous_codes, existing_codes, mode):
    """Rename the engine's grid codes so that a surviving grid keeps its code and a new grid
    never takes a code used before (retired codes stay retired). In redraw mode the engine
    numbers afresh, so new grids are matched to old ones by shared households (greedy,
    largest overlap first); in adjust mode the engine already kept codes. Returns
    {engine_code: final_code}."""
    engine_codes = [f["properties"]["code"] for f in features]
    rename = {}
    if mode == PartitionMode.ADJUST:
        rename = {c: c for c in engine_codes if c in previous_codes}
    else:
        pairs = sorted(_overlap(features, rows).items(), key=lambda kv: -kv[1])
        used_old = set()
        for (old, new), _w in pairs:
            if new in rename or old in used_old or old[:12] != new[:12]:
                continue
            rename[new] = old
            used_old.add(old)
    taken = set(existing_codes) | set(rename.values())
    for c in sorted(engine_codes):
        if c not in rename:
            rename[c] = _next_free(c[:12], taken)
    return rename


def successors(previous, new_features, overlap):
    """{old_code: new_code}: where the records of each old grid go when it is retired — the new
    grid holding most of its households, else the one containing its centre, else the first
    new grid of its community."""
    new_codes = {f["properties"]["code"] for f in new_features}
    best = {}
    for (old, new), w in overlap.items():
        if w > best.get(old, (None, -1))[1]:
            best[old] = (new, w)
    polys = [(f["properties"]["code"], shape(f["geometry"])) for f in new_features]
    out = {}
    for f in previous["features"]:
        old = f["properties"]["code"]
        if old in new_codes:
            out[old] = old
        elif old in best:
            out[old] = best[old][0]
        else:
            pt = shapely.point_on_surface(shape(f["geometry"]))
            inside = [c for c, p in polys if p.covers(pt)]
            same = sorted(c for c, _p in polys if c[:12] == old[:12])
            out[old] = (inside or same or sorted(new_codes) or [old])[0]
    return out


def _renamed_cuts(cuts, rename):
    """The engine's in-block cuts (where a boundary between two grids leaves the streets and
    runs between buildings) with the final grid codes, for the proposal map."""
    features = []
    for f in (cuts or {}).get("features") or []:
        p = f.get("properties") or {}
        grids = [rename.get(c, c) for c in p.get("grids") or []]
        features.append({"type": "Feature", "geometry": f["geometry"],
                         "properties": {"grids": grids, "length_m": p.get("length_m")}})
    return {"type": "FeatureCollection", "features": features}


def build_proposal_data(inputs, result, mode):
    """(grids_fc, assignment, moves, platform_report) from an engine result."""
    features = result.grids["features"]
    previous_codes = {f["properties"]["code"] for f in inputs.previous["features"]}
    rename = stabilise_codes(features, inputs.building_rows, previous_codes, inputs.existing_codes, mode)
    for f in features:
        p = f["properties"]
        p["engine_code"] = p["code"]
        p["code"] = rename[p["code"]]
        p["building_ids"] = [int(b) for b in p.get("building_ids") or []]
    features.sort(key=lambda f: f["properties"]["code"])
    for row in result.report.get("grids") or []:
        row["code"] = rename.get(row["code"], row["code"])
    for cert in result.report.get("certificates") or []:
        cert["code"] = rename.get(cert["code"], cert["code"])
    result.report["out_of_range"] = [rename.get(c, c) for c in result.report.get("out_of_range") or []]
    result.report["in_block_cut_lines"] = _renamed_cuts(getattr(result, "cuts", None), rename)

    rows = inputs.building_rows
    succ = successors(inputs.previous, features, _overlap(features, rows))
    pieces = defaultdict(dict)  # building id -> {unit or None: (new code, households)}
    for f in features:
        for bid, unit, hh in _pieces(f, rows):
            pieces[bid][unit] = (f["properties"]["code"], hh)
    assignment, unit_assignment = {}, {}
    for bid, parts in pieces.items():
        by_code = defaultdict(int)
        for code, hh in parts.values():
            by_code[code] += hh + 1
        assignment[str(bid)] = max(sorted(by_code), key=lambda c: by_code[c])  # the grid with most of it
        if len(by_code) > 1:
            unit_assignment[str(bid)] = {str(u + 1): code for u, (code, _hh) in parts.items() if u is not None}
    new_codes = {f["properties"]["code"] for f in features}
    for bid, r in rows.items():
        if str(bid) not in assignment and r["grid"]:
            assignment[str(bid)] = r["grid"] if r["grid"] in new_codes else succ.get(r["grid"], r["grid"])
    recount(features, inputs.previous, rows, pieces, assignment, succ, _old_code)  # as 网格健康 counts
    moves = defaultdict(lambda: {"buildings": 0, "households": 0})
    for bid, r in rows.items():
        parts = pieces.get(bid) or {None: (assignment.get(str(bid), r["grid"]), r["households"])}
        moved_to = set()
        for unit, (new, hh) in parts.items():
            old = _old_code(r, unit)
            if old != new:
                moves[(old, new)]["households"] += hh
                moved_to.add((old, new))
        for key in moved_to:
            moves[key]["buildings"] += 1
    move_rows = [{"from": o, "to": n, **v} for (o, n), v in sorted(moves.items())]
    platform = {
        "kept_codes": sorted(previous_codes & new_codes),
        "new_codes": sorted(new_codes - previous_codes),
        "retired_codes": sorted(previous_codes - new_codes),
        "successors": succ,
        "moved_buildings": sum(m["buildings"] for m in move_rows),
        "moved_households": sum(m["households"] for m in move_rows),
        "unlocated_buildings": sum(1 for r in rows.values() if not r["located"]),
        "split_buildings": len(unit_assignment),
        "unit_assignment": unit_assignment,
        "warnings": inputs.warnings,
    }
    return result.grids, assignment, move_rows, platform
