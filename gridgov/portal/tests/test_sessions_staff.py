"""Staff edit and delete public-interest sessions: details and added slots saved; a session no one
signed up for is deleted; one with sign-ups is withdrawn (upcoming sign-ups cancelled and places
released, past ones and their ratings kept); other communities' staff get 404."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from gridgov.portal import actions
from gridgov.portal.models import Session, SessionSignup, SessionSlot

from .conftest import COMMUNITY


def _at(days, hour):
    day = timezone.localtime() + datetime.timedelta(days=days)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def staff(make_user, tree, roles):
    return make_user("community_staff", tree[COMMUNITY], username="cs-a")


@pytest.fixture
def session(staff, tree):
    return actions.save_session(actor=staff, community=tree[COMMUNITY], title="爱心理发", kind="haircut",
                                place="日间照料中心", slots=[(_at(2, 9), _at(2, 10), 5)])


def test_staff_edit_a_session_and_add_slots(client, staff, session):
    client.force_login(staff)
    url = reverse("portal:staff_session", args=[session.pk])
    page = client.get(url).content.decode()
    assert "爱心理发" in page and "现有时段" in page
    r = client.post(url, {"kind": "haircut", "title": "爱心理发（冬季）", "place": "社区服务站", "provider": "",
                          "description": "", "date": "", "start": "", "slot_minutes": 30, "slot_count": 2,
                          "capacity": 8})
    assert r.status_code == 302
    session.refresh_from_db()
    assert (session.title, session.place, session.slots.count()) == ("爱心理发（冬季）", "社区服务站", 1)
    day = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    r = client.post(url, {"kind": "haircut", "title": "爱心理发（冬季）", "place": "社区服务站", "date": day,
                          "start": "14:00", "slot_minutes": 30, "slot_count": 2, "capacity": 8})
    assert r.status_code == 302 and session.slots.count() == 3
    r = client.post(url, {"kind": "haircut", "title": "爱心理发", "place": "x", "date": day, "slot_minutes": 30,
                          "slot_count": 1, "capacity": 1})
    assert "增加时段须同时填写日期和开始时间" in r.content.decode()


def test_delete_without_signups_removes_the_session(client, staff, session):
    client.force_login(staff)
    r = client.post(reverse("portal:staff_session_delete", args=[session.pk]), follow=True)
    assert "已删除公益服务" in r.content.decode()
    assert not Session.objects.filter(pk=session.pk).exists() and not SessionSlot.objects.exists()


def test_delete_with_signups_withdraws_and_cancels_upcoming(client, staff, session, verified, tree):
    slot = session.slots.get()
    upcoming = actions.sign_up_session(actor=verified.user, profile=verified, slot=slot)
    past_slot = SessionSlot.objects.create(session=session, division_code=session.division_code,
                                           starts_at=_at(-2, 9), ends_at=_at(-2, 10), capacity=5, taken=1)
    past = SessionSignup.objects.create(slot=past_slot, resident=verified, division_code=session.division_code,
                                        rating=5)
    client.force_login(staff)
    r = client.post(reverse("portal:staff_session_delete", args=[session.pk]), follow=True)
    assert "已撤下" in r.content.decode()
    session.refresh_from_db()
    upcoming.refresh_from_db()
    past.refresh_from_db()
    slot.refresh_from_db()
    assert not session.is_published and upcoming.cancelled_at is not None and slot.taken == 0
    assert past.cancelled_at is None and past.rating == 5
    public = client.get(reverse("portal:sessions", args=[COMMUNITY])).content.decode()
    assert "爱心理发" not in public


def test_other_community_staff_cannot_edit_or_delete(client, make_user, tree, session):
    other = make_user("community_staff", tree["430702004002"], username="cs-b")
    client.force_login(other)
    assert client.get(reverse("portal:staff_session", args=[session.pk])).status_code == 404
    assert client.post(reverse("portal:staff_session_delete", args=[session.pk])).status_code == 404
    assert Session.objects.filter(pk=session.pk, is_published=True).exists()
