"""Actions on persons: registration, edits and life events (迁入/迁出/出生/死亡/变更住房), each
writing a typed PersonEvent row (history is data, never silent edits), and audited reveals."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from gridgov.core import audit, clock, pii
from gridgov.core.access import can, ensure_visible, require
from gridgov.core.actors import action

from .. import population
from ..choices import IdType, PersonEventKind, PersonStatus, Relation, Sex
from ..identity import IdentityError, check_id_number, check_phone, id_columns, phone_columns, pinyin_keys
from ..models import Person, PersonEvent
from .common import as_grid, clean_and_save, copy_fields, refresh_household_counts

# Fields an edit may set directly; place and status change only through life events.
PERSON_FIELDS = [
    "name", "id_type", "sex", "birth_date", "ethnicity", "residence_type", "relation", "employment", "employer",
    "education", "political_status", "note",
]
REVEALABLE = {"id_number": "id_number_plain", "phone": "phone_plain", "birth_date": "birth_date"}


ALREADY_REGISTERED = "该证件号码已登记"
# Said when the number is registered where the actor cannot see: it must not confirm that the
# person exists in another street (issue 11).
CANNOT_REGISTER = "该证件号码不能在此登记，请核对号码，或联系街道办理迁入"


def _clash(id_hash, exclude_pk=None):
    """The person already registered under this ID hash (another row), or None."""
    if not id_hash:
        return None
    return Person.objects.filter(id_hash=id_hash).exclude(pk=exclude_pk).only("pk", "division_code").first()


def _clash_message(actor, clash):
    if actor is not None and Person.objects.visible_to(actor).filter(pk=clash.pk).exists():
        return ALREADY_REGISTERED
    return CANNOT_REGISTER


def _identity_columns(person, data, exclude_pk=None, actor=None):
    """Validate and set the ID/phone columns from the raw `id_number` / `phone` in `data`."""
    errors = {}
    if "id_number" in data or "id_type" in data:
        id_type = data.get("id_type") or person.id_type or IdType.RESIDENT_ID
        raw = data["id_number"] if "id_number" in data else person.id_number_plain
        try:
            number, birth, sex = check_id_number(id_type, raw, today=clock.today())
        except IdentityError as exc:
            errors["id_number"] = str(exc)
        else:
            cols = id_columns(number)
            clash = _clash(cols["id_hash"], exclude_pk) if number else None
            if clash is not None:
                errors["id_number"] = _clash_message(actor, clash)
            for name, value in cols.items():
                setattr(person, name, value)
            if birth:
                person.birth_date, person.sex = birth, sex
    if "phone" in data:
        try:
            number = check_phone(data["phone"]) if data["phone"] else ""
        except IdentityError as exc:
            errors["phone"] = str(exc)
        else:
            for name, value in phone_columns(number).items():
                setattr(person, name, value)
    if errors:
        raise ValidationError(errors)


def _set_name(person):
    person.name = " ".join(person.name.split())
    person.name_pinyin, person.name_initials = pinyin_keys(person.name)


def _event(actor, person, kind, *, occurred_on=None, from_house=None, to_house=None, from_grid="", note="", data=None):
    # every life event passes here: the grid's population sums (and the grid left) are recomputed
    population.refresh({person.division_code, from_grid, getattr(from_house, "division_code", "")})
    return PersonEvent.objects.create(
        person=person, division_code=person.division_code, kind=kind, at=clock.now(), occurred_on=occurred_on,
        actor=actor if getattr(actor, "pk", None) else None, from_house=from_house, to_house=to_house,
        from_grid_code=from_grid, to_grid_code=person.division_code if kind != PersonEventKind.MOVE_OUT else "",
        note=note[:300], data=data or {},
    )


def _place(person, *, grid=None, house=None, household=None):
    """Put a person in a grid/house/household; the most specific one decides the grid."""
    if household is not None:
        house = house or household.house
        grid = household.grid
    if house is not None:
        grid = house.grid
    person.grid = grid
    person.division_code = grid.code
    person.house = house
    person.household = household


def _leave_household(person):
    """Detach from the household; a household left without members is closed."""
    household = person.household
    if household is None:
        return None
    person.household = None
    if household.head_id == person.pk:
        household.head = None
    if not household.members.filter(status=PersonStatus.ACTIVE).exclude(pk=person.pk).exists():
        household.is_active = False
    household.updated_at = clock.now()
    household.save(update_fields=["head", "is_active", "updated_at"])
    return household


def _after_household_change(*households):
    households = [h for h in households if h is not None]
    refresh_household_counts(
        grid_ids=[h.grid_id for h in households], building_ids=[h.house.building_id for h in households if h.house_id]
    )


@action
def register_person(*, actor, grid=None, house=None, household=None, data, care_tags=None, kind=None, note=""):
    """Register a resident (实有人口登记) in a grid, optionally in a house and household."""
    if grid is not None:
        grid = as_grid(grid)
    person = Person(status=PersonStatus.ACTIVE, created_at=clock.now(), updated_at=clock.now())
    if grid is None and house is None and household is None:
        raise ValidationError({"grid": "请选择网格或房屋"})
    _place(person, grid=grid, house=house, household=household)
    require(actor, "registry.add_person", person.division_code)
    copy_fields(person, data, PERSON_FIELDS)
    _set_name(person)
    _identity_columns(person, {"id_type": person.id_type, "id_number": data.get("id_number", ""), **data},
                      actor=actor)
    if household is not None and not person.relation:
        person.relation = Relation.HEAD if household.head_id is None else Relation.OTHER
    _save_unique(person, actor, exclude=["grid", "house", "household"])
    if care_tags is not None:
        person.care_tags.set(care_tags)
    if household is not None:
        if person.relation == Relation.HEAD and household.head_id is None:
            household.head = person
        household.is_active = True
        household.save(update_fields=["head", "is_active"])
        _after_household_change(household)
    _event(actor, person, kind or PersonEventKind.REGISTER, to_house=person.house, note=note)
    audit.record(actor, "registry.register_person", person, after=audit.snapshot(person))
    ensure_visible(actor, person)
    return person


def _save_unique(person, actor, **kw):
    """Save; two registrations of one new ID at the same moment both pass the check above, and
    the unique index refuses the second: the same clear Chinese answer, never a 500."""
    try:
        with transaction.atomic():
            clean_and_save(person, **kw)
    except IntegrityError:
        clash = _clash(person.id_hash, person.pk)
        raise ValidationError({"id_number": _clash_message(actor, clash) if clash else ALREADY_REGISTERED})


@action
def update_person(*, actor, person, data, care_tags=None):
    """Edit a person's own attributes (not place or status: those are life events)."""
    require(actor, "registry.change_person", person.division_code)
    before = audit.snapshot(person)
    changed = copy_fields(person, data, PERSON_FIELDS)
    if "name" in changed:
        _set_name(person)
    identity = {k: data[k] for k in ("id_number", "phone") if k in data}
    if "id_type" in changed:
        identity.setdefault("id_number", person.id_number_plain)
    if "id_number" in identity and identity["id_number"] == person.id_number_plain and "id_type" not in changed:
        identity.pop("id_number")
    if identity:
        old = (person.id_hash, person.phone_hash)
        _identity_columns(person, {"id_type": person.id_type, **identity}, exclude_pk=person.pk, actor=actor)
        if person.id_hash != old[0]:
            changed.append("id_number")
        if person.phone_hash != old[1]:
            changed.append("phone")
    if care_tags is not None:
        old_tags = set(person.care_tags.values_list("pk", flat=True))
        new_tags = {t.pk for t in care_tags}
        if old_tags != new_tags:
            person.care_tags.set(care_tags)
            changed.append("care_tags")
    if changed:
        person.updated_at = clock.now()
        _save_unique(person, actor, exclude=["grid", "house", "household"])
        _event(actor, person, PersonEventKind.UPDATE, data={"fields": sorted(set(changed))})
        audit.record(actor, "registry.update_person", person, *audit.diff(before, audit.snapshot(person)))
    ensure_visible(actor, person)
    return person


@action
def move_in(*, actor, house, household=None, person=None, data=None, relation="", occurred_on=None, note="",
            care_tags=None):
    """迁入: a person moves into a house in the actor's scope — an existing person (found by
    the caller, e.g. by ID number) or a new one registered from `data`."""
    require(actor, "registry.add_person", house.division_code)
    if household is not None and household.house_id != house.pk:
        raise ValidationError({"household": "所选户不在该房屋"})
    if person is None:
        data = {**(data or {}), **({"relation": relation} if relation else {})}
        return register_person(
            actor=actor, house=house, household=household, data=data, kind=PersonEventKind.MOVE_IN, note=note,
            care_tags=care_tags,
        )
    if person.status == PersonStatus.DECEASED:
        raise ValidationError({"person": "该人员已登记死亡"})
    if person.status == PersonStatus.ACTIVE and not can(actor, "registry.change_person", person.division_code):
        raise ValidationError({"person": "该人员仍在其他网格在册，请原网格先办理迁出"})
    from_house, from_grid = person.house, person.division_code
    old_household = _leave_household(person) if person.household_id else None
    _place(person, house=house, household=household)
    person.status = PersonStatus.ACTIVE
    person.relation = relation or (Relation.HEAD if household and household.head_id is None else person.relation)
    person.updated_at = clock.now()
    person.save()
    if household is not None:
        if person.relation == Relation.HEAD and household.head_id is None:
            household.head = person
        household.is_active = True
        household.save(update_fields=["head", "is_active"])
    _after_household_change(old_household, household)
    _event(actor, person, PersonEventKind.MOVE_IN, occurred_on=occurred_on, from_house=from_house, to_house=house,
           from_grid=from_grid, note=note)
    audit.record(actor, "registry.move_in", person, after={"house": house.pk, "from_grid": from_grid})
    ensure_visible(actor, person)
    return person


def _end_residence(actor, person, *, status, kind, occurred_on, note, data=None):
    require(actor, "registry.change_person", person.division_code)
    if person.status != PersonStatus.ACTIVE:
        raise ValidationError({"person": f"该人员状态为“{person.get_status_display()}”，不能办理"})
    from_house = person.house
    household = _leave_household(person)
    person.house = None
    person.status = status
    person.updated_at = clock.now()
    person.save()
    _after_household_change(household)
    _event(actor, person, kind, occurred_on=occurred_on, from_house=from_house, note=note, data=data)
    audit.record(actor, f"registry.{kind}", person, after={"status": status, "from_house": getattr(from_house, "pk", None)})
    return person


@action
def move_out(*, actor, person, occurred_on=None, destination="", note=""):
    """迁出: the person leaves; the row stays (status 迁出) with the event as history."""
    return _end_residence(actor, person, status=PersonStatus.MOVED_OUT, kind=PersonEventKind.MOVE_OUT,
                          occurred_on=occurred_on or clock.today(), note=note, data={"destination": destination[:100]})


@action
def record_death(*, actor, person, occurred_on=None, note=""):
    """死亡登记: status 死亡, the person leaves house and household."""
    return _end_residence(actor, person, status=PersonStatus.DECEASED, kind=PersonEventKind.DEATH,
                          occurred_on=occurred_on or clock.today(), note=note)


@action
def record_birth(*, actor, household, data, occurred_on=None, note=""):
    """出生登记: a newborn joins a household (ID number optional until issued)."""
    data = {"relation": Relation.CHILD, "residence_type": "registered", **data}
    if not data.get("id_number"):
        data["id_type"] = IdType.NONE
        if not data.get("birth_date"):
            data["birth_date"] = occurred_on or clock.today()
        data.setdefault("sex", Sex.UNKNOWN)
    person = register_person(
        actor=actor, household=household, data=data, kind=PersonEventKind.BIRTH, note=note
    )
    PersonEvent.objects.filter(person=person, kind=PersonEventKind.BIRTH).update(
        occurred_on=occurred_on or person.birth_date
    )
    return person


@action
def change_house(*, actor, person, house, household=None, occurred_on=None, note=""):
    """变更住房: the person moves to another house inside the actor's scope."""
    require(actor, "registry.change_person", person.division_code)
    require(actor, "registry.change_person", house.division_code)
    if person.status != PersonStatus.ACTIVE:
        raise ValidationError({"person": "只有在册人员可以变更住房"})
    if household is not None and household.house_id != house.pk:
        raise ValidationError({"household": "所选户不在该房屋"})
    from_house, from_grid = person.house, person.division_code
    old_household = _leave_household(person) if person.household_id and person.household != household else None
    _place(person, house=house, household=household)
    if household is not None and household.head_id is None:
        household.head, person.relation = person, Relation.HEAD
        household.is_active = True
        household.save(update_fields=["head", "is_active"])
    person.updated_at = clock.now()
    person.save()
    _after_household_change(old_household, household)
    _event(actor, person, PersonEventKind.CHANGE_HOUSE, occurred_on=occurred_on or clock.today(),
           from_house=from_house, to_house=house, from_grid=from_grid, note=note)
    audit.record(actor, "registry.change_house", person, after={"from_house": getattr(from_house, "pk", None),
                                                                 "to_house": house.pk})
    ensure_visible(actor, person)
    return person


@action
def reveal_person_field(*, actor, person, field, reason):
    """Return the plain ID or phone number of a visible person; needs `registry.reveal_person`
    over the person's grid and a reason, and writes a reveal audit entry."""
    if field not in REVEALABLE:
        raise ValidationError({"field": "不支持查看该字段"})
    if not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise PermissionDenied("对象不存在或无权访问")
    require(actor, "registry.reveal_person", person.division_code)
    reason = " ".join(str(reason or "").split())
    if len(reason) < 2:
        raise ValidationError({"reason": "请填写查看事由"})
    audit.record_reveal(actor, person, field, reason)
    value = getattr(person, REVEALABLE[field])
    return value.isoformat() if field == "birth_date" and value else value


def masked(person, field):
    """The display value of a protected field."""
    if field == "birth_date":
        return f"{person.age}岁" if person.age is not None else ""
    return {"id_number": person.id_masked, "phone": person.phone_masked}.get(field) or pii.mask_name("")
