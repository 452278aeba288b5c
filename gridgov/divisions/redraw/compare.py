"""A proposal beside the live grids, both counted the way the grid-health page counts (#12: a
plan with 15 of 18 grids in range beside live grids with 17 of 18 did not say so, and called an
area impossible where the live grids hold 446 and 480 households).

Households of a grid are the register's active households of the grid (`Division.household_count`,
what 网格健康 reads). A proposed grid gets the households of the buildings (or stairwell units)
assigned to it, plus, for each live grid it succeeds, the households of that grid that no located
building carries (no house recorded, a building without coordinates): the same total as the live
grids, split the same way (docs/adr/0008-publishing-grids.md, addendum)."""

from collections import defaultdict

from .choices import PartitionTarget


def target_label(target):
    """The plan's target in Chinese (never the raw "balanced")."""
    labels = dict(PartitionTarget.choices)
    if target in labels:
        return str(labels[target])
    return f"平均每格 {target} 户" if str(target).isdigit() else str(target or "—")


def recount(features, previous, rows, pieces, assignment, successors, old_code):
    """Set `households` of each proposed grid feature the grid-health way (the engine's own
    count is kept as `engine_households`)."""
    live = {f["properties"]["code"]: int(f["properties"].get("households") or 0) for f in previous["features"]}
    carried_old, new_sum = defaultdict(int), defaultdict(int)
    for bid, r in rows.items():
        parts = pieces.get(bid) or {None: (assignment.get(str(bid), r["grid"]), r["households"])}
        for unit, (new, hh) in parts.items():
            carried_old[old_code(r, unit)] += hh
            new_sum[new] += hh
    for old, n in live.items():
        rest = n - carried_old.get(old, 0)
        if rest > 0:  # (a stale grid count below its buildings' sum adds nothing)
            new_sum[successors.get(old, old)] += rest
    for f in features:
        p = f["properties"]
        p["engine_households"] = p.get("households")
        p["households"] = int(new_sum.get(p["code"], 0))


def figures(counts, lo, hi):
    n = len(counts)
    inside = sum(1 for c in counts if lo <= c <= hi)
    off = sum(lo - c if c < lo else c - hi for c in counts if not lo <= c <= hi)
    return {"grids": n, "in_range": inside, "share": inside / n if n else 0.0, "off_households": off}


def compare(proposal, lo, hi):
    """{"plan": figures, "live": figures, "worse": [Chinese sentences]} of a proposal's grids
    against the live grids it replaces."""
    plan = figures([int(f["properties"].get("households") or 0) for f in (proposal.grids or {}).get("features", [])],
                   lo, hi)
    live = figures([int(f["properties"].get("households") or 0) for f in (proposal.previous or {}).get("features", [])],
                   lo, hi)
    worse = []
    if live["grids"]:
        if plan["share"] < live["share"]:
            worse.append(f"户数达标网格：方案 {plan['in_range']} / {plan['grids']}，现行 {live['in_range']} / {live['grids']}")
        if plan["off_households"] > live["off_households"]:
            worse.append(f"超出 {lo}–{hi} 户范围的户数合计：方案 {plan['off_households']} 户，现行 {live['off_households']} 户")
    return {"plan": plan, "live": live, "worse": worse}


def review_certificates(proposal, lo, hi):
    """Certificates the live grids contradict: an area "proven" impossible where the live grids
    of that community are all in range is not proven. Returns {grid code: note} and marks the
    certificates (report and grid features) `proven=False` with that note."""
    by_area = defaultdict(list)
    for f in (proposal.previous or {}).get("features", []):
        p = f["properties"]
        by_area[p["code"][:12]].append((p["code"], int(p.get("households") or 0)))
    notes = {}
    certs = list((proposal.report or {}).get("certificates") or [])
    certs += [f["properties"]["certificate"] for f in (proposal.grids or {}).get("features", [])
              if f["properties"].get("certificate")]
    for c in certs:
        code = c.get("code") or ""
        live = by_area.get((c.get("area_code") or code)[:12]) or []
        if c.get("proven") and live and all(lo <= n <= hi for _c, n in live):
            c["proven"] = False
            c["live_note"] = "现行网格 " + "、".join(f"{g}（{n} 户）" for g, n in live) + " 均在户数范围内，此处可以达标"
            notes[code] = c["live_note"]
    return notes
