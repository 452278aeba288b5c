import datetime

import pytest
from django.core.exceptions import ValidationError

from gridgov.care import actions
from gridgov.care.actions.settlement import settle_month
from gridgov.care.models import Appointment, Settlement, Slot
from gridgov.core import clock
from gridgov.core.testing import race, require_postgresql

from .conftest import schedule_on


def next_weekday(days_ahead):
    return clock.today() + datetime.timedelta(days=days_ahead)


def test_no_overbooking_and_cancel_gives_the_place_back(staff, doctor, person):
    day = next_weekday(1)
    schedule = schedule_on(doctor, staff, day, capacity=2)
    a, b, c = person("甲"), person("乙"), person("丙")
    actions.book_appointment(actor=staff, schedule=schedule, date=day, person=a)
    second = actions.book_appointment(actor=staff, schedule=schedule, date=day, person=b)
    with pytest.raises(ValidationError) as exc:
        actions.book_appointment(actor=staff, schedule=schedule, date=day, person=c)
    assert "约满" in str(exc.value)
    actions.cancel_appointment(actor=staff, appointment=second)
    actions.book_appointment(actor=staff, schedule=schedule, date=day, person=c)
    assert Slot.objects.get().booked == 2


def test_signed_residents_book_their_doctor_further_ahead(staff, doctor, person):
    day = next_weekday(6)  # beyond the open window (3 days), inside the signed one (7)
    schedule = schedule_on(doctor, staff, day)
    plain, signed = person("未签约"), person("已签约")
    with pytest.raises(ValidationError) as exc:
        actions.book_appointment(actor=staff, schedule=schedule, date=day, person=plain)
    assert "签约居民可提前 7 天" in str(exc.value)
    actions.sign_doctor(actor=staff, doctor=doctor, person=signed)
    appt = actions.book_appointment(actor=staff, schedule=schedule, date=day, person=signed)
    assert appt.signed


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_thirty_concurrent_bookings_of_five_places_on_postgresql(staff, doctor, person):
    require_postgresql("concurrency is proved on PostgreSQL (DATABASE_URL=postgres://…)")
    day = next_weekday(1)
    schedule = schedule_on(doctor, staff, day, capacity=5)
    people = [person(f"居民{i}") for i in range(30)]
    r = race(lambda p: actions.book_appointment(actor=staff, schedule=schedule, date=day, person=p), people,
             refused=(ValidationError,))
    assert not r.errors, r.errors
    assert len(r.ok) == 5 and len(r.refused) == 25
    assert Appointment.objects.filter(status="booked").count() == 5
    assert Slot.objects.get().booked == 5


def test_settlement_sums_done_orders_of_the_month(staff, providers, items, person, window, provider_user, tree):
    rule = actions.save_subsidy_rule(actor=staff, division=tree["430702004001"], data={
        "name": "高龄", "min_age": 80, "monthly_minutes": 600})
    old = person("周奶奶", age=86)
    done = []
    for qty, use in ((2, True), (1, False), (3, False)):
        o = actions.submit_order(actor=staff, provider=providers["care"], person=old, items=[(items["clean"], qty)],
                                 address="A社区3栋", subsidy_rule=rule if use else None, **window)
        actions.accept_order(actor=provider_user, order=o)
        actions.check_in(actor=provider_user, order=o)
        done.append(actions.check_out(actor=provider_user, order=o))
    cancelled = actions.submit_order(actor=staff, provider=providers["care"], person=old,
                                     items=[(items["bath"], 1)], address="A社区3栋", **window)
    actions.cancel_order(actor=staff, order=cancelled, reason="重复下单")
    rows = settle_month(actor=staff, month=clock.today(), prefix="430702004001")
    assert len(rows) == 1
    s = Settlement.objects.get(provider=providers["care"])
    assert (s.order_count, s.total_fen, s.subsidy_fen, s.resident_fen) == (3, 24000, 8000, 16000)
    # idempotent
    settle_month(actor=staff, month=clock.today(), prefix="430702004001")
    assert Settlement.objects.count() == 1
    # the provider account sees its own settlement only, and the XLSX export answers
    assert list(Settlement.objects.visible_to(provider_user)) == [Settlement.objects.get()]
