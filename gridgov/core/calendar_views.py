"""The work calendar page: a year of holidays and adjusted workdays, editable by a district
administrator (writes through calendar_actions)."""

import calendar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from gridgov.core.access import is_district_wide

from . import calendar_actions, clock
from .access import can
from .forms import CalendarDayForm
from .models import CalendarDay

WEEKDAYS = ["一", "二", "三", "四", "五", "六", "日"]


def year_months(year, exceptions):
    """[{month, weeks: [[{date, cls, title} | None]*7]}] for the template."""
    months = []
    cal = calendar.Calendar(firstweekday=0)
    for month in range(1, 13):
        weeks = []
        for week in cal.monthdatescalendar(year, month):
            cells = []
            for day in week:
                if day.month != month:
                    cells.append(None)
                    continue
                entry = exceptions.get(day)
                cls = "weekend" if day.weekday() >= 5 else ""
                if entry:
                    cls = f"{entry.kind}{'' if entry.official else ' provisional'}"
                cells.append({"date": day, "cls": cls, "title": entry.name if entry else ""})
            weeks.append(cells)
        months.append({"month": month, "weeks": weeks})
    return months


@login_required
def calendar_view(request):
    if not can(request.user, "core.view_calendarday"):
        raise PermissionDenied
    try:
        year = int(request.GET.get("year") or clock.today().year)
    except ValueError:
        year = clock.today().year
    year = min(max(year, 2000), 2100)
    can_edit = is_district_wide(request.user, "core.change_calendarday")
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["kind"] == "normal":
                    calendar_actions.remove_day(actor=request.user, date=data["date"])
                else:
                    calendar_actions.set_day(actor=request.user, date=data["date"], kind=data["kind"],
                                             name=data["name"], official=data["official"])
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, "；".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(request, f"{data['date']:%Y-%m-%d} 已保存。")
                return redirect(f"{reverse('core:calendar')}?year={data['date'].year}")
    entries = {d.date: d for d in CalendarDay.objects.filter(date__year=year)}
    provisional = any(not d.official for d in entries.values())
    return render(request, "core/calendar.html", {
        "year": year, "months": year_months(year, entries), "weekdays": WEEKDAYS, "form": form,
        "entries": sorted(entries.values(), key=lambda d: d.date), "provisional": provisional,
        "can_edit": can_edit, "today": clock.today(),
        "breadcrumb": [{"label": "系统管理"}, {"label": "工作日历"}],
    })

