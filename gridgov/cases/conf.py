"""Settings of the cases app with their defaults (override in settings.py or the environment)."""

import datetime

from django.conf import settings

from gridgov.core import clock


def get(name, default):
    return getattr(settings, name, default)


def escalate_at():
    """Share of a step's limit after which the case escalates to the next level (1.0 = at the deadline)."""
    return float(get("CASES_ESCALATE_AT", 1.0))


def warn_at():
    """Share of a step's limit after which the warning (临期预警) is raised."""
    return float(get("CASES_WARN_AT", 0.8))


def reopen_days():
    return int(get("CASES_REOPEN_DAYS", 7))


def deferral_mode():
    """How approved deferrals count in evaluation: 'extend' (the new deadline counts),
    'strict' (the original deadline counts), 'exclude' (deferred cases leave the on-time rates)."""
    return get("CASES_EVAL_DEFERRAL", "extend")


def public_rate_limit():
    """(reports, minutes) allowed per source address on the public pages."""
    return get("CASES_PUBLIC_RATE_LIMIT", (5, 10))


def reopen_allowed(case):
    return bool(case.closed_at) and clock.now() - case.closed_at <= datetime.timedelta(days=reopen_days())
