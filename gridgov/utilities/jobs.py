"""Background jobs of the utilities app: the daily reconciliation. (Bills and accounts are
imported through the core import path: `gridgov.core.import_jobs`.)"""


def reconcile_job(run, *, date, actor_id=None):
    """The daily reconciliation (yesterday by default when scheduled), as the system actor."""
    import datetime

    from gridgov.accounts.models import User
    from gridgov.core.actors import system_actor

    from . import actions

    person = User.objects.filter(pk=actor_id).first() if actor_id else None
    actor = system_actor(started_by=person)
    result = actions.reconcile_day(actor=actor, date=datetime.date.fromisoformat(date))
    run.log(f"对账完成：{result.counts.get('payments', 0)} 笔支付，差异 {result.counts.get('mismatch_total', 0)} 条")
    return {"run": result.pk, **result.counts}
