"""Working-hours arithmetic for SLA clocks (docs/architecture.md §4, “Clocks are explicit”).

A day is a working day when it is Monday–Friday and not a holiday, or when it is an adjusted
working day (调休上班). Working hours within a day come from settings.WORKING_HOURS. All
functions take and return aware datetimes; computation happens in local time (Asia/Shanghai).
"""

import datetime

from django.conf import settings
from django.utils import timezone

from .choices import CalendarDayKind


class WorkCalendar:
    """Loaded once per use from CalendarDay rows (a few dozen per year); pure after that."""

    def __init__(self, exceptions=None, hours=None):
        if exceptions is None:
            from .models import CalendarDay

            exceptions = dict(CalendarDay.objects.values_list("date", "kind"))
        self.exceptions = exceptions
        self.periods = [
            (datetime.time.fromisoformat(a), datetime.time.fromisoformat(b))
            for a, b in (hours or settings.WORKING_HOURS)
        ]

    def is_working_day(self, day):
        kind = self.exceptions.get(day)
        if kind == CalendarDayKind.HOLIDAY:
            return False
        if kind == CalendarDayKind.WORKDAY:
            return True
        return day.weekday() < 5

    def _day_periods(self, day, tz):
        if not self.is_working_day(day):
            return []
        return [
            (timezone.make_aware(datetime.datetime.combine(day, a), tz),
             timezone.make_aware(datetime.datetime.combine(day, b), tz))
            for a, b in self.periods
        ]

    def add_working_minutes(self, start, minutes):
        """The moment `minutes` working minutes after `start`."""
        tz = timezone.get_current_timezone()
        start = timezone.localtime(start, tz)
        remaining = datetime.timedelta(minutes=minutes)
        day = start.date()
        for _ in range(3660):  # ten years of days: a hard stop against a misconfigured calendar
            for a, b in self._day_periods(day, tz):
                if b <= start:
                    continue
                begin = max(a, start)
                if begin + remaining <= b:
                    return begin + remaining
                remaining -= b - begin
            day += datetime.timedelta(days=1)
        raise ValueError("工作日历中找不到足够的工作时间")

    def working_minutes_between(self, start, end):
        """Working minutes in [start, end) (0 when end <= start)."""
        if end <= start:
            return 0
        tz = timezone.get_current_timezone()
        start, end = timezone.localtime(start, tz), timezone.localtime(end, tz)
        total = datetime.timedelta()
        day = start.date()
        while day <= end.date():
            for a, b in self._day_periods(day, tz):
                lo, hi = max(a, start), min(b, end)
                if hi > lo:
                    total += hi - lo
            day += datetime.timedelta(days=1)
        return int(total.total_seconds() // 60)
