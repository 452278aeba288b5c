"""预约签到 and 办事评价 (好差评) at the terminal."""

import datetime

import pytest
from django.apps import apps
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from gridgov.core import clock
from gridgov.registry import actions as registry
from gridgov.registry.identity import make_resident_id

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not apps.is_installed("gridgov.services"), reason="services 应用尚未安装")]
A, A1, B = "430702004001", "430702004001001", "430702004002"
RID = make_resident_id("430702", datetime.date(1960, 3, 4), 21)
DAY = datetime.date(2026, 12, 1)


def at(hh, mm=0):
    return timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(hh, mm)))


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def person(admin_user, tree):
    return registry.register_person(actor=admin_user, grid=tree[A1], data={"name": "周建华", "id_number": RID,
                                                                        "phone": "13807365555"})


@pytest.fixture
def booked(admin_user, tree, person):
    from gridgov.services import actions
    from gridgov.services.models import AppointmentSlot

    group = actions.save_group(actor=admin_user, community=tree[A], name="综合受理", prefix="A")
    other = actions.save_group(actor=admin_user, community=tree[B], name="综合受理", prefix="A")
    slot = AppointmentSlot.objects.create(group=group, division_code=A, day=DAY, start=datetime.time(9),
                                          end=datetime.time(9, 30), capacity=2)
    slot_b = AppointmentSlot.objects.create(group=other, division_code=B, day=DAY, start=datetime.time(9),
                                            end=datetime.time(9, 30), capacity=2)
    with clock.frozen(at(7)):
        mine = actions.book_appointment(actor=admin_user, slot=slot, person=person)
        elsewhere = actions.book_appointment(actor=admin_user, slot=slot_b, person=person)
    return mine, elsewhere


def test_check_in_by_code_gives_a_priority_ticket(terminal, booked):
    mine, elsewhere = booked
    url = reverse("kiosk:check_in")
    with clock.frozen(at(8, 45)):
        page = terminal.get(url).content.decode()
        assert "data-pad" in page and "签到码" in page
        assert "签到码不正确" in terminal.post(url, {"code": "000000" if mine.code != "000000" else "000001"}).content.decode()
        assert "签到码不正确" in terminal.post(url, {"code": elsewhere.code}).content.decode() or elsewhere.code == mine.code
        page = terminal.post(url, {"code": mine.code}).content.decode()
    mine.refresh_from_db()
    assert mine.state == "checked_in" and mine.ticket.priority and mine.ticket.channel == "appointment"
    assert mine.ticket.number in page and "预约" in page
    with clock.frozen(at(8, 46)):
        assert "已签到" in terminal.post(url, {"code": mine.code}).content.decode()


def test_check_in_codes_are_rate_limited(terminal, booked):
    mine, _ = booked
    url = reverse("kiosk:check_in")
    wrong = "000000" if mine.code != "000000" else "000001"
    with clock.frozen(at(8, 45)):
        for _ in range(10):
            terminal.post(url, {"code": wrong})
        assert "错误次数过多" in terminal.post(url, {"code": mine.code}).content.decode()
    mine.refresh_from_db()
    assert mine.state == "booked"


@pytest.fixture
def finished(admin_user, person):
    from gridgov.core.actors import system_actor
    from gridgov.services.actions import load_default_catalogue, submit_application
    from gridgov.services.models import Application, ServiceItem

    if not ServiceItem.objects.exists():
        load_default_catalogue(actor=system_actor())
    app = submit_application(actor=admin_user, item=ServiceItem.objects.get(code="RS001"), person=person,
                             channel="counter", answers={"status": "就业登记", "since": "2026-01-01"}, materials=["m1"])
    Application.objects.filter(pk=app.pk).update(state="delivered")
    return app


def test_rating_at_the_kiosk_bad_rating_opens_rectification(terminal, finished):
    from gridgov.services.models import Rating, Rectification

    r = terminal.get(reverse("kiosk:rate"))
    assert r.status_code == 302 and r.url.startswith(reverse("kiosk:identify"))
    terminal.post(reverse("kiosk:identify"), {"name": "周建华", "id_number": RID, "phone_last4": "5555"})
    page = terminal.get(reverse("kiosk:rate")).content.decode()
    assert finished.number in page
    form_url = next(line.split('href="')[1].split('"')[0] for line in page.splitlines() if "data-rate=" in line)
    page = terminal.get(form_url).content.decode()
    assert "非常不满意" in page and "服务效率" in page
    bad = terminal.post(form_url, {"level": "2"}).content.decode()
    assert "请选择不满意的原因" in bad and not Rating.objects.exists()
    assert "请选择“总体评价”" in terminal.post(form_url, {"level": "9"}).content.decode()
    r = terminal.post(form_url, {"level": "2", "attitude": "1", "reason": ["等候时间长", "<script>"]})
    assert r.status_code == 302
    rating = Rating.objects.get()
    assert (rating.level, rating.attitude, rating.efficiency, rating.channel) == (2, 1, 2, "kiosk")
    assert rating.comment == "等候时间长" and Rectification.objects.filter(rating=rating).exists()
    assert finished.number not in terminal.get(reverse("kiosk:rate")).content.decode()  # once per application
    assert "每件只能评价一次" in terminal.post(form_url, {"level": "5"}).content.decode()
    assert terminal.get(reverse("kiosk:rate_form", args=["forged"])).status_code == 404
