"""Attempt counters that every server process shares: the platform's one limiter.

A counter is a fixed window: the first `record` starts it, `window` seconds later it is gone.

    if throttle.blocked(key, limit):            # before the attempt
        return "操作过于频繁，请稍后再试"
    ...
    throttle.record(key, window)                # after a failed attempt (or every attempt)

Counters live in the `throttle` cache (settings.CACHES): Redis when CACHE_REDIS_URL is set,
otherwise files under var/. Never a per-process memory cache: behind gunicorn's several workers
that would multiply every limit by the number of workers and reset it whenever a worker is
recycled. Never the database: a counter recorded inside an action that then fails would roll
back with it, so failed attempts would not count (ADR 0032).

Keys name what is counted (`kiosk:idfail:dev:7`); a key that would contain personal data (an
ID number, a phone) is hashed with `hashed_key`, so the cache never holds it in clear.
"""

from django.core.cache import caches

from . import pii

ALIAS = "throttle"


def _cache():
    return caches[ALIAS]


def hashed_key(prefix, value):
    """`prefix:` plus a keyed hash of `value` (a phone, an ID number, an address)."""
    return f"{prefix}:{pii.keyed_hash(str(value))[:32]}"


def count(key):
    """Attempts recorded under `key` in its current window (0 when none)."""
    return _cache().get(key) or 0


def blocked(key, limit):
    """True when `limit` or more attempts were recorded under `key` in its window."""
    return count(key) >= limit


def record(key, window):
    """Count one attempt under `key`; return the count in the current window (starting a
    `window`-second window when there is none)."""
    cache = _cache()
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # the window closed between add and incr
        cache.set(key, 1, window)
        return 1


def reset(key):
    """Forget the attempts under `key` (a successful sign-in, a staff unlock)."""
    _cache().delete(key)


def clear_all():
    """Forget every counter (tests that flush the database; an operator after an incident)."""
    _cache().clear()
