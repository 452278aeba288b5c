"""Hall queue statistics (排队统计): waiting time (taken → called) and serving time (called →
finished, tickets served) by hour of the day the ticket was taken, per group, over a day or a
period. One aggregate query per table, read through `visible_to`; minutes rounded to 0.1."""

import datetime

from django.db.models import Avg, Count, F, Max, Q
from django.db.models.functions import ExtractHour
from django.utils import timezone

from .choices import TicketChannel, TicketState
from .models import Ticket

WAIT = F("called_at") - F("taken_at")
SERVE = F("finished_at") - F("called_at")
MAX_DAYS = 366


def _minutes(value):
    if value is None:
        return None
    if isinstance(value, datetime.timedelta):
        value = value.total_seconds()
    else:  # some backends return microseconds
        value = float(value) / 1_000_000
    return round(value / 60, 1)


def tickets(user, *, scope="", start, end, group=None):
    qs = Ticket.objects.visible_to(user).within(scope).filter(day__gte=start, day__lte=end)
    if group is not None:
        qs = qs.filter(group=group)
    return qs


def _aggregate(qs, keys):
    done = Q(state=TicketState.DONE)
    rows = qs.values(*keys).annotate(
        taken=Count("id"), called=Count("id", filter=Q(called_at__isnull=False)), served=Count("id", filter=done),
        no_show=Count("id", filter=Q(state=TicketState.NO_SHOW)),
        appointment=Count("id", filter=Q(channel=TicketChannel.APPOINTMENT)),
        wait=Avg(WAIT), max_wait=Max(WAIT), serve=Avg(SERVE, filter=done)).order_by(*keys)
    return [{**{k: r[k] for k in keys}, "taken": r["taken"], "called": r["called"], "served": r["served"],
             "no_show": r["no_show"], "appointment": r["appointment"], "wait": _minutes(r["wait"]),
             "max_wait": _minutes(r["max_wait"]), "serve": _minutes(r["serve"])} for r in rows]


def hourly(user, *, scope="", start, end, group=None):
    """Rows per hour of the day (local time): taken, called, served, no-shows, appointment
    tickets, average and longest wait, average serving time (minutes)."""
    qs = tickets(user, scope=scope, start=start, end=end, group=group).annotate(
        hour=ExtractHour("taken_at", tzinfo=timezone.get_current_timezone()))
    return _aggregate(qs, ["hour"])


def by_group(user, *, scope="", start, end, group=None):
    qs = tickets(user, scope=scope, start=start, end=end, group=group)
    rows = _aggregate(qs, ["group__prefix", "group__name", "group__community__name"])
    for r in rows:
        r["name"] = f"{r['group__prefix']} {r['group__name']} · {r['group__community__name']}"
    return rows


def chart(rows):
    """ECharts data: every hour between the first and the last with tickets."""
    if not rows:
        return {"hours": [], "wait": [], "serve": [], "taken": []}
    by_hour = {r["hour"]: r for r in rows}
    hours = range(min(by_hour), max(by_hour) + 1)
    return {"hours": [f"{h}时" for h in hours], "wait": [by_hour.get(h, {}).get("wait") for h in hours],
            "serve": [by_hour.get(h, {}).get("serve") for h in hours],
            "taken": [by_hour.get(h, {}).get("taken", 0) for h in hours]}
