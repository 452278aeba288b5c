"""Points caps of a service item (#12: a record of quantity 12 earned 24 points against a
monthly target of 10). Both caps are data on `ServiceItem` (empty = no cap):

- `max_points_per_record`: one record counts at most this, whatever its quantity;
- `max_points_per_day`: a member's records of one item on one local day (Asia/Shanghai) count
  at most this together.

A record's points are fixed when it is made (capped against the member's other records of that
item and day that are not rejected) and capped again when the branch verifies it (against the
verified ones), so verified points of a day never exceed the cap."""

import datetime
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from .choices import ActivityStatus


def day_bounds(at):
    """[start, end) of the local day of `at`."""
    local = timezone.localtime(at)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + datetime.timedelta(days=1)


def per_record(item, raw):
    cap = item.max_points_per_record
    return min(Decimal(raw), cap) if cap is not None else Decimal(raw)


def earned_that_day(member_id, item, at, *, statuses, exclude_pk=None):
    from .models import ServiceActivity

    start, end = day_bounds(at)
    qs = ServiceActivity.objects.filter(member_id=member_id, item=item, occurred_at__gte=start,
                                        occurred_at__lt=end, status__in=statuses)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.aggregate(n=Sum("points"))["n"] or Decimal(0)


def capped(item, raw, member_id, at, *, statuses=(ActivityStatus.PENDING, ActivityStatus.VERIFIED), exclude_pk=None):
    """The points a record of `raw` points earns under the item's caps."""
    points = per_record(item, raw)
    cap = item.max_points_per_day
    if cap is not None:
        room = cap - earned_that_day(member_id, item, at, statuses=statuses, exclude_pk=exclude_pk)
        points = max(Decimal(0), min(points, room))
    return points


def cap_batch(item_of, rows, earned):
    """Cap new records made in bulk (platform records): `rows` are unsaved ServiceActivity objects
    in time order, `earned` {(member_id, item_id, local date): points already counted}."""
    for r in rows:
        item = item_of(r)
        r.points = per_record(item, r.points)
        if item.max_points_per_day is not None:
            key = (r.member_id, item.pk, timezone.localtime(r.occurred_at).date())
            used = earned.get(key, Decimal(0))
            r.points = max(Decimal(0), min(r.points, item.max_points_per_day - used))
            earned[key] = used + r.points
    return rows
