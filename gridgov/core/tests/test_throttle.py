"""The platform's one limiter: counters shared by every server process (core.throttle)."""

import pytest
from django.core import checks
from django.core.cache import caches

from gridgov.core import throttle
from gridgov.core.checks import check_throttle_cache


def test_a_window_counts_blocks_and_resets(db):
    key = "test:throttle:a"
    assert throttle.count(key) == 0 and not throttle.blocked(key, 2)
    assert [throttle.record(key, 60) for _ in range(3)] == [1, 2, 3]
    assert throttle.blocked(key, 3) and not throttle.blocked(key, 4)
    throttle.reset(key)
    assert throttle.count(key) == 0


def test_personal_data_never_appears_in_a_key():
    key = throttle.hashed_key("portal:rl:sms", "13800138000")
    assert key.startswith("portal:rl:sms:") and "13800138000" not in key


def test_counters_are_not_kept_in_one_process_memory():
    # behind gunicorn's workers a per-process cache would multiply every limit
    assert "LocMemCache" not in type(caches[throttle.ALIAS]).__name__
    assert check_throttle_cache() == []


def test_the_system_check_refuses_a_per_process_cache(settings):
    settings.CACHES = {**settings.CACHES, "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    errors = check_throttle_cache()
    assert [e.id for e in errors] == ["core.E103"] and errors[0].level == checks.ERROR


def test_a_count_survives_the_failed_transaction_it_was_recorded_in(db):
    """A failed attempt is recorded inside an action that then raises: the count must stay."""
    from django.db import transaction

    key = "test:throttle:rollback"
    with pytest.raises(RuntimeError), transaction.atomic():
        throttle.record(key, 60)
        raise RuntimeError
    assert throttle.count(key) == 1


def test_another_process_sees_the_same_count(settings):
    """What one server process records, another one reads."""
    import subprocess
    import sys

    key = "test:throttle:shared"
    throttle.record(key, 60)
    location = settings.CACHES["throttle"]["LOCATION"]
    code = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'gridgov.settings'; django.setup(); "
            "from django.conf import settings; "
            f"settings.CACHES['throttle']['LOCATION'] = {location!r}; "
            f"from gridgov.core import throttle; print(throttle.record({key!r}, 60))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "2" and throttle.count(key) == 2
