"""What the public may read about cases (issue 11, blocker 3; ADR 0024).

A case is *published* (Open311 GET, public lists) only when its class is public (`is_public`)
and it came from a public channel (居民网站, 自助终端, Open311) or a staff member approved it
for publication (`published_at`). No free text a reporter typed is ever published as it was
typed: the description published is the staff-approved `public_summary`, passed once more
through `redact` (ID and phone patterns → 【已隐去】); without approval it is the class name.
Photos are published only after approval. Sensitive classes (`is_sensitive`) publish no
address, no photo, and coordinates rounded to 0.01° (about 1 km).
"""

import re
import unicodedata

from django.db.models import Q

from gridgov.core import limits

from .choices import Channel

PUBLIC_CHANNELS = (Channel.WEB, Channel.KIOSK, Channel.OPEN311)
SENSITIVE_DECIMALS = 2
REDACTED = "【已隐去】"
# Digits possibly broken up by spaces, dashes or dots (people type 138 0736 0001 or 0736-1234567).
_SEP = r"[\s\-\.·—]?"
_PATTERNS = [
    re.compile(r"(?<![0-9A-Za-z])[1-9](?:" + _SEP + r"\d){14}(?:(?:" + _SEP + r"\d){2}" + _SEP + r"[\dXx])?(?![0-9A-Za-z])"),  # ID 15/18
    re.compile(r"(?<!\d)(?:\+?86" + _SEP + r")?1[3-9](?:" + _SEP + r"\d){9}(?!\d)"),  # mobile
    re.compile(r"(?<!\d)0\d{2,3}" + _SEP + r"\d{3,4}" + _SEP + r"\d{4}(?!\d)"),  # landline with area code
    re.compile(r"(?<!\d)\d{7,8}(?!\d)"),  # local landline
]


def redact(text):
    """The text with ID-card and phone-number patterns (also in full-width digits) replaced."""
    text = str(text or "")
    # full-width digits and letters count as digits (NFKC maps them; other characters kept)
    text = "".join(unicodedata.normalize("NFKC", ch) if "０" <= ch <= "９" or ch in "Ｘｘ＋－" else ch for ch in text)
    for pattern in _PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text[: limits.TEXT]


def published(qs):
    """The cases of `qs` the public may read about."""
    return qs.filter(category__is_public=True).filter(Q(channel__in=PUBLIC_CHANNELS) | Q(published_at__isnull=False))


def is_published(case):
    return case.category.is_public and (case.channel in PUBLIC_CHANNELS or case.published_at is not None)


def public_description(case):
    if case.published_at and case.public_summary:
        return redact(case.public_summary)
    return case.category.name


def _round(value):
    return None if value is None else round(value, SENSITIVE_DECIMALS)


def public_position(case):
    """(lat, lng, address) as published: rounded and without address for sensitive classes."""
    if case.category.is_sensitive:
        return _round(case.lat), _round(case.lng), ""
    return case.lat, case.lng, redact(case.address)[: limits.ADDRESS]


def photo_published(case):
    return case.published_at is not None and not case.category.is_sensitive
