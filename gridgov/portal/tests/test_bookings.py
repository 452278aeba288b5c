"""Facility booking: opening hours, rules as data, approval, cancellation deadline, never a
double booking; public-interest session slots."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from gridgov.core import clock
from gridgov.portal import actions
from gridgov.portal.models import Booking, SessionSignup

NOW = timezone.make_aware(datetime.datetime(2026, 12, 1, 9, 0))  # a Tuesday


def at(days, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(NOW.date() + datetime.timedelta(days=days),
                                                         datetime.time(hour, minute)))


def test_book_confirmed_and_shown_as_taken(client, verified, room):
    with clock.frozen(NOW):
        b = actions.book(actor=verified.user, profile=verified, facility=room, starts_at=at(1, 10), slots=2,
                         attendees=12, purpose="合唱排练")
    assert b.state == "confirmed" and b.ends_at == at(1, 12)


@pytest.mark.parametrize("start,slots,message", [
    (at(1, 7), 1, "不在开放时间内"),
    (at(1, 20, 30), 1, "不在开放时间内"),  # would end 21:30, after closing
    (at(1, 10, 30), 1, "按 60 分钟的时段"),
    (at(-1, 10), 1, "已过去"),
    (at(30, 10), 1, "最多提前 14 天"),
    (at(1, 10), 4, "一次最多预约 3 个时段"),
])
def test_bad_booking_gets_clear_error(verified, room, start, slots, message):
    with clock.frozen(NOW), pytest.raises(ValidationError, match=message):
        actions.book(actor=verified.user, profile=verified, facility=room, starts_at=start, slots=slots,
                     purpose="排练")
    assert not Booking.objects.exists()


def test_weekly_limit_and_overlap(verified, room, admin_user):
    actions.set_booking_rule(actor=admin_user, facility=room, max_per_week=2)
    with clock.frozen(NOW):
        actions.book(actor=verified.user, profile=verified, facility=room, starts_at=at(1, 10), purpose="一")
        with pytest.raises(ValidationError, match="已被预约"):
            actions.book(actor=verified.user, profile=verified, facility=room, starts_at=at(1, 10), purpose="重")
        actions.book(actor=verified.user, profile=verified, facility=room, starts_at=at(2, 10), purpose="二")
        with pytest.raises(ValidationError, match="每人每周最多预约 2 次"):
            actions.book(actor=verified.user, profile=verified, facility=room, starts_at=at(3, 10), purpose="三")
    assert Booking.objects.count() == 2


def test_unverified_cannot_book(resident, room):
    with clock.frozen(NOW), pytest.raises(ValidationError, match="实名认证"):
        actions.book(actor=resident.user, profile=resident, facility=room, starts_at=at(1, 10), purpose="x")


def test_approval_and_cancellation_deadline(verified, room, admin_user, make_user, tree):
    from gridgov.accounts.choices import RoleCode

    actions.set_booking_rule(actor=admin_user, facility=room, needs_approval=True, cancel_hours_before=24)
    with clock.frozen(NOW):
        b = actions.book(actor=verified.user, profile=verified, facility=room, starts_at=at(1, 10), purpose="x")
        assert b.state == "pending"
        staff = make_user(RoleCode.COMMUNITY_STAFF, tree["430702004001"])
        actions.decide_booking(actor=staff, booking=b, approve=True)
        b.refresh_from_db()
        assert b.state == "confirmed"
    with clock.frozen(at(0, 12)), pytest.raises(ValidationError, match="24 小时内不能取消"):
        actions.cancel_booking(actor=verified.user, booking=b)
    with clock.frozen(NOW):
        actions.cancel_booking(actor=verified.user, booking=b)
    b.refresh_from_db()
    assert b.state == "cancelled"
    # rating needs a confirmed booking
    with pytest.raises(ValidationError):
        actions.rate_booking(actor=verified.user, booking=b, rating=5)


def test_book_page_and_rate(client, verified, room):
    client.force_login(verified.user)
    start = (timezone.localtime() + datetime.timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    url = reverse("portal:book", args=["430702004001", room.pk])
    r = client.get(url + "?start=" + start.isoformat())
    assert r.status_code == 200
    r = client.post(url, {"starts_at": start.strftime("%Y-%m-%d %H:%M"), "slots": "1", "attendees": "5",
                          "purpose": "读书会"})
    assert r.status_code == 302, r.content.decode()[:2000]
    b = Booking.objects.get()
    r = client.post(reverse("portal:booking_action", args=[b.pk]), {"do": "rate", "rating": "5", "comment": "好"})
    b.refresh_from_db()
    assert b.rating == 5
    assert "读书会" in client.get(reverse("portal:my_bookings")).content.decode()


def test_session_slots_capacity(verified, admin_user, tree):
    with clock.frozen(NOW):
        s = actions.save_session(actor=admin_user, community=tree["430702004001"], title="爱心理发", kind="haircut",
                                 place="日间照料中心", slots=[(at(1, 9), at(1, 9, 30), 1)])
        slot = s.slots.get()
        actions.sign_up_session(actor=verified.user, profile=verified, slot=slot)
        with pytest.raises(ValidationError, match="已报名"):
            actions.sign_up_session(actor=verified.user, profile=verified, slot=slot)
        slot.refresh_from_db()
        assert slot.taken == 1
        signup = SessionSignup.objects.get()
        actions.cancel_signup(actor=verified.user, signup=signup)
        slot.refresh_from_db()
        assert slot.taken == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif("postgres" not in __import__("os").environ.get("DATABASE_URL", ""),
                    reason="the exclusion constraint and row locks are PostgreSQL's")
def test_concurrent_booking_of_one_slot_on_postgres(tree, roles, admin_user):
    """30 residents book the same slot at once: exactly one wins, the rest get the Chinese error;
    and even a direct insert past the action is refused by the exclusion constraint."""
    from django.db import IntegrityError

    from gridgov.community.models import Facility, FacilityType
    from gridgov.portal.models import ResidentProfile
    from gridgov.registry import actions as registry_actions
    from gridgov.registry.identity import make_resident_id

    ftype, _ = FacilityType.objects.get_or_create(code="activity_room", defaults={"name": "活动室"})
    room = Facility.objects.create(community=tree["430702004001"], division_code="430702004001",
                                   facility_type=ftype, name="活动室", bookable=True, capacity=30,
                                   opening_hours=[{"days": [1, 2, 3, 4, 5, 6, 7], "open": "08:00", "close": "21:00"}])
    profiles = []
    for i in range(30):
        person = registry_actions.register_person(actor=admin_user, grid=tree["430702004001001"], data={
            "name": f"居民{i}", "id_number": make_resident_id("430702", datetime.date(1980, 1, 1), 100 + i)})
        from gridgov.accounts.models import User

        user = User.objects.create_user(username=f"r{i}", password="x", kind="resident")
        profiles.append(ResidentProfile.objects.create(
            user=user, community=tree["430702004001"], division_code=person.division_code, phone_hash=f"h{i}",
            phone_masked="1", person=person, verified_at=timezone.now(), consent_at=timezone.now()))
    start = (timezone.localtime() + datetime.timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    from gridgov.core.testing import race

    r = race(lambda profile: actions.book(actor=profile.user, profile=profile, facility=room, starts_at=start,
                                          purpose="抢"), profiles, refused=(ValidationError,))
    assert not r.errors and len(r.ok) == 1, r.outcomes
    assert len(r.messages) == 29 and all("已被预约" in m for m in r.messages)
    assert Booking.objects.filter(facility=room).count() == 1
    with pytest.raises(IntegrityError):  # the database itself refuses an overlap
        Booking.objects.create(facility=room, resident=profiles[1], division_code=room.division_code,
                               starts_at=start + datetime.timedelta(minutes=30),
                               ends_at=start + datetime.timedelta(minutes=90), purpose="绕过", state="confirmed")
