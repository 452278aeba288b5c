"""Audit page (filters, scope, export audited), jobs pages, the work calendar around the 2026
National Day holiday, calendar editing and loading."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from gridgov.accounts.choices import RoleCode
from gridgov.core import audit, calendar_actions, clock
from gridgov.core.choices import AuditKind, CalendarDayKind
from gridgov.core.models import AuditEntry, CalendarDay
from gridgov.core.workcalendar import WorkCalendar

TZ = timezone.get_fixed_timezone(8 * 60)


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _at(*args):
    return datetime.datetime(*args, tzinfo=TZ)


# --- calendar arithmetic (the data migration loaded 2026) ----------------------------------------

def test_2026_schedule_loaded_by_migration(db):
    days = {d.date: d for d in CalendarDay.objects.filter(date__year=2026)}
    assert days[datetime.date(2026, 10, 1)].kind == CalendarDayKind.HOLIDAY
    assert days[datetime.date(2026, 10, 10)].kind == CalendarDayKind.WORKDAY
    assert days[datetime.date(2026, 9, 20)].kind == CalendarDayKind.WORKDAY
    assert days[datetime.date(2026, 2, 14)].kind == CalendarDayKind.WORKDAY
    assert sum(1 for d in days.values() if d.name == "春节") == 9
    assert not CalendarDay.objects.get(date="2027-02-05").official


def test_national_day_2026_working_minutes(db):
    cal = WorkCalendar()
    # 2026-09-30 (Wed) 17:00 + 60 working minutes: 30 min left that day, then the holiday
    # 10-01..10-07 and 10-08 (Thu) starts at 08:30 → 09:00
    assert cal.add_working_minutes(_at(2026, 9, 30, 17, 0), 60) == _at(2026, 10, 8, 9, 0)
    # a full working day is 6.5 h = 390 min: from 09-30 08:30, 390 min ends 09-30 17:30 exactly
    assert cal.add_working_minutes(_at(2026, 9, 30, 8, 30), 390) == _at(2026, 9, 30, 17, 30)
    # 3 working days from 09-30 08:30: 09-30, 10-08, 10-09 → ends 10-09 17:30
    assert cal.add_working_minutes(_at(2026, 9, 30, 8, 30), 3 * 390) == _at(2026, 10, 9, 17, 30)
    # the 4th day is Saturday 10-10, an adjusted workday (调休上班)
    assert cal.add_working_minutes(_at(2026, 9, 30, 8, 30), 3 * 390 + 30) == _at(2026, 10, 10, 9, 0)
    assert cal.is_working_day(datetime.date(2026, 10, 10))
    assert not cal.is_working_day(datetime.date(2026, 10, 5))
    # and between: 09-30 17:00 → 10-08 09:00 is 60 working minutes
    assert cal.working_minutes_between(_at(2026, 9, 30, 17, 0), _at(2026, 10, 8, 9, 0)) == 60
    # Sunday 09-20 is an adjusted workday too
    assert cal.add_working_minutes(_at(2026, 9, 19, 10, 0), 10) == _at(2026, 9, 20, 8, 40)


def test_calendar_page_and_edit(client, admin_user):
    client.force_login(admin_user)
    r = client.get(reverse("core:calendar") + "?year=2027")
    assert r.status_code == 200 and "暂定" in r.content.decode()
    r = client.post(reverse("core:calendar"), {"date": "2026-12-31", "kind": "holiday", "name": "测试假日"})
    assert r.status_code == 302
    assert CalendarDay.objects.get(date="2026-12-31").name == "测试假日"
    assert AuditEntry.objects.filter(action="core.set_calendar_day").exists()
    r = client.post(reverse("core:calendar"), {"date": "2026-12-31", "kind": "normal"})
    assert not CalendarDay.objects.filter(date="2026-12-31").exists()
    r = client.post(reverse("core:calendar"), {"date": "not-a-date", "kind": "holiday"})
    assert r.status_code == 200 and "日期格式应为" in r.content.decode()


def test_grid_worker_cannot_edit_calendar(grid_worker):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        calendar_actions.set_day(actor=grid_worker, date=datetime.date(2026, 12, 30), kind="holiday")


def test_calendar_load_command_replaces_provisional_year(db, tmp_path):
    f = tmp_path / "2027.csv"
    f.write_text("日期,类型,名称,官方\n2027-02-06,节假日,春节,是\n2027-02-20,调休上班,春节调休,是\n",
                 encoding="utf-8")
    call_command("calendar_load", str(f), "--replace")
    rows = list(CalendarDay.objects.filter(date__year=2027).values_list("date", "kind", "official"))
    assert rows == [(datetime.date(2027, 2, 6), "holiday", True), (datetime.date(2027, 2, 20), "workday", True)]


# --- audit page ------------------------------------------------------------------------------

@pytest.fixture
def entries(admin_user, tree):
    with clock.frozen(_at(2026, 3, 1, 10, 0)):
        audit.record(admin_user, "registry.update_person", ("registry.person", "7", "张三"),
                     division_code="430702004001001")
    with clock.frozen(_at(2026, 3, 5, 10, 0)):
        audit.record(admin_user, "reveal", ("registry.person", "8", "李四"), kind=AuditKind.REVEAL,
                     division_code="430702005001001", reason="核查")
    return AuditEntry.objects.all()


def test_audit_filters(client, admin_user, entries):
    client.force_login(admin_user)
    url = reverse("core:audit")
    body = client.get(url, {"kind": "reveal"}).content.decode()
    assert "李四" in body and "张三" not in body
    body = client.get(url, {"object_type": "registry.person", "object_id": "7"}).content.decode()
    assert "张三" in body and "李四" not in body
    body = client.get(url, {"start": "2026-03-04", "end": "2026-03-06"}).content.decode()
    assert "李四" in body and "张三" not in body
    body = client.get(url, {"division": "430702004"}).content.decode()
    assert "张三" in body and "李四" not in body
    body = client.get(url, {"user": "admin-test"}).content.decode()
    assert "张三" in body and "李四" in body
    r = client.get(url, {"start": "2026-03-06", "end": "2026-03-01"})
    assert "结束日期不能早于开始日期" in r.content.decode()


def test_audit_scoped_for_community_staff(client, make_user, tree, entries):
    staff = make_user(RoleCode.COMMUNITY_STAFF, tree["430702004001"])
    client.force_login(staff)
    body = client.get(reverse("core:audit")).content.decode()
    assert "张三" in body and "李四" not in body


def test_audit_export_csv_and_xlsx_are_audited(client, admin_user, entries):
    client.force_login(admin_user)
    r = client.get(reverse("core:audit"), {"kind": "reveal", "export": "csv"})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    text = r.content.decode("utf-8-sig")
    assert "李四" in text and "张三" not in text
    exported = AuditEntry.objects.filter(kind=AuditKind.EXPORT)
    assert exported.count() == 1 and exported.get().after["rows"] == 1
    r = client.get(reverse("core:audit"), {"export": "xlsx"})
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    assert ws.max_row >= 3
    assert AuditEntry.objects.filter(kind=AuditKind.EXPORT).count() == 2


def test_audit_export_needs_permission(client, make_user, tree, entries):
    staff = make_user(RoleCode.COMMUNITY_STAFF, tree["430702004001"])
    client.force_login(staff)
    assert client.get(reverse("core:audit"), {"export": "csv"}).status_code == 403


# --- jobs -----------------------------------------------------------------------------------

def _hello(run, name):
    run.set_total(2)
    run.advance(2, force=True)
    run.log(f"你好 {name}")
    return {"ok": True}


def test_jobs_own_and_admin(client, admin_user, grid_worker, make_user, tree):
    from gridgov.core.jobs import start_job

    job = start_job(actor=grid_worker, kind="test", title="测试任务",
                    handler="gridgov.core.tests.test_audit_calendar._hello", params={"name": "网格"}, run_now=True)
    other = make_user(RoleCode.GRID_WORKER, tree["430702004001002"])
    client.force_login(grid_worker)
    assert "测试任务" in client.get(reverse("core:jobs")).content.decode()
    r = client.get(reverse("core:job_detail", args=[job.pk]))
    assert r.status_code == 200 and "你好 网格" in r.content.decode()
    r = client.get(reverse("core:job_detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert 'id="job-progress"' in r.content.decode() and "<html" not in r.content.decode()
    client.force_login(other)
    assert client.get(reverse("core:job_detail", args=[job.pk])).status_code == 404
    client.force_login(admin_user)
    assert client.get(reverse("core:job_detail", args=[job.pk])).status_code == 200


# --- shell ----------------------------------------------------------------------------------

def test_home_scope_switcher_and_error_pages(client, grid_worker, admin_user):
    client.force_login(admin_user)
    body = client.get("/").content.decode()
    assert 'id="scope-switcher"' in body and "丹阳街道" in body and "可见网格" in body
    r = client.post(reverse("core:set_scope"), {"scope": "430702004001", "next": "/divisions/"})
    assert r.status_code == 302
    body = client.get(reverse("divisions:list")).content.decode()
    body = body[body.index('id="division-table"'):]
    assert "A社区第一网格" in body and "C社区第一网格" not in body
    r = client.get("/divisions/430702999999/")
    assert r.status_code == 404 and "页面不存在或无权访问" in r.content.decode()
    client.force_login(grid_worker)
    r = client.get(reverse("core:audit"))
    assert r.status_code == 403 and "没有权限" in r.content.decode()


def test_api_docs_page_served_locally(client, grid_worker):
    client.force_login(grid_worker)
    r = client.get("/api/docs/")
    assert r.status_code == 200 and "swagger" in r.content.decode().lower()
    assert "cdn" not in r.content.decode().lower()
