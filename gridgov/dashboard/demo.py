"""Demo data of the dashboard: the computed 三五 indicators for this quarter, a history of four
past quarters for every indicator (reported values as if reported and approved, computed ones
as they would have been on the pace line, marked as demo history in the note), a few reported
values waiting for review, and the screen's sums."""

import random
from decimal import Decimal

from django.db import transaction

from gridgov.core import clock
from gridgov.core.actors import system_actor
from gridgov.divisions.models import Division

from . import actions, screen_stats
from .choices import Source, ValueStatus
from .models import IndicatorDefinition, IndicatorValue
from .progress import expected, period_end, recent_periods


def generate(*, scale, seed, progress):
    rng = random.Random(seed * 13 + 5)
    n = actions.refresh_computed(actor=system_actor())
    progress(f"三五工程：平台计算指标 {n} 条")
    today = clock.today()
    rows = []
    with transaction.atomic():
        for d in IndicatorDefinition.objects.filter(is_active=True):
            divisions = list(Division.objects.filter(level=d.level, is_active=True))
            periods = recent_periods(d.period, 5, today)
            current = periods[-1]
            for start in periods:
                if start == current and d.source == Source.COMPUTED:
                    continue
                pace = expected(d, min(period_end(start, d.period), today))
                for div in divisions:
                    value = max(Decimal(0), min(Decimal(100), pace + Decimal(rng.uniform(-8, 5)).quantize(Decimal("0.01"))))
                    status = ValueStatus.APPROVED
                    if start == current and rng.random() < 0.25:
                        status = ValueStatus.SUBMITTED
                    rows.append(IndicatorValue(definition=d, division=div, division_code=div.code, period_start=start,
                                               value=value.quantize(Decimal("0.01")), source=d.source, status=status,
                                               note="演示数据", reported_at=clock.now()))
        IndicatorValue.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    progress(f"三五工程：历史与填报 {len(rows)} 条")
    written = screen_stats.refresh()
    progress(f"大屏汇总：{written} 行")
    return {"values": len(rows)}
