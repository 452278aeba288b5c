"""Personal data helpers (docs/architecture.md §4, “Personal data is protected by default”): keyed hashes for exact lookup, masks for display.

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
    """430702199001011234 → 4****************4: the first and the last character only (the
    national practice for masked ID numbers, as on 12306 and bank receipts). Region, birth date,
    sequence and check digit are all hidden, so nothing shown beside the mask (age, sex, the
    grid's region) rebuilds the number; the birth date is revealed like the number itself."""
    value = normalise(value)
    if len(value) <= 4:
        return "*" * len(value)
    return value[:1] + "*" * (len(value) - 2) + value[-1:]


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
