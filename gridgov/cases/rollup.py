"""The per-day event sums (`CaseStatDay`): built from `CaseEvent` for whole past days, so
evaluation over a year reads ~one row per case-day instead of ~eight event rows per case.

Events are append-only and written with `at = now`, so a past day's sums never change; `build`
only adds the days between `built_until` and today. `rebuild` starts over (after the demo
generator inserts history)."""

import datetime

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from gridgov.core import clock

from .choices import EventKind as K

CLOSE_KINDS = [K.CLOSE, K.SOLVE]
ON_TIME = Q(on_time=True)
STRICT = Q(on_time=True, deferred=False)


def count_expressions():
    """The counts evaluation needs, as aggregate expressions over CaseEvent."""
    return dict(
        reported=Count("id", filter=Q(kind=K.REPORT)),
        registered=Count("id", filter=Q(kind__in=[K.REGISTER, K.SOLVE])),
        dispatched=Count("id", filter=Q(kind=K.DISPATCH)),
        dispatched_on_time=Count("id", filter=Q(kind=K.DISPATCH, on_time=True)),
        returned=Count("id", filter=Q(kind=K.RETURN)),
        handled=Count("id", filter=Q(kind=K.HANDLE)),
        handled_on_time=Count("id", filter=Q(kind=K.HANDLE) & ON_TIME),
        handled_on_time_strict=Count("id", filter=Q(kind=K.HANDLE) & STRICT),
        handled_deferred=Count("id", filter=Q(kind=K.HANDLE, deferred=True)),
        handle_minutes=Sum("elapsed_minutes", filter=Q(kind=K.HANDLE)),
        rework=Count("id", filter=Q(kind=K.VERIFY_FAIL)),
        closed=Count("id", filter=Q(kind__in=CLOSE_KINDS)),
        closed_on_time=Count("id", filter=Q(kind__in=CLOSE_KINDS) & ON_TIME),
        closed_on_time_strict=Count("id", filter=Q(kind__in=CLOSE_KINDS) & STRICT),
        closed_deferred=Count("id", filter=Q(kind__in=CLOSE_KINDS, deferred=True)),
        rated=Count("id", filter=Q(kind=K.RATE)),
        rating_sum=Sum("rating", filter=Q(kind=K.RATE)),
    )


COUNT_FIELDS = list(count_expressions())
COUNTED_KINDS = [K.REPORT, K.REGISTER, K.SOLVE, K.DISPATCH, K.RETURN, K.HANDLE, K.VERIFY_FAIL, K.CLOSE, K.RATE]


def midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def built_until():
    from .models import CaseRollupState

    state = CaseRollupState.objects.filter(pk=1).first()
    return state.built_until if state else None


@transaction.atomic
def build(progress=None):
    """Sum every whole day not yet summed, up to yesterday. Idempotent. Returns rows written."""
    from .models import CaseEvent, CaseRollupState, CaseStatDay

    state, _ = CaseRollupState.objects.select_for_update().get_or_create(pk=1)
    today = clock.today()
    first = state.built_until
    if first is None:
        earliest = CaseEvent.objects.order_by("at").values_list("at", flat=True).first()
        first = timezone.localdate(earliest) if earliest else today
    if first >= today:
        return 0
    CaseStatDay.objects.filter(day__gte=first, day__lt=today).delete()
    rows = (CaseEvent.objects.filter(at__gte=midnight(first), at__lt=midnight(today), kind__in=COUNTED_KINDS)
            .annotate(day=TruncDate("at", tzinfo=timezone.get_current_timezone()))
            .values("day", "division_code", "department_id", "category_id")
            .annotate(**count_expressions()).order_by())
    batch, written = [], 0
    for r in rows.iterator(chunk_size=5000):
        batch.append(CaseStatDay(**{k: (v or 0) if k in COUNT_FIELDS else v for k, v in r.items()}))
        if len(batch) >= 5000:
            CaseStatDay.objects.bulk_create(batch)
            written += len(batch)
            batch = []
            if progress:
                progress(f"事件日统计：{written} 行")
    CaseStatDay.objects.bulk_create(batch)
    written += len(batch)
    state.built_until, state.built_at = today, clock.now()
    state.save()
    return written


@transaction.atomic
def rebuild(progress=None):
    """Forget the sums and build them again from the event table."""
    from .models import CaseRollupState, CaseStatDay

    CaseStatDay.objects.all().delete()
    CaseRollupState.objects.filter(pk=1).update(built_until=None)
    return build(progress)
