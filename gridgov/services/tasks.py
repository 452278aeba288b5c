"""Huey tasks of the services app: the application deadline sweep, the proxy-need alert and the
missed-appointment sweep."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/10"))
def deadline_sweep_task():
    """Flag applications reaching their warning time or overdue (idempotent)."""
    from gridgov.core.actors import system_actor

    from .actions import sweep_deadlines

    return sweep_deadlines(actor=system_actor())


@db_periodic_task(crontab(minute="7,37"))
def proxy_need_sweep_task():
    """Alert about proxy needs left unassigned for more than 2 working days (idempotent)."""
    from gridgov.core.actors import system_actor

    from .actions import sweep_needs

    return sweep_needs(actor=system_actor())


@db_periodic_task(crontab(minute="*/15"))
def missed_appointment_sweep_task():
    """Mark appointments not checked in by their slot's end (plus the grace period) as missed."""
    from gridgov.core.actors import system_actor

    from .actions import sweep_missed_appointments

    return sweep_missed_appointments(actor=system_actor())
