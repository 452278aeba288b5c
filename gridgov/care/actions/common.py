"""Helpers shared by the care actions."""

from django.core.exceptions import PermissionDenied, ValidationError

from gridgov.core import audit
from gridgov.core.access import ensure_visible, require

from ..scoping import provider_ids, resident_person_ids


def copy(obj, data, fields):
    for name in fields:
        if name in data:
            setattr(obj, name, data[name])


def save(obj):
    obj.full_clean()
    obj.save()


def create(actor, obj, data, fields, perm, action):
    require(actor, perm, obj.division_code)
    copy(obj, data, fields)
    save(obj)
    audit.record(actor, action, obj, after=audit.snapshot(obj))
    ensure_visible(actor, obj)
    return obj


def update(actor, obj, data, fields, perm, action):
    require(actor, perm, obj.division_code)
    before = audit.snapshot(obj)
    copy(obj, data, fields)
    save(obj)
    b, a = audit.diff(before, audit.snapshot(obj))
    audit.record(actor, action, obj, before=b, after=a)
    ensure_visible(actor, obj, "change")
    return obj


def require_provider_side(actor, provider, perm, division_code):
    """A provider account may act only for its own provider; staff by their scope."""
    require(actor, perm, division_code)
    providers = provider_ids(actor)
    if providers is not None and provider.pk not in providers:
        raise PermissionDenied("只能处理本服务商的订单")


def acts_for(actor, person):
    """May `actor` act for `person` as a resident (itself or an authorising relative)? None when
    the actor is not a resident account (staff rules apply)."""
    persons = resident_person_ids(actor)
    if persons is None:
        return None
    return person is not None and person.pk in persons


def require_for_person(actor, person, staff_perm):
    """Residents act for the persons they may; staff need `staff_perm` over the person's grid;
    provider accounts never act for residents."""
    if provider_ids(actor) is not None:
        raise PermissionDenied("服务商账号不能代居民下单")
    mine = acts_for(actor, person)
    if mine is False:
        raise PermissionDenied("只能为本人或授权的家人办理")
    if mine is None:
        require(actor, staff_perm, person.division_code)


def invalid(field, message):
    raise ValidationError({field: message})
