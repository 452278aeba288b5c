"""Maintained sums of verified service records (`ActivitySum`: per grid and local calendar month)
— what the organisation tree counts, read instead of the records (ADR 0023).

* A cell (grid code, month) is always *recomputed* from the records, never added to, so a
  refresh is idempotent and a cell that was wrong is put right by the next refresh of it.
* The write paths that make a record count (verify, a volunteer check-out, records imported from
  cases, the demo) refresh the cells they touched, inside their transaction. Verified records
  never move (a redraw leaves verified history where it happened) and are never deleted, so no
  other write changes a cell.
* `rebuild()` recreates every cell from the records (the migration that adds the table, `gridgov
  party_sums`, after a bulk load); `tests/test_sums.py` proves the cells equal a recount.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Min, Sum
from django.utils import timezone

from .choices import ActivityStatus
from .periods import aware_bounds


def month_of(moment):
    """The first day of the local calendar month of an aware datetime."""
    return timezone.localtime(moment).date().replace(day=1)


def next_month(day):
    return datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _models(apps=None):
    if apps is not None:  # a migration's historical models
        return apps.get_model("party", "ServiceActivity"), apps.get_model("party", "ActivitySum")
    from .models import ActivitySum, ServiceActivity

    return ServiceActivity, ActivitySum


def refresh(cells, *, apps=None):
    """Recompute the given (division_code, month) cells from the verified records. Returns the
    number of cells written (cells with no verified record are deleted)."""
    Activity, ActivitySum = _models(apps)
    by_month = defaultdict(set)
    for code, month in cells:
        by_month[month.replace(day=1)].add(code)
    written = 0
    with transaction.atomic():
        for month, codes in by_month.items():
            written += _refresh_month(Activity, ActivitySum, month, sorted(codes))
    return written


def refresh_months(months, *, apps=None):
    """Recompute every grid's cells of the given months."""
    Activity, ActivitySum = _models(apps)
    written = 0
    with transaction.atomic():
        for month in sorted({m.replace(day=1) for m in months}):
            written += _refresh_month(Activity, ActivitySum, month, None)
    return written


def _refresh_month(Activity, ActivitySum, month, codes):
    lo, hi = aware_bounds(month, next_month(month))
    records = Activity.objects.filter(status=ActivityStatus.VERIFIED, occurred_at__gte=lo, occurred_at__lt=hi)
    old = ActivitySum.objects.filter(month=month)
    if codes is not None:
        records, old = records.filter(division_code__in=codes), old.filter(division_code__in=codes)
    rows = list(records.values("division_code").annotate(n=Count("id"), p=Sum("points")).order_by())
    old.delete()
    ActivitySum.objects.bulk_create([
        ActivitySum(division_code=r["division_code"], month=month, activities=r["n"], points=r["p"] or Decimal(0))
        for r in rows if r["n"]], batch_size=2000)
    return len(rows)


def rebuild(*, apps=None):
    """Recreate every cell from the records: one GROUP BY per month that has records."""
    Activity, ActivitySum = _models(apps)
    with transaction.atomic():
        ActivitySum.objects.all().delete()
        first = Activity.objects.filter(status=ActivityStatus.VERIFIED).aggregate(m=Min("occurred_at"))["m"]
        if first is None:
            return 0
        last = Activity.objects.filter(status=ActivityStatus.VERIFIED).order_by("-occurred_at").values_list(
            "occurred_at", flat=True).first()
        months, month, end = [], month_of(first), month_of(last)
        while month <= end:
            months.append(month)
            month = next_month(month)
        written = 0
        for month in months:
            written += _refresh_month(Activity, ActivitySum, month, None)
    return written


def recount(qs, start, end):
    """{division_code: (activities, points)} of the verified records of `qs` in [start, end)
    (local dates) counted from the records themselves — what the sums must equal."""
    lo, hi = aware_bounds(start, end)
    return {r["division_code"]: (r["n"], r["p"] or Decimal(0)) for r in qs.filter(
        status=ActivityStatus.VERIFIED, occurred_at__gte=lo, occurred_at__lt=hi).values("division_code").annotate(
        n=Count("id"), p=Sum("points")).order_by()}


def summed(prefixes, start, end):
    """{division_code: (activities, points)} over the months [start, end) (first days of months)
    from the sums, for grids under `prefixes` (a list of division paths, or ALL)."""
    from gridgov.core.access import ALL, prefix_q

    from .models import ActivitySum

    qs = ActivitySum.objects.filter(month__gte=start, month__lt=end)
    if prefixes != ALL:
        if not prefixes:
            return {}
        qs = qs.filter(prefix_q("division_code", prefixes))
    out = {}
    for code, n, p in qs.values("division_code").annotate(n=Sum("activities"), p=Sum("points")).values_list(
            "division_code", "n", "p").order_by():
        out[code] = (n or 0, p or Decimal(0))
    return out
