"""Scoring periods (month / quarter / year) and the pace of a period: how much of it has
elapsed at a given moment. Pure functions, tested with a fixed clock."""

import datetime
from decimal import Decimal

from django.utils import timezone

from .choices import MONTHS_IN, PeriodKind


def period_bounds(kind, day):
    """(first day, first day of the next period) of the period of `kind` containing `day`."""
    if kind == PeriodKind.MONTH:
        start = day.replace(day=1)
    elif kind == PeriodKind.QUARTER:
        start = datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    elif kind == PeriodKind.YEAR:
        start = datetime.date(day.year, 1, 1)
    else:
        raise ValueError(f"未知的考核周期：{kind}")
    months = start.month - 1 + MONTHS_IN[PeriodKind(kind)]
    end = datetime.date(start.year + months // 12, months % 12 + 1, 1)
    return start, end


def aware_bounds(start, end):
    """Local midnight datetimes for a [start, end) date range."""
    tz = timezone.get_current_timezone()
    return (datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
            datetime.datetime.combine(end, datetime.time.min, tzinfo=tz))


def elapsed_share(start, end, now):
    """Share of [start, end) elapsed at `now`, in [0, 1]."""
    lo, hi = aware_bounds(start, end)
    if now <= lo:
        return Decimal(0)
    if now >= hi:
        return Decimal(1)
    return Decimal((now - lo).total_seconds() / (hi - lo).total_seconds())


def scaled_target(target_points, target_period, kind):
    """A post's target, stated for its own period, restated for a period of `kind`
    (a monthly target of 10 is 30 a quarter and 120 a year)."""
    factor = Decimal(MONTHS_IN[PeriodKind(kind)]) / Decimal(MONTHS_IN[PeriodKind(target_period)])
    return (Decimal(target_points) * factor).quantize(Decimal("0.1"))


def label(kind, start):
    if kind == PeriodKind.MONTH:
        return f"{start.year}年{start.month}月"
    if kind == PeriodKind.QUARTER:
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    return f"{start.year}年"
