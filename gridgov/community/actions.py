"""Writes of the community app (docs/architecture.md §4, “Writes go through actions”): every function takes a
keyword-only `actor`, runs in one transaction, checks permission, audits and re-checks scope."""

from django.core.exceptions import PermissionDenied, ValidationError

from gridgov.core import audit, clock
from gridgov.core.access import ensure_visible, is_district_wide, require
from gridgov.core.actors import action
from gridgov.divisions.choices import Level

from .models import (
    Committee,
    CommitteeMember,
    Facility,
    FacilityPhoto,
    FacilityStandard,
    FacilityType,
    WorkstationStaff,
)

FACILITY_FIELDS = ["facility_type", "name", "status", "area_m2", "address", "lng", "lat", "opening_hours",
                   "bookable", "capacity", "phone", "note"]
COMMITTEE_FIELDS = ["name", "term_start", "term_end", "election_date", "office_address", "office_phone",
                    "workstation_name", "workstation_hours"]
MEMBER_FIELDS = ["name", "post", "duties", "is_party_member", "concurrent", "sort"]
STAFF_FIELDS = ["name", "post", "duties", "is_active", "sort"]
TYPE_FIELDS = ["code", "name", "category", "is_service_room", "bookable_default", "description", "sort", "is_active"]
STANDARD_FIELDS = ["name", "area_per_100_households", "min_service_area", "effective_from", "is_active", "note"]


def _community(division):
    if division is None or division.level != Level.COMMUNITY:
        raise ValidationError("请选择一个社区")
    return division


def _require_district(actor, perm):
    """Dictionaries and standards apply to the whole district: only district-wide holders edit them."""
    if not is_district_wide(actor, perm):
        raise PermissionDenied(f"没有权限：{perm}（须全区范围）")


def _copy(obj, data, fields):
    for name in fields:
        if name in data:
            setattr(obj, name, data[name])


def _save(obj):
    obj.full_clean()
    obj.save()


def _create(actor, obj, data, fields, perm, action):
    require(actor, perm, obj.division_code)
    _copy(obj, data, fields)
    _save(obj)
    audit.record(actor, action, obj, after=audit.snapshot(obj))
    ensure_visible(actor, obj)
    return obj


def _update(actor, obj, data, fields, perm, action):
    require(actor, perm, obj.division_code)
    before = audit.snapshot(obj)
    _copy(obj, data, fields)
    _save(obj)
    b, a = audit.diff(before, audit.snapshot(obj))
    audit.record(actor, action, obj, before=b, after=a)
    ensure_visible(actor, obj, "change")
    return obj


# --- facilities ----------------------------------------------------------------------------------

@action
def create_facility(*, actor, community, data):
    """Record a facility (设施) of a community. Without an explicit `bookable`, the type's default
    applies."""
    community = _community(community)
    facility = Facility(community=community, division_code=community.code, updated_at=clock.now())
    if "bookable" not in data and data.get("facility_type"):
        facility.bookable = data["facility_type"].bookable_default
    return _create(actor, facility, data, FACILITY_FIELDS, "community.add_facility", "community.create_facility")


@action
def update_facility(*, actor, facility, data):
    """Edit a facility: type, area, status (built / under construction / planned), hours, booking."""
    facility.updated_at = clock.now()
    return _update(actor, facility, data, FACILITY_FIELDS, "community.change_facility", "community.update_facility")


@action
def delete_facility(*, actor, facility):
    """Remove a facility recorded by mistake (a closed one is better kept with its status)."""
    require(actor, "community.delete_facility", facility.division_code)
    audit.record(actor, "community.delete_facility", facility, before=audit.snapshot(facility))
    facility.delete()


MAX_PHOTOS = 12


@action
def add_facility_photo(*, actor, facility, upload, caption=""):
    """Add a photo of a facility: re-encoded by the core image helper, stored under a random
    name, served only to those who may see the facility."""
    from gridgov.core.uploads import clean_image

    require(actor, "community.change_facility", facility.division_code)
    if facility.photos.count() >= MAX_PHOTOS:
        raise ValidationError(f"每处设施最多 {MAX_PHOTOS} 张照片")
    image = clean_image(upload)
    photo = FacilityPhoto(facility=facility, caption=caption[:100], uploaded_at=clock.now(), uploaded_by=actor)
    photo.image.save(image.name, image, save=False)
    photo.save()
    audit.record(actor, "community.add_facility_photo", photo, after={"facility": facility.pk, "name": photo.image.name},
                 division_code=facility.division_code)
    return photo


@action
def remove_facility_photo(*, actor, photo):
    require(actor, "community.change_facility", photo.facility.division_code)
    audit.record(actor, "community.remove_facility_photo", photo, before={"name": photo.image.name},
                 division_code=photo.facility.division_code)
    photo.image.delete(save=False)
    photo.delete()


@action
def save_facility_type(*, actor, facility_type=None, data):
    """Add or edit a facility type of the dictionary (district-wide setting)."""
    _require_district(actor, "community.change_facilitytype")
    obj = facility_type or FacilityType()
    before = audit.snapshot(obj) if facility_type else None
    _copy(obj, data, TYPE_FIELDS)
    _save(obj)
    audit.record(actor, "community.save_facility_type", obj, before=before, after=audit.snapshot(obj))
    return obj


@action
def save_standard(*, actor, standard=None, data, required_types=None):
    """Add or edit the facility standard (required types, area per 100 households)."""
    _require_district(actor, "community.change_facilitystandard")
    obj = standard or FacilityStandard()
    before = audit.snapshot(obj) if standard else None
    _copy(obj, data, STANDARD_FIELDS)
    _save(obj)
    if required_types is not None:
        obj.required_types.set(required_types)
    after = audit.snapshot(obj)
    after["required_types"] = sorted(obj.required_types.values_list("code", flat=True))
    audit.record(actor, "community.save_standard", obj, before=before, after=after)
    return obj


# --- committee and workstation -------------------------------------------------------------------

@action
def save_committee(*, actor, community=None, committee=None, data):
    """Register a residents' committee term (居委会换届) or edit one."""
    if committee is not None:
        return _update(actor, committee, data, COMMITTEE_FIELDS, "community.change_committee",
                       "community.update_committee")
    community = _community(community)
    obj = Committee(community=community, division_code=community.code)
    return _create(actor, obj, data, COMMITTEE_FIELDS, "community.add_committee", "community.create_committee")


@action
def save_committee_member(*, actor, committee=None, member=None, data):
    """Add a member to a committee or edit one."""
    if member is not None:
        return _update(actor, member, data, MEMBER_FIELDS, "community.change_committeemember",
                       "community.update_committee_member")
    obj = CommitteeMember(committee=committee, division_code=committee.division_code)
    return _create(actor, obj, data, MEMBER_FIELDS, "community.add_committeemember", "community.add_committee_member")


@action
def remove_committee_member(*, actor, member):
    require(actor, "community.delete_committeemember", member.division_code)
    audit.record(actor, "community.remove_committee_member", member, before=audit.snapshot(member))
    member.delete()


@action
def save_staff(*, actor, community=None, staff=None, data):
    """Add a workstation staff member or edit one (a leaver is kept with `is_active` off)."""
    if staff is not None:
        return _update(actor, staff, data, STAFF_FIELDS, "community.change_workstationstaff", "community.update_staff")
    community = _community(community)
    obj = WorkstationStaff(community=community, division_code=community.code)
    return _create(actor, obj, data, STAFF_FIELDS, "community.add_workstationstaff", "community.add_staff")
