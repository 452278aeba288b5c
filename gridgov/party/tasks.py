"""Huey tasks of the party app: the daily scoring run."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="1", minute="30"))
def daily_scoring():
    """Score every member at 01:30 and remind those behind (idempotent)."""
    from gridgov.core.actors import system_actor

    from .actions.scoring import run_scoring

    return run_scoring(actor=system_actor())
