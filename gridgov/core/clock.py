"""The platform's clock. Business code calls `clock.now()`; tests freeze it with `frozen(dt)`
so SLA and scoring logic is tested against a fixed time (docs/architecture.md §4, “Clocks are explicit”)."""

import contextvars
from contextlib import contextmanager

from django.utils import timezone

_frozen = contextvars.ContextVar("frozen_now", default=None)


def now():
    value = _frozen.get()
    return value if value is not None else timezone.now()


def today():
    return timezone.localdate(now())


@contextmanager
def frozen(dt):
    """Freeze `clock.now()` at an aware datetime inside the block."""
    if timezone.is_naive(dt):
        dt = timezone.make_aware(dt)
    token = _frozen.set(dt)
    try:
        yield dt
    finally:
        _frozen.reset(token)
