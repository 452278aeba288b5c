"""Huey tasks of the utilities app: yesterday's reconciliation every night (idempotent: a run
per call; the latest run of a day is the one shown first)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="40", hour="1"))
def daily_reconciliation_task():
    import datetime

    from gridgov.core import clock
    from gridgov.core.actors import system_actor

    from . import actions

    return actions.reconcile_day(actor=system_actor(), date=clock.today() - datetime.timedelta(days=1)).pk
