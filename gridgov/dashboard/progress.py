"""Periods, pace and roll-ups of the 三五 indicators.

Pace: the value expected at a date runs in a straight line from the baseline (value, date) to
the target (value, date); a value at or beyond the expected one is green, within 10 % of the
baseline-to-target gap behind it amber, further behind red. Roll-up: community values of a
period combine into the street's and the district's by the indicator's aggregation (weighted by
the denominators when every value has one). Only approved values count.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from gridgov.core import clock

from .choices import Aggregation, Direction, Period, Rag, ValueStatus
from .models import IndicatorValue

AMBER_SHARE = Decimal("0.10")
MONTHS = {Period.MONTH: 1, Period.QUARTER: 3, Period.YEAR: 12}


def period_start(day, period):
    months = MONTHS[period]
    return datetime.date(day.year, (day.month - 1) // months * months + 1, 1)


def period_end(start, period):
    """The first day after the period."""
    m = start.month - 1 + MONTHS[period]
    return datetime.date(start.year + m // 12, m % 12 + 1, 1)


def period_label(start, period):
    if period == Period.YEAR:
        return f"{start.year}年"
    if period == Period.QUARTER:
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    return f"{start.year}年{start.month}月"


def recent_periods(period, count, today=None):
    start = period_start(today or clock.today(), period)
    out = [start]
    for _ in range(count - 1):
        prev = start - datetime.timedelta(days=1)
        start = period_start(prev, period)
        out.append(start)
    return list(reversed(out))


def expected(definition, day):
    """The value the straight line from baseline to target expects on `day`."""
    span = (definition.target_date - definition.baseline_date).days
    done = min(max((day - definition.baseline_date).days, 0), span)
    share = Decimal(done) / Decimal(span) if span else Decimal(1)
    return definition.baseline_value + (definition.target_value - definition.baseline_value) * share


def rag(definition, value, day):
    """Red/amber/green of `value` against the pace on `day` (NONE without a value)."""
    if value is None:
        return Rag.NONE
    value = Decimal(str(value))
    sign = 1 if definition.direction == Direction.HIGHER else -1
    if sign * (value - definition.target_value) >= 0:
        return Rag.GREEN
    behind = sign * (expected(definition, day) - value)
    if behind <= 0:
        return Rag.GREEN
    gap = abs(definition.target_value - definition.baseline_value) or Decimal(1)
    return Rag.AMBER if behind <= gap * AMBER_SHARE else Rag.RED


@dataclass
class Rolled:
    value: Decimal | None
    count: int  # community values that went into it
    numerator: Decimal | None = None
    denominator: Decimal | None = None


def combine(definition, rows):
    """Roll (value, numerator, denominator) rows up by the definition's aggregation."""
    rows = list(rows)
    if not rows:
        return Rolled(None, 0)
    agg = definition.aggregation
    if agg == Aggregation.SUM:
        return Rolled(sum(r[0] for r in rows), len(rows))
    if agg == Aggregation.SHARE:
        sign = 1 if definition.direction == Direction.HIGHER else -1
        met = sum(1 for r in rows if sign * (r[0] - definition.target_value) >= 0)
        return Rolled((Decimal(met) * 100 / len(rows)).quantize(Decimal("0.01")), len(rows), Decimal(met),
                      Decimal(len(rows)))
    if all(r[2] for r in rows):  # weighted: a street of big communities is not the mean of its rates
        num, den = sum(r[1] for r in rows), sum(r[2] for r in rows)
        return Rolled((num * 100 / den).quantize(Decimal("0.01")), len(rows), num, den)
    return Rolled((sum(r[0] for r in rows) / len(rows)).quantize(Decimal("0.01")), len(rows))


def approved(definition, start):
    return IndicatorValue.objects.filter(definition=definition, period_start=start, status=ValueStatus.APPROVED)


def value_for(definition, division, start):
    """The approved value of `division` for the period: its own row when the indicator is kept
    at that level, else the roll-up of the rows below it. Returns Rolled."""
    if division.level == definition.level:
        row = approved(definition, start).filter(division=division).first()
        if row is None:
            return Rolled(None, 0)
        return Rolled(row.value, 1, row.numerator, row.denominator)
    if division.level > definition.level:
        return Rolled(None, 0)
    rows = approved(definition, start).filter(division_code__startswith=division.path)
    return combine(definition, rows.values_list("value", "numerator", "denominator"))


def rollup_table(definitions, division, start):
    """{definition id: Rolled} for many definitions and one division in two queries (district
    and street scopes over every community value of the period)."""
    by_def = {d.id: [] for d in definitions}
    own = {}
    rows = IndicatorValue.objects.filter(definition__in=definitions, period_start=start, status=ValueStatus.APPROVED,
                                         division_code__startswith=division.path)
    for def_id, code, value, num, den in rows.values_list("definition_id", "division_code", "value", "numerator",
                                                          "denominator"):
        if code == division.code:
            own[def_id] = Rolled(value, 1, num, den)
        by_def[def_id].append((value, num, den))
    out = {}
    for d in definitions:
        if d.level == division.level:
            out[d.id] = own.get(d.id, Rolled(None, 0))
        elif d.level > division.level:
            out[d.id] = combine(d, [r for r in by_def[d.id]])
        else:
            out[d.id] = Rolled(None, 0)
    return out
