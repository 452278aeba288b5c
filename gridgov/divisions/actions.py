"""Writes to the division tree (docs/architecture.md §4, “Writes go through actions”). Each action is atomic, checks permission, audits."""

from django.core.exceptions import ValidationError

from gridgov.core import audit, clock
from gridgov.core.access import require
from gridgov.core.actors import action

from . import geo
from .codes import level_of, parent_code_of
from .models import Division, DivisionShape


@action
def create_division(*, actor, code, name, parent=None, urban_rural_code="", centre=None):
    """Add a node to the tree; the code must fit the parent (its digits name the parent)."""
    level = level_of(code)
    if level is None:
        raise ValidationError({"code": f"区划代码 {code} 格式不正确"})
    if parent is None and parent_code_of(code):
        parent = Division.objects.filter(code=parent_code_of(code)).first()
    if parent is not None and parent_code_of(code) != parent.code:
        raise ValidationError({"parent": f"区划代码 {code} 与上级 {parent.code} 不匹配"})
    require(actor, "divisions.add_division", parent.code if parent else code)
    division = Division(
        code=code, name=name, level=level, parent=parent, urban_rural_code=urban_rural_code,
        centre_lng=centre[0] if centre else None, centre_lat=centre[1] if centre else None,
        valid_from=clock.now(),
    )
    division.full_clean()
    division.save()
    audit.record(actor, "divisions.create_division", division, after=audit.snapshot(division), division_code=code)
    return division


@action
def set_shape(*, actor, division, geometry, households=None, note="", now=None):
    """Give a division a new polygon version; the previous version is closed, not changed."""
    require(actor, "divisions.change_division", division.code)
    geometry = geo.normalise(geometry)
    now = now or clock.now()
    previous = DivisionShape.objects.select_for_update().filter(division=division, valid_to__isnull=True).first()
    version = 1
    if previous:
        previous.valid_to = now
        previous.save(update_fields=["valid_to"])
        version = previous.version + 1
    min_lng, min_lat, max_lng, max_lat = geo.bbox(geometry)
    shape = DivisionShape.objects.create(
        division=division, version=version, geometry=geometry, min_lng=min_lng, min_lat=min_lat,
        max_lng=max_lng, max_lat=max_lat, area_m2=geo.area_m2(geometry),
        households=households if households is not None else division.household_count,
        valid_from=now, created_by=actor if getattr(actor, "pk", None) else None, note=note,
    )
    audit.record(
        actor, "divisions.set_shape", division, after={"version": version, "area_m2": round(shape.area_m2)},
        division_code=division.code,
    )
    return shape
