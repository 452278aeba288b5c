"""Text messages to residents through a sender interface (a plugin point for the provider).

`settings.PORTAL_SMS_SENDER` names a class with `send(phone, text)`; the default, `ConsoleSender`,
writes to the log and keeps the last messages in `outbox` (development and tests). A provider
plugin (阿里云, 腾讯云 …) is one class with the same method, named in settings.

Sign-up codes: six digits, kept in the cache under the phone's keyed hash for 10 minutes, at
most 5 wrong tries per code."""

import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.utils.module_loading import import_string

from gridgov.core import pii

log = logging.getLogger("gridgov.portal.sms")
outbox = []  # (phone, text) sent by ConsoleSender, newest last
CODE_TTL = 600
CODE_TRIES = 5


class ConsoleSender:
    def send(self, phone, text):
        outbox.append((phone, text))
        del outbox[:-50]
        log.info("SMS to %s: %s", pii.mask_phone(phone), text)


def sender():
    return import_string(getattr(settings, "PORTAL_SMS_SENDER", "gridgov.portal.sms.ConsoleSender"))()


def _key(phone):
    return f"portal:sms:{pii.keyed_hash(phone)}"


def send_code(phone, purpose="注册"):
    code = f"{secrets.randbelow(10**6):06d}"
    cache.set(_key(phone), {"code": code, "tries": 0}, CODE_TTL)
    sender().send(phone, f"【完美社区网】您的{purpose}验证码是 {code}，10 分钟内有效。如非本人操作请忽略。")
    return code


def check_code(phone, code):
    """True once for the right code (it is used up); wrong tries count, the 5th voids the code."""
    entry = cache.get(_key(phone))
    if not entry:
        return False
    if secrets.compare_digest(str(entry["code"]), str(code or "").strip()):
        cache.delete(_key(phone))
        return True
    entry["tries"] += 1
    if entry["tries"] >= CODE_TRIES:
        cache.delete(_key(phone))
    else:
        cache.set(_key(phone), entry, CODE_TTL)
    return False
