"""A small fixed-window limiter on the shared cache, for sign-ups, SMS codes and verification
attempts per source address (there is no core limiter yet; the cases app's 查询进度 does the
same by hand). `client_ip` is core.net's: X-Forwarded-For only from `settings.TRUSTED_PROXIES`."""

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError

from gridgov.core import net, pii

client_ip = net.client_ip  # the one trusted-proxy-aware client address (core.net)


def hit(scope, who, limit, window, message):
    """Count one attempt by `who` (an address, a phone …) in `scope`; raise a Chinese
    ValidationError once more than `limit` happened within `window` seconds."""
    if not who:
        return
    key = f"portal:rl:{scope}:{pii.keyed_hash(who)[:32]}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    if count > limit:
        raise ValidationError(message)


LIMITS = {  # scope: (attempts, seconds)
    "signup": (5, 3600),
    "sms": (5, 3600),
    "verify": (5, 3600),
}


def check(scope, who):
    limit, window = getattr(settings, "PORTAL_RATE_LIMITS", {}).get(scope, LIMITS[scope])
    hit(scope, who, limit, window, f"操作过于频繁：每 {window // 60} 分钟最多 {limit} 次，请稍后再试")
