"""Read helpers of the cases app: the filtered, scoped case list used by the list page, the map,
the department queue and the overdue board."""

import datetime
import math

from django.db.models import Q
from django.utils import timezone

from gridgov.core import clock
from gridgov.core.paging import CappedPaginator  # noqa: F401  (the case lists use it as queries.CappedPaginator)

from .choices import OPEN_STATES, CaseState, Channel
from .models import Case, CaseCategory

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


def _pk(value):
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) <= 12 else None


def keyword(params):
    return (params.get("q") or "").strip()[:50]


def filtered_cases(user, params, *, scope=""):
    """Cases `user` may see, narrowed by the list filters (all indexed columns)."""
    qs = Case.objects.visible_to(user).within(scope)
    state = params.get("state")
    if state == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif state in CaseState.values:
        qs = qs.filter(state=state)
    if (category := _pk(params.get("category"))) is not None:  # a class and its minor classes, without a join
        classes = [category, *CaseCategory.objects.filter(parent_id=category).values_list("pk", flat=True)]
        qs = qs.filter(category_id__in=classes)
    grid = (params.get("grid") or "").strip()
    if grid.isdigit():
        qs = qs.filter(division_code__prefix=grid)
    if (department := _pk(params.get("department"))) is not None:
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
    q = keyword(params)
    if q:  # without letters that have a case (Chinese, digits) a plain LIKE gives the same rows, cheaper
        contains = "icontains" if q.lower() != q.upper() else "contains"
        qs = qs.filter(Q(number__startswith=q) | Q(**{f"title__{contains}": q}) | Q(**{f"address__{contains}": q}))
    return qs.order_by(SORTS.get(params.get("sort"), "-reported_at"), "-id")


def list_related(qs):
    """The list columns and what they show of related rows, without the long text fields."""
    return qs.select_related("category", "category__parent", "grid", "current_department").defer(
        "description", "attributes")


PAGE_SIZE = 30
KEYWORD_CAP = 1_000  # a keyword is matched row by row (LIKE '%…%'): count fewer of them


def open_cases(qs):
    """The open cases of a queryset (the redraw moves these; closed ones keep their grid)."""
    return qs.filter(state__in=OPEN_STATES)


# --- duplicates ---------------------------------------------------------------------------------

def distance_m(lng1, lat1, lng2, lat2):
    rlat1, rlat2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((rlat2 - rlat1) / 2) ** 2
         + math.cos(rlat1) * math.cos(rlat2) * math.sin(math.radians(lng2 - lng1) / 2) ** 2)
    return 6371000 * 2 * math.asin(math.sqrt(a))


def duplicates(category, lng, lat, *, exclude_pk=None, limit=10):
    """Open cases of the same class within the class radius, nearest first (bbox in SQL)."""
    if category is None or lng is None or lat is None:
        return []
    radius = category.duplicate_radius_m or 50
    dlat = radius / 111000
    dlng = radius / (111000 * max(math.cos(math.radians(lat)), 0.01))
    qs = Case.objects.filter(category=category, state__in=OPEN_STATES, lng__range=(lng - dlng, lng + dlng),
                             lat__range=(lat - dlat, lat + dlat)).exclude(pk=exclude_pk)
    found = []
    for c in qs[:200]:
        d = distance_m(lng, lat, c.lng, c.lat)
        if d <= radius:
            c.distance = round(d)
            found.append(c)
    return sorted(found, key=lambda c: c.distance)[:limit]
