"""The portal's limits on sign-ups, SMS codes and verification attempts per source address
(counted by core.throttle, shared by every server process). `client_ip` is core.net's: X-Forwarded-For only from `settings.TRUSTED_PROXIES`."""

from django.conf import settings
from django.core.exceptions import ValidationError

from gridgov.core import net, throttle

client_ip = net.client_ip  # the one trusted-proxy-aware client address (core.net)


def hit(scope, who, limit, window, message):
    """Count one attempt by `who` (an address, a phone …) in `scope`; raise a Chinese
    ValidationError once more than `limit` happened within `window` seconds."""
    if not who:
        return
    if throttle.record(throttle.hashed_key(f"portal:rl:{scope}", who), window) > limit:
        raise ValidationError(message)


LIMITS = {  # scope: (attempts, seconds)
    "signup": (5, 3600),
    "sms": (5, 3600),
    "verify": (5, 3600),
}


def check(scope, who):
    limit, window = getattr(settings, "PORTAL_RATE_LIMITS", {}).get(scope, LIMITS[scope])
    hit(scope, who, limit, window, f"操作过于频繁：每 {window // 60} 分钟最多 {limit} 次，请稍后再试")
