"""Kiosk devices: register, issue a key (shown once), revoke, enrol, heartbeat, offline alerts."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from gridgov.core import audit, clock
from gridgov.core.access import ensure_visible, require
from gridgov.core.actors import action, is_system
from gridgov.core.notify import notify

from .. import device as auth
from ..choices import DeviceStatus
from ..models import KioskDevice

DEVICE_FIELDS = ["name", "location", "offline_minutes"]


def _community(division):
    if division is None or division.level != 3:
        raise ValidationError({"community": "请选择终端所属的社区"})
    return division


def _clean(device, data):
    for name in DEVICE_FIELDS:
        if name in data:
            setattr(device, name, data[name])
    if not (device.name or "").strip():
        raise ValidationError({"name": "请填写终端名称"})
    if not 1 <= int(device.offline_minutes or 0) <= 1440:
        raise ValidationError({"offline_minutes": "离线告警阈值须为 1–1440 分钟"})


@action
def register_device(*, actor, community, data):
    """Register a terminal in a community and issue its first key. Returns (device, key): the
    key is shown once and stored only as a digest."""
    community = _community(community)
    require(actor, "kiosk.add_kioskdevice", community.code)
    key, prefix, digest = auth.new_key()
    now = clock.now()
    device = KioskDevice(community=community, division_code=community.code, key_prefix=prefix, key_hash=digest,
                         key_issued_at=now, created_at=now)
    _clean(device, data)
    device.save()
    audit.record(actor, "kiosk.register_device", device, after=audit.snapshot(device, ["name", "location",
                                                                                      "community", "key_prefix"]))
    ensure_visible(actor, device)
    return device, key


@action
def update_device(*, actor, device, data):
    require(actor, "kiosk.change_kioskdevice", device.division_code)
    before = audit.snapshot(device, DEVICE_FIELDS)
    _clean(device, data)
    device.save(update_fields=DEVICE_FIELDS)
    b, a = audit.diff(before, audit.snapshot(device, DEVICE_FIELDS))
    audit.record(actor, "kiosk.update_device", device, before=b, after=a)
    return device


@action
def issue_key(*, actor, device):
    """Issue a new key (the old one stops working at once) and re-activate a revoked device.
    Returns the key, shown once."""
    require(actor, "kiosk.revoke_kioskdevice", device.division_code)
    key, prefix, digest = auth.new_key()
    old = device.key_prefix
    device.key_prefix, device.key_hash, device.key_issued_at = prefix, digest, clock.now()
    device.status, device.revoked_at, device.revoked_reason = DeviceStatus.ACTIVE, None, ""
    device.enrolled_at = None
    device.save(update_fields=["key_prefix", "key_hash", "key_issued_at", "status", "revoked_at", "revoked_reason",
                               "enrolled_at"])
    audit.record(actor, "kiosk.issue_key", device, before={"key_prefix": old}, after={"key_prefix": prefix})
    return key


@action
def revoke_device(*, actor, device, reason):
    """Stop a terminal: its key is refused from the next request on (a clear Chinese page)."""
    require(actor, "kiosk.revoke_kioskdevice", device.division_code)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写停用原因"})
    if device.status == DeviceStatus.REVOKED:
        raise ValidationError("该终端已停用")
    device.status, device.revoked_at, device.revoked_reason = DeviceStatus.REVOKED, clock.now(), reason[:200]
    device.save(update_fields=["status", "revoked_at", "revoked_reason"])
    audit.record(actor, "kiosk.revoke_device", device, after={"status": device.status}, reason=reason)
    return device


def _kiosk_only(actor):
    """Kiosk-side writes are the anonymous visitor's (the device key is the credential)."""
    if getattr(actor, "is_authenticated", False) or is_system(actor):
        raise PermissionDenied("终端操作只能由自助终端发起")


@action
def enrol_device(*, actor, device):
    """The terminal presented its key on the enrolment page: record it (the view sets the cookie)."""
    _kiosk_only(actor)
    if device.status != DeviceStatus.ACTIVE:
        raise PermissionDenied("该终端已停用")
    now = clock.now()
    device.enrolled_at = device.last_seen_at = now
    device.save(update_fields=["enrolled_at", "last_seen_at"])
    audit.record(actor, "kiosk.enrol_device", device, actor_name=auth.actor_name(device))
    return device


@action
def heartbeat(*, actor, device):
    """The terminal is alive. Not audited (once a minute per device); clears an offline alert."""
    _kiosk_only(actor)
    KioskDevice.objects.filter(pk=device.pk).update(last_seen_at=clock.now(), offline_alerted_at=None)


def _staff_for(device):
    """Active users who manage kiosks over the device's community."""
    from gridgov.accounts.models import RoleAssignment

    qs = RoleAssignment.objects.filter(
        user__is_active=True, role__permissions__content_type__app_label="kiosk",
        role__permissions__codename="change_kioskdevice",
    ).select_related("user", "division")
    users = {}
    for a in qs:
        path = a.division.path if a.division_id else ""
        if device.division_code.startswith(path) and not getattr(a.user, "is_system", False):
            users[a.user_id] = a.user
    return list(users.values())


@action
def sweep_offline(*, actor, now=None):
    """Alert the kiosk managers of each active, enrolled terminal silent for longer than its
    threshold, once per outage (a heartbeat clears the mark). Idempotent. Returns the count."""
    require(actor, "kiosk.view_kioskdevice")
    now = now or clock.now()
    alerted = 0
    candidates = KioskDevice.objects.filter(status=DeviceStatus.ACTIVE, enrolled_at__isnull=False,
                                            offline_alerted_at__isnull=True).select_related("community")
    for device in candidates:
        if device.is_online(now):
            continue
        since = device.last_seen_at or device.enrolled_at
        minutes = int((now - since) / datetime.timedelta(minutes=1))
        title = f"自助终端离线：{device.name}（{device.community.name}）"
        body = f"已 {minutes} 分钟没有心跳（最后心跳 {timezone.localtime(since):%Y-%m-%d %H:%M}），请到现场检查电源和网络。"
        url = reverse("kiosk:device_detail", args=[device.pk])
        for user in _staff_for(device):
            notify(user, title, body, url=url, category="kiosk.offline",
                   dedupe_key=f"kiosk-offline:{device.pk}:{int(since.timestamp())}")
        device.offline_alerted_at = now
        device.save(update_fields=["offline_alerted_at"])
        audit.record(actor, "kiosk.offline_alert", device, after={"minutes": minutes})
        alerted += 1
    return alerted
