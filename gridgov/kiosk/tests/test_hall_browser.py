"""A browser at the kiosk (1080×1920, touch): a resident who booked a hall appointment checks in
with the 6-digit code on the digit pad and gets a priority ticket; then identifies on the pad and
rates a finished application (a bad rating needs a reason chip and opens the rectification)."""

import datetime
import os
import time

import pytest
from django.apps import apps
from django.utils import timezone

from gridgov.core import clock

from .test_browser import _go, _tap, kiosk_page  # noqa: F401  (the 1080×1920 touch page fixture)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True),
              pytest.mark.skipif(not apps.is_installed("gridgov.services"), reason="services 应用尚未安装")]
A, A1 = "430702004001", "430702004001001"


def _seed_catalogue():
    """The default catalogue comes from a data migration, which an earlier flushing test may have
    emptied: seed it again (idempotent)."""
    from gridgov.accounts.models import Department
    from gridgov.services import catalogue_data
    from gridgov.services.models import ServiceItem, ServiceItemVersion

    catalogue_data.seed(ServiceItem, ServiceItemVersion, Department, clock.now())
    return ServiceItem.objects.get(code="RS001")


def _slot_around_now(group):
    """A slot of today that is open for check-in now (it began up to 10 minutes ago)."""
    from gridgov.services.models import AppointmentSlot

    now = timezone.localtime()
    if now.hour == 23 and now.minute >= 57:  # the check-in must fall on the slot's day: wait for midnight
        time.sleep((60 - now.minute) * 60 - now.second + 2)
        now = timezone.localtime()
    start = max(now - datetime.timedelta(minutes=10), now.replace(hour=0, minute=0, second=0, microsecond=0))
    end = min(now + datetime.timedelta(minutes=50), now.replace(hour=23, minute=59, second=0, microsecond=0))
    return AppointmentSlot.objects.create(group=group, division_code=group.division_code, day=now.date(),
                                          start=start.time().replace(second=0, microsecond=0),
                                          end=end.time().replace(second=0, microsecond=0), capacity=3)


def test_kiosk_check_in_and_rating(kiosk_page, make_user, admin_user, tree):  # noqa: F811
    from gridgov.accounts.choices import RoleCode
    from gridgov.kiosk import actions as kiosk
    from gridgov.kiosk.device import COOKIE
    from gridgov.registry import actions as registry
    from gridgov.registry.identity import make_resident_id
    from gridgov.services import actions
    from gridgov.services.models import Application, Appointment, Rating, Rectification, Ticket

    page = kiosk_page
    staff = make_user(RoleCode.COMMUNITY_STAFF, tree[A], username="hall-staff")
    _device, key = kiosk.register_device(actor=staff, community=tree[A], data={"name": "大厅终端"})
    page.context.add_cookies([{"name": COOKIE, "value": key, "url": page.base_url}])
    rid = make_resident_id("430702", datetime.date(1958, 6, 7), 31)
    person = registry.register_person(actor=admin_user, grid=tree[A1], data={"name": "刘桂英", "id_number": rid,
                                                                          "phone": "13807360001"})
    group = actions.save_group(actor=admin_user, community=tree[A], name="综合受理", prefix="A")
    walk_in = actions.take_ticket(actor=admin_user, group=group, channel="reception")
    slot = _slot_around_now(group)
    with clock.frozen(timezone.now() - datetime.timedelta(days=1)):  # booked the day before
        appt = actions.book_appointment(actor=admin_user, slot=slot, person=person)

    # check-in: the tile, a wrong code first, then the right one on the digit pad
    page.goto(page.base_url + "/kiosk/")
    _go(page, "[data-tile=check-in]")
    wrong = "000000" if appt.code != "000000" else "000001"
    for d in wrong:
        _tap(page, f"[data-pad] [data-key='{d}']")
    _go(page, "[data-check-in]")
    assert "签到码不正确" in page.inner_text("[data-error]")
    page.fill("#k-code", "")
    for d in appt.code:
        _tap(page, f"[data-pad] [data-key='{d}']")
    assert page.input_value("#k-code") == appt.code
    _go(page, "[data-check-in]")
    appt.refresh_from_db()
    assert appt.state == "checked_in" and appt.ticket.priority and appt.ticket.channel == "appointment"
    assert page.inner_text("[data-ticket]") == appt.ticket.number
    assert "预约签到（优先）" in page.content()
    first = actions.call_next(actor=admin_user, counter=actions.save_counter(
        actor=admin_user, community=tree[A], number=1, groups=[group]))
    assert first.pk == appt.ticket_id != walk_in.pk  # the appointment is called before the earlier walk-in
    assert Ticket.objects.count() == 2

    # rating a finished application: identify on the pad, pick it, a bad rating needs a reason
    item = _seed_catalogue()
    app = actions.submit_application(actor=admin_user, item=item, person=person, channel="counter",
                                     answers={"status": "就业登记", "since": "2026-01-01"}, materials=["m1"])
    Application.objects.filter(pk=app.pk).update(state="delivered")
    page.goto(page.base_url + "/kiosk/")
    _go(page, "[data-tile=rate]")
    assert "/kiosk/identify/" in page.url
    page.fill("#id_name", "刘桂英")
    page.tap("#id_id_number")
    for d in rid:
        _tap(page, f"[data-pad] [data-key='{d}']")
    page.tap("#id_phone_last4")
    for d in "0001":
        _tap(page, f"[data-pad] [data-key='{d}']")
    _go(page, "form[data-kiosk-form] button[type=submit]")
    assert "/kiosk/rate/" in page.url
    _go(page, f"[data-rate='{app.number}']")
    page.tap("[data-level='2']")
    _go(page, "[data-submit-rating]")
    assert "请选择不满意的原因" in page.inner_text("[data-errors]") and not Rating.objects.exists()
    page.tap("[data-level='2']")
    page.tap("label.kiosk-choice:has(input[name=reason][value=等候时间长])")
    _go(page, "[data-submit-rating]")
    assert page.locator("[data-rated]").count() == 1
    assert page.locator(f"[data-rate='{app.number}']").count() == 0  # once per application
    rating = Rating.objects.get()
    assert (rating.level, rating.channel, rating.comment) == (2, "kiosk", "等候时间长")
    assert Rectification.objects.filter(rating=rating).exists()
    assert Appointment.objects.get().state == "checked_in"
    assert not [e for e in page.errors if "favicon" not in e], page.errors
