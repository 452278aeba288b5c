import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gridgov.accounts.choices import RoleCode
from gridgov.core import clock
from gridgov.core.actors import system_actor
from gridgov.core.models import AuditEntry, Notification
from gridgov.kiosk import actions
from gridgov.kiosk.device import COOKIE, digest, find_device
from gridgov.kiosk.models import KioskDevice

from .conftest import A, B

pytestmark = pytest.mark.django_db


def test_key_is_stored_only_as_a_digest(kiosk):
    device, key = kiosk
    device.refresh_from_db()
    assert key.startswith(f"gk_{device.key_prefix}_") and len(key) > 40
    assert device.key_hash == digest(key) and key not in device.key_hash
    assert find_device(key) == device
    assert find_device(key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    assert find_device("nonsense") is None


def test_pages_need_an_enrolled_device(client, kiosk):
    r = client.get(reverse("kiosk:home"))
    assert r.status_code == 403 and "本终端尚未登记" in r.content.decode()
    client.cookies[COOKIE] = "gk_00000000_forged"
    assert "密钥无效" in client.get(reverse("kiosk:home")).content.decode()


def test_enrolment_sets_the_cookie_and_records_it(client, kiosk):
    device, key = kiosk
    r = client.post(reverse("kiosk:enrol"), {"key": "gk_12345678_wrong"})
    assert "密钥无效" in r.content.decode() and COOKIE not in r.cookies
    r = client.post(reverse("kiosk:enrol"), {"key": key})
    assert r.status_code == 302 and r.cookies[COOKIE].value == key and r.cookies[COOKIE]["httponly"]
    device.refresh_from_db()
    assert device.enrolled_at is not None
    entry = AuditEntry.objects.get(action="kiosk.enrol_device")
    assert entry.actor is None and "A社区大厅终端" in entry.actor_name
    r = client.get(reverse("kiosk:home"))
    assert r.status_code == 200 and "政策查询" in r.content.decode()


def test_header_key_works_for_a_watchdog(client, kiosk):
    r = client.post(reverse("kiosk:heartbeat"), HTTP_X_KIOSK_KEY=kiosk[1])
    assert r.status_code == 200 and r.json()["ok"]


def test_revoked_key_gets_a_clear_chinese_refusal(terminal, kiosk, a_staff):
    device, key = kiosk
    assert terminal.get(reverse("kiosk:home")).status_code == 200
    with pytest.raises(ValidationError):
        actions.revoke_device(actor=a_staff, device=device, reason="  ")
    actions.revoke_device(actor=a_staff, device=device, reason="设备报修")
    for name in ("kiosk:home", "kiosk:policies", "kiosk:report", "kiosk:identify"):
        r = terminal.get(reverse(name))
        assert r.status_code == 403, name
        assert "本终端已停用" in r.content.decode()
    assert terminal.post(reverse("kiosk:heartbeat")).status_code == 403
    assert terminal.post(reverse("kiosk:enrol"), {"key": key}).status_code == 403
    # re-issuing restores the device with a new key; the old one stays refused
    new = actions.issue_key(actor=a_staff, device=device)
    assert terminal.get(reverse("kiosk:home")).status_code == 403
    terminal.cookies[COOKIE] = new
    assert terminal.get(reverse("kiosk:home")).status_code == 200


def test_only_kiosk_managers_in_scope_register_and_revoke(make_user, tree, kiosk):
    device, _ = kiosk
    b_staff = make_user(RoleCode.COMMUNITY_STAFF, tree[B])
    with pytest.raises(PermissionDenied):
        actions.register_device(actor=b_staff, community=tree[A], data={"name": "x"})
    with pytest.raises(PermissionDenied):
        actions.revoke_device(actor=b_staff, device=device, reason="x")
    with pytest.raises(PermissionDenied):  # a kiosk write from a signed-in user is refused
        actions.heartbeat(actor=b_staff, device=device)


def test_heartbeat_marks_alive(terminal, kiosk):
    device, _ = kiosk
    KioskDevice.objects.filter(pk=device.pk).update(offline_alerted_at=clock.now())
    assert terminal.post(reverse("kiosk:heartbeat")).status_code == 200
    device.refresh_from_db()
    assert device.last_seen_at is not None and device.offline_alerted_at is None


def test_offline_alert_once_per_outage(client, kiosk, a_staff, make_user, tree):
    device, key = kiosk
    other = make_user(RoleCode.COMMUNITY_STAFF, tree[B])
    client.post(reverse("kiosk:enrol"), {"key": key})
    device.refresh_from_db()
    actor = system_actor()
    later = device.last_seen_at + datetime.timedelta(minutes=5)
    assert actions.sweep_offline(actor=actor, now=later) == 0  # within the 10-minute threshold
    later = device.last_seen_at + datetime.timedelta(minutes=11)
    assert actions.sweep_offline(actor=actor, now=later) == 1
    n = Notification.objects.get(recipient=a_staff)
    assert "自助终端离线" in n.title and "A社区大厅终端" in n.title
    assert not Notification.objects.filter(recipient=other).exists()
    assert actions.sweep_offline(actor=actor, now=later + datetime.timedelta(minutes=30)) == 0  # once per outage
    actions.heartbeat(actor=AnonymousUser(), device=device)
    device.refresh_from_db()
    assert device.offline_alerted_at is None
    assert AuditEntry.objects.filter(action="kiosk.offline_alert").count() == 1


def test_staff_see_the_key_once_and_only_in_scope(client, a_staff, make_user, tree):
    client.force_login(a_staff)
    r = client.post(reverse("kiosk:device_create"), {"community": tree[A].pk, "name": "新终端", "location": "",
                                                     "offline_minutes": 10})
    device = KioskDevice.objects.get(name="新终端")
    assert r.status_code == 302 and r.url == reverse("kiosk:device_key", args=[device.pk])
    page = client.get(r.url).content.decode()
    assert f"gk_{device.key_prefix}_" in page and "只显示这一次" in page
    assert f"gk_{device.key_prefix}_" not in client.get(r.url).content.decode()
    assert client.get(reverse("kiosk:device_list")).status_code == 200
    client.force_login(make_user(RoleCode.COMMUNITY_STAFF, tree[B]))
    assert client.get(reverse("kiosk:device_detail", args=[device.pk])).status_code == 404
