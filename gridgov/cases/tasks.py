"""Huey tasks of the cases app: the SLA sweep every minute."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import sla


@db_periodic_task(crontab(minute="*"))
def sla_sweep_task():
    """Warn, flag overdue and escalate (idempotent; safe if two workers run it)."""
    return sla.sweep()


@db_periodic_task(crontab(minute="*/10"))
def rollup_task():
    """Sum finished days into CaseStatDay for evaluation (idempotent; a no-op within a day)."""
    from . import rollup

    return rollup.build()
