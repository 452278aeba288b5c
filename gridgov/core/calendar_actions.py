"""Writes to the work calendar (docs/architecture.md §4, “Writes go through actions”): holidays and adjusted workdays, audited."""

from django.core.exceptions import ValidationError

from . import audit
from .access import is_district_wide
from .actors import action
from .choices import CalendarDayKind
from .models import CalendarDay


def _require(actor, perm):
    # The calendar is install-wide: only a whole-install scope may change it.
    if not is_district_wide(actor, perm):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(f"没有权限：{perm}（需要全区范围）")


@action
def set_day(*, actor, date, kind, name="", official=True):
    """Mark `date` as a holiday or an adjusted workday (creates or replaces the entry)."""
    if kind not in CalendarDayKind.values:
        raise ValidationError({"kind": "类型不正确"})
    existing = CalendarDay.objects.filter(date=date).first()
    _require(actor, "core.change_calendarday" if existing else "core.add_calendarday")
    before = audit.snapshot(existing) if existing else None
    day = existing or CalendarDay(date=date)
    day.kind, day.name, day.official = kind, name, official
    day.full_clean()
    day.save()
    audit.record(actor, "core.set_calendar_day", day, before=before, after=audit.snapshot(day))
    return day


@action
def remove_day(*, actor, date):
    """Make `date` an ordinary day again (weekday works, weekend rests)."""
    _require(actor, "core.delete_calendarday")
    day = CalendarDay.objects.filter(date=date).first()
    if day is None:
        return None
    before = audit.snapshot(day)
    day.delete()
    audit.record(actor, "core.remove_calendar_day", ("core.calendarday", str(date), str(date)), before=before)
    return before


@action
def load_schedule(*, actor, entries, replace_years=False):
    """Load a published schedule: entries are (date, kind, name, official). With
    `replace_years`, existing entries of the years in the file are removed first."""
    years = {d.year for d, *_ in entries}
    removed = 0
    if replace_years:
        _require(actor, "core.delete_calendarday")
        for year in years:
            removed += CalendarDay.objects.filter(date__year=year).delete()[0]
    for date, kind, name, official in entries:
        set_day(actor=actor, date=date, kind=kind, name=name, official=official)
    audit.record(actor, "core.load_calendar", ("core.calendarday", ",".join(map(str, sorted(years))), "工作日历"),
                 after={"entries": len(entries), "removed": removed})
    return {"loaded": len(entries), "removed": removed}
