"""Helpers shared by the services actions: numbering, the typed event writer, working-day
clocks, and who may act through which channel."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from gridgov.core.workcalendar import WorkCalendar

from ..models import ApplicationEvent, NumberSequence


def next_number(key):
    """The next value of the named sequence, under a row lock held until the caller's
    transaction ends (numbers never repeat; concurrent callers wait on the row)."""
    if not NumberSequence.objects.filter(key=key).exists():
        try:
            with transaction.atomic():
                NumberSequence.objects.create(key=key, value=0)
        except IntegrityError:
            pass  # created concurrently
    NumberSequence.objects.filter(key=key).update(value=F("value") + 1)
    return NumberSequence.objects.get(key=key).value


def day_minutes():
    """Working minutes in one working day (settings.WORKING_HOURS)."""
    total = 0
    for a, b in settings.WORKING_HOURS:
        ta, tb = datetime.time.fromisoformat(a), datetime.time.fromisoformat(b)
        total += (tb.hour * 60 + tb.minute) - (ta.hour * 60 + ta.minute)
    return total


def add_working_days(start, days, calendar=None):
    return (calendar or WorkCalendar()).add_working_minutes(start, days * day_minutes())


def actor_name(actor):
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "居民（自助）"
    return actor.get_full_name() or actor.get_username()


def write_event(app, kind, actor, *, at, from_state="", to_state="", note="", data=None):
    return ApplicationEvent.objects.create(
        application=app, kind=kind, at=at,
        actor=actor if getattr(actor, "is_authenticated", False) else None, actor_name=actor_name(actor),
        from_state=from_state, to_state=to_state or app.state, note=note, department=app.department,
        division_code=app.division_code, data=data or {})
