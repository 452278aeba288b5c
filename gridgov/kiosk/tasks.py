"""Huey tasks of the kiosk app: the offline sweep every five minutes."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/5"))
def offline_sweep_task():
    """Alert kiosk managers about terminals silent past their threshold (idempotent)."""
    from gridgov.core.actors import system_actor

    from .actions import sweep_offline

    return sweep_offline(actor=system_actor())
