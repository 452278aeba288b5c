"""Configuration writes of the cases app (district administrator): case classes, routing
rules, Open311 API keys. They affect the whole district, so each needs its permission over the
whole district (`require_district_wide`), not somewhere in it: a street official holding
`cases.change_category` for the street may not add a rule that routes another street's cases."""

import datetime
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db.models import Q

from gridgov.core import audit, clock
from gridgov.core.access import require_district_wide
from gridgov.core.actors import action

from ..models import Open311ApiKey


@action
def save_category(*, actor, category, data):
    """Create or edit a case class (district administrator)."""
    require_district_wide(actor, "cases.change_category")
    before = audit.snapshot(category) if category.pk else None
    for k, v in data.items():
        setattr(category, k, v)
    category.full_clean()
    category.save()
    audit.record(actor, "cases.save_category", category, *audit.diff(before, audit.snapshot(category)))
    return category


@action
def create_api_key(*, actor, name):
    """A new Open311 key; returns (key row, the plain key — shown once, only its hash is kept)."""
    require_district_wide(actor, "cases.manage_open311")
    if not (name or "").strip():
        raise ValidationError({"name": "请填写名称"})
    plain = "o311_" + secrets.token_urlsafe(24)
    key = Open311ApiKey.objects.create(name=name.strip()[:80], prefix=plain[5:13], key_hash=hash_key(plain),
                                       created_at=clock.now(), created_by=actor)
    audit.record(actor, "cases.create_api_key", key, after={"name": key.name, "prefix": key.prefix})
    return key, plain


@action
def revoke_api_key(*, actor, key):
    """Disable an Open311 key."""
    require_district_wide(actor, "cases.manage_open311")
    key.is_active = False
    key.save(update_fields=["is_active"])
    audit.record(actor, "cases.revoke_api_key", key, after={"is_active": False})
    return key


def hash_key(plain):
    return hashlib.sha256(plain.encode()).hexdigest()


@action
def save_routing_rule(*, actor, rule, data):
    """Create or edit a dispatch rule (派遣规则)."""
    require_district_wide(actor, "cases.change_category")
    before = audit.snapshot(rule) if rule.pk else None
    for k, v in data.items():
        setattr(rule, k, v)
    rule.full_clean()
    rule.save()
    audit.record(actor, "cases.save_routing_rule", rule, before, audit.snapshot(rule))
    return rule


@action
def delete_routing_rule(*, actor, rule):
    """Remove a dispatch rule."""
    require_district_wide(actor, "cases.change_category")
    audit.record(actor, "cases.delete_routing_rule", rule, before=audit.snapshot(rule))
    rule.delete()


KEY_USE_EVERY = datetime.timedelta(minutes=1)


def note_key_used(key, now=None):
    """Remember when an Open311 key was last used — at most one write a minute per key (busy
    clients would queue on this row). Bookkeeping of the request itself, not a change anyone
    makes: no actor, no audit entry. The conditional UPDATE settles races between workers."""
    now = now or clock.now()
    stale = now - KEY_USE_EVERY
    if key.last_used_at is None or key.last_used_at < stale:
        Open311ApiKey.objects.filter(pk=key.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale)).update(last_used_at=now)
        key.last_used_at = now
