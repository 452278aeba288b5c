"""Catalogue writes: publish an item's new version (an application keeps its own), load the
default catalogue. The catalogue is district-wide: editing needs the permission district-wide."""

from django.core.exceptions import ValidationError

from gridgov.core import audit, clock
from gridgov.core.access import require_district_wide
from gridgov.core.actors import action

from ..catalogue import check_version_data
from ..models import ServiceItem, ServiceItemVersion

ITEM_FIELDS = ("code", "name", "department", "category", "is_active", "sort")
VERSION_FIELDS = ("description", "conditions", "eligibility", "materials", "fields", "legal_basis",
                  "promised_days", "statutory_days", "fee_fen", "channels", "handling", "result_name")


@action
def save_item(*, actor, item=None, data):
    """Create an item or edit it. Item identity (name, department, category) changes in place;
    any change of the rules (VERSION_FIELDS) publishes version n+1, which new applications use."""
    require_district_wide(actor, "services.publish_serviceitem")
    check_version_data({k: data.get(k) for k in VERSION_FIELDS} if item is None else
                       {**_version_dict(item.current), **{k: v for k, v in data.items() if k in VERSION_FIELDS}})
    obj = item or ServiceItem()
    before = audit.snapshot(obj) if item else None
    for k in ITEM_FIELDS:
        if k in data:
            setattr(obj, k, data[k])
    obj.full_clean(exclude=["current"])
    obj.save()
    old = _version_dict(obj.current) if obj.current_id else None
    new = {**(old or {}), **{k: data[k] for k in VERSION_FIELDS if k in data}}
    if new != old:
        number = (obj.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        version = ServiceItemVersion(item=obj, number=number, published_at=clock.now(), published_by=actor, **new)
        version.full_clean(exclude=["item"])
        version.save()
        obj.current = version
        obj.save(update_fields=["current"])
        audit.record(actor, "services.publish_version", version, after={"item": obj.code, "number": number})
    audit.record(actor, "services.save_item", obj, before=before, after=audit.snapshot(obj))
    return obj


def _version_dict(version):
    if version is None:
        return {}
    return {k: getattr(version, k) for k in VERSION_FIELDS}


@action
def load_default_catalogue(*, actor):
    """Add the default items that are missing (idempotent); returns how many were created."""
    from gridgov.accounts.models import Department

    from .. import catalogue_data

    require_district_wide(actor, "services.publish_serviceitem")
    created = catalogue_data.seed(ServiceItem, ServiceItemVersion, Department, clock.now(), actor)
    if created:
        audit.record(actor, "services.load_catalogue", ("services.serviceitem", "", "事项清单"), after={"created": created})
    return created


def ensure_item_channel(version, channel):
    if channel not in (version.channels or []):
        from ..choices import Channel

        raise ValidationError({"channel": f"该事项不支持通过“{Channel(channel).label}”办理"})
