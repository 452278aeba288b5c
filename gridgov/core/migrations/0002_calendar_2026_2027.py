"""Load the official 2026 public-holiday schedule (国务院办公厅 2025 年通知) and the 2027 statutory
holidays as a provisional schedule (official=False) until the State Council publishes 2027's.
Existing rows are never overwritten (an administrator's edits win)."""

import datetime

from django.db import migrations


def _days(start, end=None):
    d = datetime.date.fromisoformat(start)
    last = datetime.date.fromisoformat(end or start)
    while d <= last:
        yield d
        d += datetime.timedelta(days=1)


# (first, last, kind, name, official)
SCHEDULE = [
    ("2026-01-01", "2026-01-03", "holiday", "元旦", True),
    ("2026-01-04", None, "workday", "元旦调休上班", True),
    ("2026-02-15", "2026-02-23", "holiday", "春节", True),
    ("2026-02-14", None, "workday", "春节调休上班", True),
    ("2026-02-28", None, "workday", "春节调休上班", True),
    ("2026-04-04", "2026-04-06", "holiday", "清明节", True),
    ("2026-05-01", "2026-05-05", "holiday", "劳动节", True),
    ("2026-05-09", None, "workday", "劳动节调休上班", True),
    ("2026-06-19", "2026-06-21", "holiday", "端午节", True),
    ("2026-09-25", "2026-09-27", "holiday", "中秋节", True),
    ("2026-10-01", "2026-10-07", "holiday", "国庆节", True),
    ("2026-09-20", None, "workday", "国庆节调休上班", True),
    ("2026-10-10", None, "workday", "国庆节调休上班", True),
    # 2027: statutory days only, provisional until the official notice (no adjusted workdays yet)
    ("2027-01-01", None, "holiday", "元旦（暂定）", False),
    ("2027-02-05", "2027-02-08", "holiday", "春节（暂定）", False),
    ("2027-04-05", None, "holiday", "清明节（暂定）", False),
    ("2027-05-01", "2027-05-02", "holiday", "劳动节（暂定）", False),
    ("2027-06-09", None, "holiday", "端午节（暂定）", False),
    ("2027-09-15", None, "holiday", "中秋节（暂定）", False),
    ("2027-10-01", "2027-10-03", "holiday", "国庆节（暂定）", False),
]


def load(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    existing = set(CalendarDay.objects.values_list("date", flat=True))
    rows = []
    for first, last, kind, name, official in SCHEDULE:
        for day in _days(first, last):
            if day not in existing:
                rows.append(CalendarDay(date=day, kind=kind, name=name, official=official))
    CalendarDay.objects.bulk_create(rows)


def unload(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    dates = [d for first, last, *_ in SCHEDULE for d in _days(first, last)]
    CalendarDay.objects.filter(date__in=dates).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
