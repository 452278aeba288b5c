"""The scoring action (run from the UI, the CLI command `gridgov party_score`, the daily Huey
task and the job runner)."""

from gridgov.core import audit, clock
from gridgov.core.access import require_district_wide
from gridgov.core.actors import action, system_actor
from gridgov.core.jobs import start_job

from .. import scoring
from ..periods import period_bounds
from .service import import_case_activities


@action(atomic=False)
def run_scoring(*, actor, now=None, kinds=None, notify=True, import_cases=True):
    """Bring platform records in (cases reported by members), then score every member for the
    enabled periods and send reminders. Idempotent: re-running rewrites the same rows and sends
    no duplicate reminder. Not wrapped in one transaction: each period commits on its own so a
    district-wide run does not hold one long transaction."""
    require_district_wide(actor, "party.run_memberscore")
    now = now or clock.now()
    imported = 0
    if import_cases:
        from django.utils import timezone

        from ..periods import aware_bounds

        start, end = period_bounds("year", timezone.localdate(now))
        imported = import_case_activities(actor=actor, start=aware_bounds(start, end)[0], end=now)
    results = scoring.score_all(now=now, notify=notify, kinds=kinds)
    audit.record(actor, "party.run_scoring", ("party.memberscore", "run", "积分计算"),
                 after={"imported_cases": imported, **{k: v["members"] for k, v in results.items()}})
    return {"imported_cases": imported, "periods": results}


def scoring_job(run, kinds=None):
    """Job handler: `start_job(handler="gridgov.party.actions.scoring.scoring_job")`."""
    run.log("开始计算党员积分")
    result = run_scoring(actor=system_actor(), kinds=kinds)
    lines = [f"{r['period']}：{r['members']} 名党员，滞后 {r['behind']} 名，发送提醒 {r['notified']} 条"
             for r in result["periods"].values()]
    for line in lines:
        run.log(line)
    return {**result, "summary": lines}


@action
def start_scoring_job(*, actor):
    """Queue a scoring run as a background job (button on the rankings page)."""
    require_district_wide(actor, "party.run_memberscore")
    return start_job(actor=actor, kind="party.score", title="党员积分计算",
                     handler="gridgov.party.actions.scoring.scoring_job")
