"""SLA clocks (docs/architecture.md §4, “Clocks are explicit”): each step's deadline in working minutes from the class limits, the
per-step bookkeeping on the case, and the idempotent sweep that warns, flags and escalates."""

import logging

from django.db import transaction
from django.db.models import Q

from gridgov.core import clock
from gridgov.core.workcalendar import WorkCalendar

from . import conf
from .choices import OPEN_STATES, EventKind, Step, Urgency
from .workflow import STEP_OF_STATE

log = logging.getLogger(__name__)


def step_limit(case, step):
    """Working minutes allowed for `step` of `case` (deferral included for the handling step)."""
    c = case.category
    urgent = case.urgency == Urgency.URGENT
    if step == Step.ACCEPT:
        return c.accept_minutes_urgent if urgent else c.accept_minutes
    if step == Step.SIGN:
        return c.sign_minutes
    if step == Step.HANDLE:
        return (c.handle_minutes_urgent if urgent else c.handle_minutes) + case.deferred_minutes
    if step == Step.VERIFY:
        return c.verify_minutes_rural if case.is_rural else c.verify_minutes_city
    if step == Step.CLOSE:
        return c.close_minutes
    return None


def start_clock(case, at, calendar=None, *, keep_start=False):
    """Set the running step for the case's state and its due/warn/escalate moments."""
    step = STEP_OF_STATE.get(case.state, Step.NONE)
    if not keep_start or case.step != step or case.step_started_at is None:
        case.step_started_at = at if step else None
        case.warned = False
        case.overdue = False
    case.step = step
    limit = step_limit(case, step) if step else None
    if limit is None:
        case.due_at = case.warn_at = case.escalate_at = None
        return case
    cal = calendar or WorkCalendar()
    start = case.step_started_at
    case.due_at = cal.add_working_minutes(start, limit)
    case.warn_at = cal.add_working_minutes(start, int(limit * conf.warn_at()))
    case.escalate_at = cal.add_working_minutes(start, int(limit * conf.escalate_at()))
    return case


def measure(case, at, calendar=None):
    """(due_at, on_time, elapsed working minutes) of the running step finishing at `at`."""
    if not case.step or case.due_at is None:
        return None, None, None
    cal = calendar or WorkCalendar()
    elapsed = cal.working_minutes_between(case.step_started_at, at) if case.step_started_at else None
    return case.due_at, at <= case.due_at, elapsed


# --- the sweep ---------------------------------------------------------------------------------

def sweep(now=None):
    """Flag warnings, overdue steps and escalations. Idempotent: each flag is claimed with a
    conditional UPDATE, so a re-run (or two workers) acts once; notifications carry dedupe keys."""
    from gridgov.core.actors import system_actor

    from .models import Case

    now = now or clock.now()
    counts = {"warned": 0, "overdue": 0, "escalated": 0}
    actor = None  # the system actor, fetched when there is something to flag
    base = Case.objects.filter(state__in=OPEN_STATES).exclude(step="")
    for key, what, condition in (("warned", "warned", Q(warned=False, warn_at__lte=now)),
                                 ("overdue", "overdue", Q(overdue=False, due_at__lte=now)),
                                 ("escalated", "escalate", Q(escalate_at__lte=now))):
        for pk in base.filter(condition).values_list("pk", flat=True)[:5000]:
            actor = actor or system_actor()
            counts[key] += _flag(pk, what, condition, now, actor)
    return counts


@transaction.atomic
def _flag(pk, what, condition, now, actor):
    from .models import Case

    if what == "escalate":
        claimed = Case.objects.filter(Q(pk=pk) & condition).update(escalate_at=None)
    else:
        claimed = Case.objects.filter(Q(pk=pk) & condition).update(**{what: True})
    if not claimed:
        return 0
    case = Case.objects.select_related("category", "grid", "current_department").get(pk=pk)
    from .history import write_event
    from .notifications import notify_step

    if what == "warned":
        write_event(case, EventKind.WARN, actor, at=now, due_at=case.due_at,
                    note=f"{case.get_step_display()}环节临近时限")
    elif what == "overdue":
        write_event(case, EventKind.OVERDUE, actor, at=now, due_at=case.due_at,
                    note=f"{case.get_step_display()}环节已超期")
    else:
        case.escalation_level += 1
        Case.objects.filter(pk=pk).update(escalation_level=case.escalation_level)
        write_event(case, EventKind.ESCALATE, actor, at=now, due_at=case.due_at,
                    note=f"{case.get_step_display()}环节超时，升级至第 {case.escalation_level} 级督办",
                    data={"level": case.escalation_level})
    notify_step(case, what)
    return 1
