"""排队统计: waiting and serving minutes by hour and group, scoped, with chart data and XLSX."""

import datetime
import io

from django.urls import reverse
from django.utils import timezone

from gridgov.core import clock
from gridgov.services import actions, queuestats

DAY = datetime.date(2026, 12, 1)


def at(hh, mm=0):
    return timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(hh, mm)))


def _day_of_tickets(hall, clerk):
    with clock.frozen(at(9)):
        t1 = actions.take_ticket(actor=clerk, group=hall["A"], channel="reception")
        t2 = actions.take_ticket(actor=clerk, group=hall["A"], channel="kiosk")
    with clock.frozen(at(9, 10)):
        actions.call_next(actor=clerk, counter=hall["c1"])
    with clock.frozen(at(9, 20)):
        actions.call_next(actor=clerk, counter=hall["c2"])
    with clock.frozen(at(9, 25)):
        actions.serve_ticket(actor=clerk, ticket=t1)
    with clock.frozen(at(9, 40)):
        actions.serve_ticket(actor=clerk, ticket=t2)
    with clock.frozen(at(10, 5)):
        t3 = actions.take_ticket(actor=clerk, group=hall["B"], channel="reception")
    with clock.frozen(at(10, 35)):
        actions.call_next(actor=clerk, counter=hall["c1"])
        actions.no_show(actor=clerk, ticket=t3)


def test_hourly_waiting_and_serving(hall, clerk, clerk_b):
    _day_of_tickets(hall, clerk)
    rows = {r["hour"]: r for r in queuestats.hourly(clerk, start=DAY, end=DAY)}
    assert set(rows) == {9, 10}
    nine = rows[9]
    assert (nine["taken"], nine["called"], nine["served"], nine["no_show"]) == (2, 2, 2, 0)
    assert nine["wait"] == 15.0 and nine["max_wait"] == 20.0 and nine["serve"] == 17.5
    assert rows[10]["no_show"] == 1 and rows[10]["wait"] == 30.0 and rows[10]["serve"] is None
    groups = {r["group__prefix"]: r for r in queuestats.by_group(clerk, start=DAY, end=DAY)}
    assert groups["A"]["served"] == 2 and groups["B"]["taken"] == 1
    assert queuestats.hourly(clerk, start=DAY, end=DAY, group=hall["B"])[0]["hour"] == 10
    assert queuestats.chart(list(rows.values()))["hours"] == ["9时", "10时"]
    assert queuestats.hourly(clerk_b, start=DAY, end=DAY) == []  # another community's clerk sees nothing
    assert queuestats.hourly(clerk, start=DAY + datetime.timedelta(days=1), end=DAY + datetime.timedelta(days=2)) == []


def test_page_chart_and_export(client, hall, clerk):
    import openpyxl

    _day_of_tickets(hall, clerk)
    client.force_login(clerk)
    url = reverse("services:queue_stats")
    page = client.get(url, {"start": "2026-12-01", "end": "2026-12-01"}).content.decode()
    assert "queue-chart-data" in page and "echarts.min.js" in page and "9:00–9:59" in page and "17.5" in page
    swapped = client.get(url, {"start": "2026-12-02", "end": "2026-12-01"}).content.decode()
    assert "已对调" in swapped and "17.5" in swapped
    assert client.get(url, {"start": "bad", "group": "x' or 1=1"}).status_code == 200
    xlsx = client.get(url, {"start": "2026-12-01", "end": "2026-12-01", "export": "xlsx"})
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any(row[0] == "9:00-9:59" and 17.5 in row for row in values)
