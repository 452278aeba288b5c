"""Read helpers of the cases app: the filtered, scoped case list used by the list page, the map,
the department queue and the overdue board."""

import datetime

from django.db.models import Q
from django.utils import timezone

from gridgov.core import clock

from .choices import OPEN_STATES, CaseState, Channel
from .models import Case

SORTS = {"reported": "reported_at", "-reported": "-reported_at", "due": "due_at", "-due": "-due_at",
         "state": "state", "number": "number"}


def _date(value, end=False):
    try:
        d = datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    if end:
        d += datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(d, datetime.time()))


def filtered_cases(user, params, *, scope=""):
    """Cases `user` may see, narrowed by the list filters (all indexed columns)."""
    qs = Case.objects.visible_to(user).within(scope)
    state = params.get("state")
    if state == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif state in CaseState.values:
        qs = qs.filter(state=state)
    category = params.get("category")
    if category and category.isdigit():
        qs = qs.filter(Q(category_id=category) | Q(category__parent_id=category))
    grid = (params.get("grid") or "").strip()
    if grid.isdigit():
        qs = qs.filter(division_code__startswith=grid)
    department = params.get("department")
    if department and department.isdigit():
        qs = qs.filter(current_department_id=department)
    if params.get("overdue") == "1":
        qs = qs.filter(state__in=OPEN_STATES, due_at__lt=clock.now())
    channel = params.get("channel")
    if channel in Channel.values:
        qs = qs.filter(channel=channel)
    if (start := _date(params.get("from"))) is not None:
        qs = qs.filter(reported_at__gte=start)
    if (end := _date(params.get("to"), end=True)) is not None:
        qs = qs.filter(reported_at__lt=end)
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(number__startswith=q) | Q(title__icontains=q) | Q(address__icontains=q))
    return qs.order_by(SORTS.get(params.get("sort"), "-reported_at"), "-id")


def list_related(qs):
    return qs.select_related("category", "category__parent", "grid", "current_department")
