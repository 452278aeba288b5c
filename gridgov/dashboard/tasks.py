"""Huey tasks of the dashboard: the screen's sums every two minutes, the computed indicators
every night (both idempotent)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/2"))
def screen_stats_task():
    from . import screen_stats

    return screen_stats.refresh()


@db_periodic_task(crontab(minute="20", hour="2"))
def computed_indicators_task():
    from gridgov.core.actors import system_actor

    from . import actions

    return actions.refresh_computed(actor=system_actor())
