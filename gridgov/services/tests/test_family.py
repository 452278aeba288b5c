"""A family account on the community website acts for an elderly relative it holds an active
family link for: it records a proxy need (双代, source 家属) and books a hall appointment."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from gridgov.core import clock
from gridgov.services import actions
from gridgov.services.choices import NeedEventKind, NeedSource, NeedState
from gridgov.services.models import AppointmentSlot, ProxyNeed

from .conftest import A

DAY = datetime.date(2026, 12, 1)  # a Tuesday


def at(day, hh, mm=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hh, mm)))


@pytest.fixture
def family(resident, make_person):
    """(resident, linked elder in a care group, an elder whose link is still pending)."""
    from gridgov.portal.models import FamilyLink

    elder = make_person(name="李奶奶", age=86, tags=("elderly_alone",))
    pending = make_person(name="李爷爷", age=88, tags=("elderly_alone",))
    FamilyLink.objects.create(proxy=resident, elder=elder, relation="儿子", state="active",
                              division_code=elder.division_code)
    FamilyLink.objects.create(proxy=resident, elder=pending, relation="孙子", state="pending",
                              division_code=pending.division_code)
    return resident, elder, pending


def test_family_records_a_need_for_a_linked_relative_only(family, make_person):
    resident, elder, pending = family
    need = actions.record_need(actor=resident.user, person=elder, description="母亲行动不便，需代办高龄津贴",
                               source=NeedSource.GRID_WORKER, contact_name="李先生（儿子）")
    assert need.source == NeedSource.FAMILY and need.recorded_by_id == resident.user_id  # forced to 家属
    assert need.state == NeedState.OPEN and need.events.get().kind == NeedEventKind.RECORD
    for person in (pending, make_person(name="陌生老人", age=90, tags=("elderly_alone",))):
        with pytest.raises(PermissionDenied):
            actions.record_need(actor=resident.user, person=person, description="需代办高龄津贴",
                                source=NeedSource.FAMILY, contact_name="李先生")
    with pytest.raises(PermissionDenied):  # not for themselves: the resident is no family of their own
        actions.record_need(actor=resident.user, person=resident.person, description="需代办高龄津贴",
                            source=NeedSource.FAMILY, contact_name="李先生")
    with pytest.raises(ValidationError) as exc:
        actions.record_need(actor=resident.user, person=elder, description="需代办", source=NeedSource.FAMILY,
                            contact_name="")
    assert "contact_name" in exc.value.message_dict
    for n in range(2):
        actions.record_need(actor=resident.user, person=elder, description=f"第{n}件需代办", source="family",
                            contact_name="李先生（儿子）")
    with pytest.raises(ValidationError) as exc:
        actions.record_need(actor=resident.user, person=elder, description="第四件需代办", source="family",
                            contact_name="李先生（儿子）")
    assert "已有 3 件正在办理" in exc.value.message_dict["person"][0]
    assert ProxyNeed.objects.count() == 3


def test_family_need_page(client, family, make_person, resident):
    _, elder, pending = family
    url = reverse("services:family_need", args=[A])
    assert client.get(url).status_code == 302  # to the portal's sign-in
    client.force_login(resident.user)
    page = client.get(url).content.decode()
    assert "李奶奶" in page and "李爷爷" not in page and 'value="李先生"' in page
    bad = client.post(url, {"person": pending.pk, "description": "需代办高龄津贴", "contact_name": "李先生（孙子）"})
    assert "只能为已获代办授权的家人申请" in bad.content.decode() and not ProxyNeed.objects.exists()
    short = client.post(url, {"person": elder.pk, "description": "代办", "contact_name": "李先生"}).content.decode()
    assert "需求说明至少 4 个字" in short and not ProxyNeed.objects.exists()
    ok = client.post(url, {"person": elder.pk, "description": "母亲行动不便，需代办高龄津贴",
                           "contact_name": "李先生（儿子）"}, follow=True).content.decode()
    need = ProxyNeed.objects.get()
    assert f"需求编号 {need.pk}" in ok and "母亲行动不便" in ok and "待分派" in ok
    assert need.source == "family" and need.contact_name == "李先生（儿子）"
    plain = make_person(name="李叔叔", age=50)  # linked but not in a care group: the rule is named
    from gridgov.portal.models import FamilyLink

    FamilyLink.objects.create(proxy=resident, elder=plain, relation="叔叔", state="active",
                              division_code=plain.division_code)
    refused = client.post(url, {"person": plain.pk, "description": "需代办残疾人证", "contact_name": "李先生"})
    assert "不在关爱人群中" in refused.content.decode() and ProxyNeed.objects.count() == 1


def test_family_page_without_links_explains_and_staff_are_refused(client, resident, clerk):
    url = reverse("services:family_need", args=[A])
    client.force_login(resident.user)
    assert "您还没有获得家人的代办授权" in client.get(url).content.decode()
    client.force_login(clerk)
    assert client.get(url).status_code == 403


def test_family_books_an_appointment_for_the_relative(client, family, hall, admin_user):
    resident, elder, pending = family
    with clock.frozen(at(DAY - datetime.timedelta(days=1), 10)):
        actions.open_slots(actor=admin_user, group=hall["A"], start_day=DAY, end_day=DAY,
                           start_time=datetime.time(9), end_time=datetime.time(10), minutes=30, capacity=2)
    slot = AppointmentSlot.objects.filter(group=hall["A"], day=DAY).order_by("start").first()
    url = reverse("services:book", args=[A])
    client.force_login(resident.user)
    with clock.frozen(at(DAY, 7)):
        page = client.get(url).content.decode()
        assert f'<option value="{elder.pk}">李奶奶</option>' in page and "李爷爷" not in page
        client.post(url, {"slot": slot.pk, "person": pending.pk})  # a pending link is no authority
        assert not slot.appointments.exists()
        done = client.post(url, {"slot": slot.pk, "person": elder.pk}, follow=True).content.decode()
    appt = slot.appointments.get()
    assert appt.person_id == elder.pk and appt.booked_by_id == resident.user_id and f"签到码 {appt.code}" in done
