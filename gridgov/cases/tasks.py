"""Huey tasks of the cases app: the SLA sweep every minute."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import sla


@db_periodic_task(crontab(minute="*"))
def sla_sweep_task():
    """Warn, flag overdue and escalate (idempotent; safe if two workers run it)."""
    return sla.sweep()
