"""Personal data helpers (rule 5 in docs/architecture.md): keyed hashes for exact lookup, masks for display.

The raw value is never used in URLs, logs or exports without the reveal permission.
"""

import hashlib
import hmac

from django.conf import settings


def normalise(value):
    return "".join(str(value or "").split()).upper()


def keyed_hash(value):
    """HMAC-SHA256 of the normalised value: equal inputs give equal hashes, so exact lookup
    by ID or phone number is an indexed equality match, but the hash alone reveals nothing."""
    value = normalise(value)
    if not value:
        return ""
    return hmac.new(settings.PII_HASH_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def mask_id_number(value):
    """430702199001011234 → 430702********1234 (region kept, birth date hidden)."""
    value = normalise(value)
    if len(value) <= 8:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value):
    """13812345678 → 138****5678."""
    value = normalise(value)
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value):
    """张三丰 → 张**; used where even the name is too much (public pages)."""
    value = (value or "").strip()
    return value[:1] + "*" * (len(value) - 1) if value else ""
