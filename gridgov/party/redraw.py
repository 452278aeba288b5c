"""The party app's after-redraw hook (declared in contributions.py): branches follow their grids.

When grids are redrawn, every organisation is kept in step with the division tree (new grids
get a branch, retired grids' branches retire) and the members of a retired grid's branch move,
with their pending requests and unverified records, to the branch of the grid that took over
(its successor). When a community moves or merges (re-division), the same happens between each
old grid and its new copy. Verified history stays where it happened.
"""

from gridgov.core.actors import action
from gridgov.divisions.choices import Level

from .actions import move_branch, sync_organizations


@action
def follow_redraw(*, actor, prefix, report):
    """Runs inside the redraw's transaction as the system actor (started by the person)."""
    if report.kind == "regrid":
        counts = sync_organizations(actor=actor, divisions=report.grids)
        members = sum(move_branch(actor=actor, from_grid=old, to_grid=new, note="网格重划，支部随网格调整")
                      for old, new in report.successor_of.items())
        sync_organizations(actor=actor, divisions=report.retired)
        return {"organizations": counts, "members_moved": members}
    sync_organizations(actor=actor, divisions=report.grids)
    members = sum(move_branch(actor=actor, from_grid=old, to_grid=new, note="行政区划调整")
                  for old, new in report.pairs if old.level == Level.GRID)
    sync_organizations(actor=actor, divisions=report.retired)
    return {"members_moved": members}
