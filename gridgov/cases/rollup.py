"""Evaluation sums, all derived from the append-only `CaseEvent` table:

* `CaseStatDay`: per day, grid, department and minor class, straight from the events;
* `CaseStatRollup`: coarser sums of `CaseStatDay` — per day and per calendar month, at three
  grains (grid only; street × department × class; grid × department × class, monthly).

Events are written with `at = now`, so a past day's sums never change: `build` only adds the
days between `built_until` and today (less a settling margin for transactions still in flight
at midnight), and the months those days complete. Every table is rewritten for the span it
covers (delete, then INSERT … SELECT), never incremented in place, so `build` is idempotent and
`rebuild` reproduces everything from the events alone.

`plan` tells evaluation which table to read for which whole days; the rest of a period is
aggregated from the events themselves, so the figures are exactly the from-events figures."""

import datetime

from django.db import connection, transaction
from django.db.models import Count, DateField, F, Func, Q, Sum, Value
from django.db.models.functions import Substr, TruncDate, TruncMonth
from django.utils import timezone

from gridgov.core import clock
from gridgov.core.bulk import bulk_mode

from .choices import EventKind as K

CLOSE_KINDS = [K.CLOSE, K.SOLVE]
ON_TIME = Q(on_time=True)
STRICT = Q(on_time=True, deferred=False)
# a handling event that is not a re-handling after a failed verification (`handle_case` marks
# those with data.rework): one per case and dispatch
FIRST_HANDLING = Q(data__rework__isnull=True)
SETTLE = datetime.timedelta(minutes=10)  # a day is summed only this long after its midnight
ANALYZE_AFTER = 50_000  # rows written by one build after which PostgreSQL gets fresh statistics


def count_expressions():
    """The counts evaluation needs, as aggregate expressions over CaseEvent."""
    return dict(
        reported=Count("id", filter=Q(kind=K.REPORT)),
        registered=Count("id", filter=Q(kind__in=[K.REGISTER, K.SOLVE])),
        dispatched=Count("id", filter=Q(kind=K.DISPATCH)),
        dispatched_on_time=Count("id", filter=Q(kind=K.DISPATCH, on_time=True)),
        returned=Count("id", filter=Q(kind=K.RETURN)),
        handled=Count("id", filter=Q(kind=K.HANDLE)),
        # handling again after a failed verification (返工): not a new case handled
        rehandled=Count("id", filter=Q(kind=K.HANDLE) & ~FIRST_HANDLING),
        handled_on_time=Count("id", filter=Q(kind=K.HANDLE) & ON_TIME & FIRST_HANDLING),
        handled_on_time_strict=Count("id", filter=Q(kind=K.HANDLE) & STRICT & FIRST_HANDLING),
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


def sum_expressions():
    """The same counts as sums over a sums table."""
    return {f: Sum(f) for f in COUNT_FIELDS}


def midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def month_start(day):
    return day.replace(day=1)


def next_month(day):
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def built_until():
    from .models import CaseRollupState

    state = CaseRollupState.objects.filter(pk=1).first()
    return state.built_until if state else None


# --- building ------------------------------------------------------------------------------------

def _insert_select(model, qs, keys, constants=()):
    """INSERT INTO model (constants…, keys…, counts…) SELECT … FROM (qs): one statement, no rows
    through Python. `qs` selects the key columns as `k_<column>` and the counts as `s_<field>`;
    rows are written in date order (the first key), so a date range reads neighbouring pages."""
    sql, params = qs.query.sql_with_params()
    qn = connection.ops.quote_name
    columns = [c for c, _ in constants] + list(keys) + COUNT_FIELDS
    select = ["%s"] * len(constants) + [f"src.{qn('k_' + k)}" for k in keys]
    select += [f"COALESCE(src.{qn('s_' + f)}, 0)" for f in COUNT_FIELDS]
    # identifiers are quoted model/column names; values travel as parameters
    statement = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608
                 f"SELECT {', '.join(select)} FROM ({sql}) src ORDER BY src.{qn('k_' + keys[0])}")
    with connection.cursor() as cur:
        cur.execute(statement, [v for _, v in constants] + list(params))
        return max(cur.rowcount, 0)


def _local_day(field, first, today):
    """The local day of the datetime `field` as a group key. On SQLite, Django's TruncDate is a
    Python function called per row (most of a rebuild over a million events); when the zone's UTC
    offset is the same at every midnight of [first, today] (no daylight-saving change: always so
    for Asia/Shanghai) and the stored times are UTC, SQLite's own date() with that offset gives
    the same days."""
    tz = timezone.get_current_timezone()
    if connection.vendor == "sqlite" and connection.timezone_name == "UTC":
        offsets = {midnight(first + datetime.timedelta(days=d)).utcoffset() for d in range((today - first).days + 1)}
        if len(offsets) == 1:
            seconds = int(offsets.pop().total_seconds())
            return Func(F(field), Value(f"{seconds:+d} seconds"), function="date", output_field=DateField())
    return TruncDate(field, tzinfo=tz)


def _month(field):
    """The first day of the month of the date `field` (SQLite: strftime, not Django's per-row
    Python function)."""
    if connection.vendor == "sqlite":
        return Func(Value("%Y-%m-01"), F(field), function="strftime", output_field=DateField())
    return TruncMonth(field)


def _day_rows(first, today):
    """CaseStatDay for [first, today) from the events."""
    from .models import CaseEvent, CaseStatDay

    CaseStatDay.objects.filter(day__gte=first, day__lt=today).delete()
    qs = (CaseEvent.objects.filter(at__gte=midnight(first), at__lt=midnight(today), kind__in=COUNTED_KINDS)
          .values(k_day=_local_day("at", first, today), k_division_code=F("division_code"),
                  k_department_id=F("department_id"), k_category_id=F("category_id"))
          .annotate(**{f"s_{k}": v for k, v in count_expressions().items()}).order_by())
    return _insert_select(CaseStatDay, qs, ["day", "division_code", "department_id", "category_id"])


def _rollup_rows(grain, period, lo, hi):
    """CaseStatRollup rows of `grain` and `period` starting in [lo, hi), from CaseStatDay."""
    from .models import CaseStatDay, CaseStatRollup

    level = f"{grain}-{period}"
    CaseStatRollup.objects.filter(level=level, start__gte=lo, start__lt=hi).delete()
    length, detailed = CaseStatRollup.GRAINS[grain]
    keys = {"k_start": _month("day") if period == "month" else F("day"),
            "k_division_code": Substr("division_code", 1, length) if length < 15 else F("division_code")}
    if detailed:
        keys.update(k_department_id=F("department_id"), k_category_id=F("category_id"))
    qs = (CaseStatDay.objects.filter(day__gte=lo, day__lt=hi).values(**keys)
          .annotate(**{f"s_{f}": Sum(f) for f in COUNT_FIELDS}).order_by())
    return _insert_select(CaseStatRollup, qs, [k[2:] for k in keys], constants=[("level", level)])


def summable_until(now=None):
    """The first day that may not be summed yet: today, once SETTLE has passed since midnight."""
    return timezone.localdate((now or clock.now()) - SETTLE)


@transaction.atomic
def build(progress=None):
    """Sum every whole day not yet summed (up to yesterday) into CaseStatDay and the coarser
    rollups, and every month those days complete. Idempotent. Returns rows written."""
    from .models import CaseEvent, CaseRollupState, CaseStatRollup

    state, _ = CaseRollupState.objects.select_for_update().get_or_create(pk=1)
    if connection.vendor == "postgresql":  # the day sums sort the events of the span: in memory
        with connection.cursor() as cur:
            cur.execute("SET LOCAL work_mem = '64MB'")
    today = summable_until()
    first = state.built_until
    if first is None:
        earliest = CaseEvent.objects.order_by("at").values_list("at", flat=True).first()
        first = timezone.localdate(earliest) if earliest else today
    if first >= today:
        return 0
    written = _day_rows(first, today)
    for grain in ("grid", "district", "street"):  # the daily `fine` sums are CaseStatDay itself
        written += _rollup_rows(grain, "day", first, today)
    if progress:
        progress(f"事件日统计：{written} 行")
    lo, hi = month_start(first), month_start(today)  # the months [lo, hi) are now complete
    if lo < hi:
        for grain in CaseStatRollup.GRAINS:
            written += _rollup_rows(grain, "month", lo, hi)
    state.built_until, state.built_at = today, clock.now()
    state.save()
    if written >= ANALYZE_AFTER and connection.vendor == "postgresql":
        transaction.on_commit(_analyze)  # fresh planner statistics after a rebuild or a long gap
    return written


def _analyze():
    from .models import CaseStatDay, CaseStatRollup

    with connection.cursor() as cur:
        for model in (CaseStatDay, CaseStatRollup):
            cur.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


@transaction.atomic
def rebuild(progress=None):
    """Forget the sums and build them again from the event table. The sums tables start empty,
    so their indexes are dropped for the rebuild and built once after it (core.bulk.bulk_mode):
    1.6 million rows on the district demo."""
    from .models import CaseRollupState, CaseStatDay, CaseStatRollup

    if connection.vendor == "postgresql":  # no dead rows left behind (DELETE would double the tables)
        connection.check_constraints()  # run deferred FK checks now: TRUNCATE refuses pending ones
        with connection.cursor() as cur:
            cur.execute("TRUNCATE " + ", ".join(connection.ops.quote_name(m._meta.db_table)
                                                for m in (CaseStatDay, CaseStatRollup)))
    else:
        CaseStatDay.objects.all().delete()
        CaseStatRollup.objects.all().delete()
    CaseRollupState.objects.filter(pk=1).update(built_until=None)
    with bulk_mode(CaseStatDay, CaseStatRollup):
        return build(progress)


# --- reading -------------------------------------------------------------------------------------

KEY_LENGTH = {"street": 9, "community": 12, "grid": 15, "worker": 15}  # digits of the code a dimension groups by


def pick_grain(*, dimension, prefixes, category):
    """The coarsest grain that can answer a query grouped by `dimension`, restricted to division
    `prefixes` (none: no restriction) and optionally to a class."""
    if dimension not in ("department", "category") and category is None:
        return "grid"
    from .models import CaseStatRollup

    needed = max([KEY_LENGTH.get(dimension, 0), *(len(p) for p in prefixes or ())])
    return next(g for g in ("district", "street", "fine") if CaseStatRollup.GRAINS[g][0] >= needed)


def plan(a_day, b_day, grain):
    """Querysets (unfiltered) covering the whole summed days [a_day, b_day): calendar months
    inside the span from the month rollups, the remaining days from the day sums."""
    from .models import CaseStatDay, CaseStatRollup

    def days(lo, hi):
        if lo >= hi:
            return []
        if grain == "fine":
            return [CaseStatDay.objects.filter(day__gte=lo, day__lt=hi)]
        return [CaseStatRollup.objects.filter(level=f"{grain}-day", start__gte=lo, start__lt=hi)]

    m1 = a_day if a_day.day == 1 else next_month(a_day)
    m2 = month_start(b_day)  # b_day <= built_until, so every month before it is complete
    if m1 >= m2:
        return days(a_day, b_day)
    months = CaseStatRollup.objects.filter(level=f"{grain}-month", start__gte=m1, start__lt=m2)
    return days(a_day, m1) + [months] + days(m2, b_day)
