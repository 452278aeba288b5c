"""Appointments: slots, booking (capacity, duplicates, scope), cancel, check-in and priority."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from gridgov.core import clock
from gridgov.services import actions
from gridgov.services.choices import AppointmentState, TicketChannel
from gridgov.services.models import AppointmentSlot

from .conftest import A

DAY = datetime.date(2026, 12, 1)  # a Tuesday


def at(day, hh, mm=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hh, mm)))


@pytest.fixture
def slots(hall, admin_user):
    with clock.frozen(at(DAY - datetime.timedelta(days=1), 10)):
        n = actions.open_slots(actor=admin_user, group=hall["A"], start_day=DAY, end_day=DAY + datetime.timedelta(days=6),
                               start_time=datetime.time(9), end_time=datetime.time(11), minutes=30, capacity=2)
    assert n == 4 * 5  # five working days (Sat/Sun skipped), four slots a day
    return AppointmentSlot.objects.filter(group=hall["A"], day=DAY).order_by("start")


def test_capacity_duplicates_and_cancel(slots, clerk, make_person):
    first = slots[0]
    p1, p2, p3 = make_person("甲"), make_person("乙"), make_person("丙")
    with clock.frozen(at(DAY, 7)):
        a1 = actions.book_appointment(actor=clerk, slot=first, person=p1)
        actions.book_appointment(actor=clerk, slot=first, person=p2)
        with pytest.raises(ValidationError, match="已约满"):
            actions.book_appointment(actor=clerk, slot=first, person=p3)
        with pytest.raises(ValidationError, match="请勿重复预约"):
            actions.book_appointment(actor=clerk, slot=slots[1], person=p1)
        first.refresh_from_db()
        assert first.booked == 2 and len(a1.code) == 6 and a1.code.isdigit()
        actions.cancel_appointment(actor=clerk, appointment=a1)
        with pytest.raises(ValidationError):
            actions.cancel_appointment(actor=clerk, appointment=a1)
        first.refresh_from_db()
        assert first.booked == 1
        actions.book_appointment(actor=clerk, slot=first, person=p3)  # the freed place
    with clock.frozen(at(DAY, 9, 5)), pytest.raises(ValidationError, match="已开始"):
        actions.book_appointment(actor=clerk, slot=slots[0], person=make_person("丁"))


def test_check_in_gives_priority_over_earlier_walk_ins(slots, hall, clerk, make_person):
    with clock.frozen(at(DAY, 7)):
        appt = actions.book_appointment(actor=clerk, slot=slots[1], person=make_person())  # 09:30
        with pytest.raises(ValidationError, match="签到时间为 08:30 起"):
            actions.check_in_appointment(actor=clerk, appointment=appt)
    with clock.frozen(at(DAY, 8, 40)):
        walk_in = actions.take_ticket(actor=clerk, group=hall["A"], channel="reception")
    with clock.frozen(at(DAY, 8, 50)):
        appt = actions.check_in_appointment(actor=clerk, appointment=appt)
        assert appt.state == AppointmentState.CHECKED_IN and appt.ticket.channel == TicketChannel.APPOINTMENT
        with pytest.raises(ValidationError, match="已签到"):
            actions.check_in_appointment(actor=clerk, appointment=appt)
        assert actions.call_next(actor=clerk, counter=hall["c2"]).pk == appt.ticket_id
        assert actions.call_next(actor=clerk, counter=hall["c2"]).pk == walk_in.pk


def test_check_in_refused_late_or_other_day_or_other_hall(slots, clerk, clerk_b, make_person):
    with clock.frozen(at(DAY, 7)):
        appt = actions.book_appointment(actor=clerk, slot=slots[0], person=make_person())
    with clock.frozen(at(DAY - datetime.timedelta(days=1), 9)), pytest.raises(ValidationError, match="预约当天"):
        actions.check_in_appointment(actor=clerk, appointment=appt)
    with clock.frozen(at(DAY, 9, 10)), pytest.raises(PermissionDenied):
        actions.check_in_appointment(actor=clerk_b, appointment=appt)
    with clock.frozen(at(DAY, 9, 31)), pytest.raises(ValidationError, match="已过"):
        actions.check_in_appointment(actor=clerk, appointment=appt)


def test_reception_page_checks_in_by_code(client, slots, clerk, make_person):
    with clock.frozen(at(DAY, 7)):
        appt = actions.book_appointment(actor=clerk, slot=slots[0], person=make_person("王小明"))
    client.force_login(clerk)
    with clock.frozen(at(DAY, 8, 30)):
        page = client.get(reverse("services:appointments")).content.decode()
        assert appt.code in page and "王**" in page and "王小明" not in page
        bad = client.post(reverse("services:check_in"), {"code": "12345x"}, follow=True).content.decode()
        assert "签到码不正确" in bad
        ok = client.post(reverse("services:check_in"), {"code": appt.code}, follow=True).content.decode()
    appt.refresh_from_db()
    assert appt.state == AppointmentState.CHECKED_IN and f"排队号 {appt.ticket.number}" in ok


def test_staff_opens_slots_with_checked_fields(client, hall, admin_user, clerk):
    client.force_login(admin_user)
    with clock.frozen(at(DAY, 7)):
        bad = client.post(reverse("services:appointments"), {
            "group": hall["A"].pk, "start_day": "2026-12-02", "end_day": "2026-12-01", "start_time": "09:00",
            "end_time": "10:00", "minutes": 30, "capacity": 3})
        assert "结束日期不能早于开始日期" in bad.content.decode()
        ok = client.post(reverse("services:appointments"), {
            "group": hall["A"].pk, "start_day": "2026-12-01", "end_day": "2026-12-01", "start_time": "09:00",
            "end_time": "10:00", "minutes": 30, "capacity": 3})
    assert ok.status_code == 302 and AppointmentSlot.objects.filter(day=DAY, capacity=3).count() == 2
    client.force_login(clerk)  # a counter clerk sees the desk but cannot open slots
    with clock.frozen(at(DAY, 7)):
        assert "开放预约时段" not in client.get(reverse("services:appointments")).content.decode()


def test_resident_books_and_cancels_online(client, slots, resident, make_person, clerk):
    url = reverse("services:book", args=[A])
    with clock.frozen(at(DAY, 7)):
        assert client.get(url).status_code == 302  # to the portal login
        client.force_login(resident.user)
        page = client.get(url).content.decode()
        assert "09:00 余 2" in page
        stranger = make_person("外人")
        client.post(url, {"slot": slots[0].pk, "person": stranger.pk})  # not theirs: not offered
        assert not slots[0].appointments.exists()
        done = client.post(url, {"slot": slots[0].pk, "person": resident.person_id}, follow=True).content.decode()
        appt = slots[0].appointments.get()
        assert f"签到码 {appt.code}" in done and appt.booked_by_id == resident.user_id
        with pytest.raises(PermissionDenied):  # a resident books only for themselves or family
            actions.book_appointment(actor=resident.user, slot=slots[1], person=stranger)
        client.post(reverse("services:book_cancel", args=[A, appt.pk]))
    appt.refresh_from_db()
    assert appt.state == AppointmentState.CANCELLED
    client.force_login(clerk)
    assert client.get(url).status_code == 403  # staff accounts do not book on the website


def test_sweep_marks_missed_after_grace_once_and_audited(slots, clerk, make_person):
    from gridgov.core.actors import system_actor
    from gridgov.core.models import AuditEntry

    with clock.frozen(at(DAY, 7)):
        late = actions.book_appointment(actor=clerk, slot=slots[0], person=make_person("甲"))      # 09:00-09:30
        came = actions.book_appointment(actor=clerk, slot=slots[0], person=make_person("乙"))
        gone = actions.book_appointment(actor=clerk, slot=slots[1], person=make_person("丙"))      # 09:30-10:00
        later = actions.book_appointment(actor=clerk, slot=slots[3], person=make_person("丁"))     # 10:30-11:00
        dropped = actions.book_appointment(actor=clerk, slot=slots[2], person=make_person("戊"))
        actions.cancel_appointment(actor=clerk, appointment=dropped)
    with clock.frozen(at(DAY, 9, 10)):
        actions.check_in_appointment(actor=clerk, appointment=came)
    system = system_actor()
    with pytest.raises(PermissionDenied):
        actions.sweep_missed_appointments(actor=clerk, now=at(DAY, 12))  # counter staff do not sweep
    assert actions.sweep_missed_appointments(actor=system, now=at(DAY, 9, 59)) == 0  # within the 30-minute grace
    assert actions.sweep_missed_appointments(actor=system, now=at(DAY, 10)) == 1     # 09:30 end + 30 min
    assert actions.sweep_missed_appointments(actor=system, now=at(DAY, 10, 10)) == 0  # idempotent
    # the next sweep after midnight still catches the 10:30 slot (date boundary)
    assert actions.sweep_missed_appointments(actor=system, now=at(DAY + datetime.timedelta(days=1), 0, 5)) == 2
    states = {a.pk: a.state for a in type(late).objects.filter(pk__in=[late.pk, came.pk, gone.pk, later.pk,
                                                                        dropped.pk])}
    assert states == {late.pk: AppointmentState.MISSED, came.pk: AppointmentState.CHECKED_IN,
                      gone.pk: AppointmentState.MISSED, later.pk: AppointmentState.MISSED,
                      dropped.pk: AppointmentState.CANCELLED}
    audited = AuditEntry.objects.filter(action="services.miss_appointment")
    assert sorted(int(e.object_id) for e in audited) == sorted([late.pk, gone.pk, later.pk])
    assert all(e.after["state"] == "missed" for e in audited)
    with clock.frozen(at(DAY, 10, 35)), pytest.raises(ValidationError, match="未到"):
        actions.check_in_appointment(actor=clerk, appointment=gone)  # a missed one cannot be checked in


def test_missed_sweep_is_a_periodic_task():
    from huey.contrib.djhuey import HUEY

    from gridgov.services import tasks

    assert "missed_appointment_sweep_task" in {t.name for t in HUEY._registry.periodic_tasks}
    validate = tasks.missed_appointment_sweep_task.task_class().validate_datetime
    assert validate(datetime.datetime(2026, 12, 1, 10, 15)) and not validate(datetime.datetime(2026, 12, 1, 10, 16))


def test_clerk_books_for_a_resident_from_the_page(client, slots, clerk, clerk_b, hall, make_person, catalogue):
    person = make_person("王来电")
    url = reverse("services:staff_book")
    client.force_login(clerk)
    with clock.frozen(at(DAY, 9, 10)):
        assert 'href="/services/queue/appointments/book/"' in client.get(reverse("services:appointments")).content.decode()
        found = client.get(url, {"q": "王来电"}).content.decode()
        assert f"?person={person.pk}" in found
        page = client.get(url, {"person": person.pk}).content.decode()
        assert "12月01日 09:30–10:00 · 综合受理（余 2 个）" in page and "12月01日 09:00" not in page  # started slots not offered
        empty = client.post(url, {"person": person.pk}).content.decode()
        assert "请选择预约时段" in empty
        hall["A"].items.set([catalogue["MZ004"]])
        wrong = next(i for code, i in catalogue.items() if code != "MZ004")
        bad = client.post(url, {"person": person.pk, "slot": slots[1].pk, "item": wrong.pk}).content.decode()
        assert f"“{wrong.name}”不在“综合受理”的办理范围" in bad and not slots[1].appointments.exists()
        ok = client.post(url, {"person": person.pk, "slot": slots[1].pk})
        assert ok.status_code == 302 and ok["Location"].endswith("?day=2026-12-01")
        appt = slots[1].appointments.get()
        assert appt.person_id == person.pk and appt.booked_by_id == clerk.pk
        again = client.post(url, {"person": person.pk, "slot": slots[2].pk}).content.decode()
        assert "请勿重复预约" in again and slots[2].appointments.count() == 0
    client.force_login(clerk_b)  # another community's clerk: the resident and the slots are not theirs
    with clock.frozen(at(DAY, 9, 10)):
        assert client.get(url, {"person": person.pk}).status_code == 404
        stranger = make_person("李乙", grid="430702004002001")
        refused = client.post(url, {"person": stranger.pk, "slot": slots[3].pk}).content.decode()
        assert "该时段不可预约" in refused and slots[3].appointments.count() == 0
