"""Grid-worker field work: visits (走访) and change requests (信息变更申请) with review."""

from django.conf import settings
from django.core.exceptions import ValidationError

from gridgov.core import audit, clock, uploads
from gridgov.core.access import can, ensure_visible, require
from gridgov.core.actors import action

from ..choices import ChangeRequestStatus, ChangeTarget
from ..models import Building, ChangeRequest, Component, House, Household, LegalEntity, Person, Visit
from . import people, places
from .common import as_grid

PHOTO_LIMITS = uploads.ImageLimits(max_bytes=8 * 1024 * 1024)

TARGETS = {
    ChangeTarget.PERSON: (Person, lambda actor, obj, data: people.update_person(actor=actor, person=obj, data=data),
                          set(people.PERSON_FIELDS) | {"id_number", "phone"}),
    ChangeTarget.HOUSE: (House, lambda actor, obj, data: places.update_house(actor=actor, house=obj, data=data),
                         set(places.HOUSE_FIELDS) - {"owner"}),
    ChangeTarget.HOUSEHOLD: (Household, lambda actor, obj, data: places.update_household(
        actor=actor, household=obj, data=data), {"number", "household_type"}),
    ChangeTarget.BUILDING: (Building, lambda actor, obj, data: places.update_building(
        actor=actor, building=obj, data=data), set(places.BUILDING_FIELDS) - {"code", "footprint"}),
    ChangeTarget.ENTITY: (LegalEntity, lambda actor, obj, data: places.update_entity(actor=actor, entity=obj, data=data),
                          {"name", "legal_representative", "address", "employees", "status", "industry"}),
    ChangeTarget.COMPONENT: (Component, lambda actor, obj, data: places.update_component(
        actor=actor, component=obj, data=data), {"status", "maintainer", "owner_name", "address", "lng", "lat"}),
}


def needs_approval(actor, division_code):
    """Grid workers' change requests wait for review unless the setting turns that off; a user
    who may approve applies their own request at once."""
    if can(actor, "registry.approve_changerequest", division_code):
        return False
    return getattr(settings, "REGISTRY_GRID_WORKER_CHANGES_NEED_APPROVAL", True)


@action
def record_visit(*, actor, grid=None, house=None, household=None, person=None, note, photo=None, lng=None,
                 lat=None):
    """Record a visit (走访) with note, optional photo and GPS position."""
    target = person or household or house
    grid = target.grid if target is not None else as_grid(grid)
    require(actor, "registry.record_visit", grid.code)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请填写走访情况"})
    if photo is not None:  # decoded and re-encoded: a file that only starts like a JPEG is refused
        try:
            photo = uploads.clean_image(photo, limits=PHOTO_LIMITS)
        except ValidationError as exc:
            raise ValidationError({"photo": exc.messages}) from None
    for value, low, high, name in ((lng, -180, 180, "lng"), (lat, -90, 90, "lat")):
        if value is not None and not (low <= value <= high):
            raise ValidationError({name: "坐标超出范围"})
    if person is not None and household is None:
        household = person.household
    if house is None and household is not None:
        house = household.house
    if house is None and person is not None:
        house = person.house
    visit = Visit(
        grid=grid, division_code=grid.code, house=house, household=household, person=person,
        worker=actor if getattr(actor, "pk", None) else None, note=note[:2000], lng=lng, lat=lat, at=clock.now(),
    )
    if photo is not None:
        visit.photo = photo
    visit.save()
    audit.record(actor, "registry.record_visit", visit, after={"house": house and house.pk, "person": person and person.pk})
    ensure_visible(actor, visit)
    return visit


def _target(target_type, target_id):
    model = TARGETS[target_type][0]
    obj = model.objects.filter(pk=target_id).first()
    if obj is None:
        raise ValidationError({"target_id": "变更对象不存在"})
    return obj


@action
def request_change(*, actor, target, summary, proposed=None):
    """Flag a change of a registry object for review (信息变更申请). When no approval is needed,
    it is approved and applied at once."""
    target_type = next((t for t, (model, _f, _a) in TARGETS.items() if isinstance(target, model)), None)
    if target_type is None:
        raise ValidationError({"target_id": "不支持的对象类型"})
    require(actor, "registry.add_changerequest", target.division_code)
    if not type(target).objects.visible_to(actor).filter(pk=target.pk).exists():
        raise ValidationError({"target_id": "变更对象不存在"})
    allowed = TARGETS[target_type][2]
    proposed = {k: v for k, v in (proposed or {}).items() if v not in (None, "")}
    unknown = sorted(set(proposed) - allowed)
    if unknown:
        raise ValidationError({"proposed": f"不能通过申请修改的字段：{'、'.join(unknown)}"})
    summary = " ".join(str(summary or "").split())
    if not summary:
        raise ValidationError({"summary": "请填写变更说明"})
    cr = ChangeRequest.objects.create(
        grid_id=target.grid_id, division_code=target.division_code, target_type=target_type, target_id=target.pk,
        summary=summary[:300], proposed=proposed, requested_by=actor if getattr(actor, "pk", None) else None,
        requested_at=clock.now(),
    )
    audit.record(actor, "registry.request_change", cr, after={"target": f"{target_type}:{target.pk}",
                                                             "fields": sorted(proposed)})
    if not needs_approval(actor, cr.division_code):
        _apply(actor, cr, note="无需审核，自动通过")
    return cr


def _apply(actor, cr, note=""):
    model, update, _allowed = TARGETS[cr.target_type]
    obj = _target(cr.target_type, cr.target_id)
    data = dict(cr.proposed)
    if data:
        update(actor, obj, data)
    cr.status = ChangeRequestStatus.APPROVED
    cr.reviewed_by = actor if getattr(actor, "pk", None) else None
    cr.reviewed_at = clock.now()
    cr.review_note = note[:300]
    cr.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])


@action
def approve_change(*, actor, change_request, note=""):
    """Approve a pending change request and apply it through the matching update action."""
    cr = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
    require(actor, "registry.approve_changerequest", cr.division_code)
    if cr.status != ChangeRequestStatus.PENDING:
        raise ValidationError({"status": "该申请已处理"})
    _apply(actor, cr, note)
    audit.record(actor, "registry.approve_change", cr, after={"status": cr.status})
    return cr


@action
def reject_change(*, actor, change_request, note=""):
    """Reject a pending change request with a note."""
    cr = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
    require(actor, "registry.approve_changerequest", cr.division_code)
    if cr.status != ChangeRequestStatus.PENDING:
        raise ValidationError({"status": "该申请已处理"})
    if not note.strip():
        raise ValidationError({"review_note": "驳回时请填写审核意见"})
    cr.status = ChangeRequestStatus.REJECTED
    cr.reviewed_by, cr.reviewed_at, cr.review_note = actor, clock.now(), note[:300]
    cr.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    audit.record(actor, "registry.reject_change", cr, after={"status": cr.status})
    return cr
