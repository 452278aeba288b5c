"""Deployment settings (issue 11): one PRODUCTION switch turns on secure cookies, HSTS and the
proxy's HTTPS header and requires a real field-encryption key; the client address behind the
trusted proxies is the real one."""

import os
import subprocess
import sys

import pytest
from django.test import RequestFactory

from gridgov.core import crypto, net

PRINT = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE']='gridgov.settings'; django.setup(); "
         "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
         "s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, s.DEBUG, s.FIELD_ENCRYPTION_DEV_KEY)")


def _settings(**env):
    base = {k: v for k, v in os.environ.items() if k not in ("PRODUCTION", "FIELD_ENCRYPTION_KEYS", "DEBUG")}
    return subprocess.run([sys.executable, "-c", PRINT], env={**base, **env}, capture_output=True, text=True,
                          timeout=120)


def test_production_switch_turns_on_https_settings():
    r = _settings(PRODUCTION="1", FIELD_ENCRYPTION_KEYS=crypto.generate_key(), DEBUG="1")
    assert r.stdout.split() == ["True", "True", "31536000", "('HTTP_X_FORWARDED_PROTO',", "'https')", "False",
                                "False"], r.stderr[-2000:]


def test_production_refuses_the_dev_encryption_key():
    r = _settings(PRODUCTION="1")
    assert r.returncode != 0 and "FIELD_ENCRYPTION_KEYS" in r.stderr


def test_development_defaults_are_marked():
    r = _settings()
    assert r.stdout.split()[:2] == ["False", "False"] and r.stdout.split()[-1] == "True"


@pytest.mark.parametrize("remote,forwarded,expected", [
    ("10.0.0.5", "203.0.113.7", "203.0.113.7"),                 # through our proxy
    ("10.0.0.5", "1.2.3.4, 203.0.113.7", "203.0.113.7"),        # the client's own header is not trusted
    ("10.0.0.5", "203.0.113.7, 10.0.0.9", "203.0.113.7"),       # two proxies of ours
    ("198.51.100.1", "203.0.113.7", "198.51.100.1"),            # not our proxy: header ignored
])
def test_client_ip_behind_trusted_proxies(settings, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert net.client_ip(request) == expected


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert net.client_ip(request) == "10.0.0.5"
