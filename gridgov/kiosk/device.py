"""Device authentication for kiosk pages (ADR: kiosk device auth and the actor).

A kiosk key looks like `gk_<prefix>_<secret>`: the prefix (8 hex characters) finds the device
row, the SHA-256 digest of the whole key is compared in constant time. The key reaches the server
in the `gg_kiosk` cookie (set once by the enrolment page) or the `X-Kiosk-Key` header (a
watchdog on the terminal). Kiosk pages run as the anonymous visitor on the kiosk channel; the
device is recorded on every write (`actor_name`)."""

import functools
import hashlib
import hmac
import secrets

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import render

from .choices import DeviceStatus

COOKIE = "gg_kiosk"
HEADER = "HTTP_X_KIOSK_KEY"
COOKIE_AGE = 5 * 365 * 24 * 3600  # a terminal is enrolled once


def new_key():
    """(key, prefix, digest) for a freshly issued key."""
    prefix = secrets.token_hex(4)
    key = f"gk_{prefix}_{secrets.token_urlsafe(32)}"
    return key, prefix, digest(key)


def digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


def parse_prefix(key):
    parts = (key or "").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != "gk" or len(parts[1]) != 8:
        return None
    return parts[1]


def find_device(key):
    """The device a key belongs to (active or revoked), or None when no device holds it."""
    from .models import KioskDevice

    prefix = parse_prefix(key)
    if prefix is None:
        return None
    device = KioskDevice.objects.select_related("community").filter(key_prefix=prefix).first()
    if device is None or not hmac.compare_digest(device.key_hash, digest(key.strip())):
        return None
    return device


def request_key(request):
    return request.META.get(HEADER) or request.COOKIES.get(COOKIE) or ""


def kiosk_actor(device):
    """The actor of kiosk writes: the anonymous visitor (docs/architecture.md §4, “Writes go through actions”), never a staff session that
    happens to be open in the terminal's browser. `actor_name` names the device in the audit."""
    return AnonymousUser()


def actor_name(device):
    return f"居民（自助终端：{device.name}）"[:150]


def kiosk_required(view):
    """Authenticate the device before a kiosk page: no key → the enrolment notice (403); a
    revoked key → the refusal page (403). Sets `request.kiosk` (the device)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        key = request_key(request)
        device = find_device(key) if key else None
        if device is None:
            return render(request, "kiosk/refused.html", {"reason": "unknown" if key else "missing"}, status=403)
        if device.status != DeviceStatus.ACTIVE:
            return render(request, "kiosk/refused.html", {"reason": "revoked", "device": device}, status=403)
        request.kiosk = device
        return view(request, *args, **kwargs)

    return wrapper
