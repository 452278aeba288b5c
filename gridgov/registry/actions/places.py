"""Actions on places and things: buildings, houses, households, legal entities, components."""

from django.core.exceptions import ValidationError

from gridgov.core import audit, clock
from gridgov.core.access import ensure_visible, require
from gridgov.core.actors import action

from ..identity import IdentityError, check_credit_code
from ..models import Building, Component, House, Household, LegalEntity
from .common import as_grid, clean_and_save, copy_fields, edit, refresh_household_counts

BUILDING_FIELDS = [
    "code", "name", "address", "building_type", "floors", "units", "lng", "lat", "footprint", "year_built",
    "property_company",
]
HOUSE_FIELDS = ["unit", "floor", "room", "area", "use", "status", "owner_name", "owner"]
HOUSEHOLD_FIELDS = ["number", "household_type", "head"]
ENTITY_FIELDS = [
    "name", "credit_code", "entity_type", "industry", "legal_representative", "address", "building", "house",
    "employees", "status",
]
COMPONENT_FIELDS = [
    "code", "component_class", "name", "address", "lng", "lat", "owner_department", "owner_name", "maintainer",
    "status",
]


def next_building_code(grid):
    """The next free 5-digit building code in a grid."""
    last = Building.objects.filter(grid=grid).order_by("-code").values_list("code", flat=True).first()
    return f"{int(last) + 1:05d}" if last else "00001"


@action
def create_building(*, actor, grid, data):
    """Add a building (楼栋) to a grid; without a code the next free one is given."""
    grid = as_grid(grid)
    require(actor, "registry.add_building", grid.code)
    building = Building(grid=grid, division_code=grid.code, updated_at=clock.now())
    copy_fields(building, data, BUILDING_FIELDS)
    if not building.code:
        building.code = next_building_code(grid)
    clean_and_save(building)
    audit.record(actor, "registry.create_building", building, after=audit.snapshot(building))
    ensure_visible(actor, building)
    return building


@action
def update_building(*, actor, building, data):
    """Edit a building's attributes (code, address, type, floors …)."""
    return edit(actor, building, data, BUILDING_FIELDS, "registry.update_building")


@action
def create_house(*, actor, building, data):
    """Add a house (房屋) to a building; unit + room must be unique in the building."""
    require(actor, "registry.add_house", building.division_code)
    house = House(building=building, grid_id=building.grid_id, division_code=building.division_code)
    house.updated_at = clock.now()
    copy_fields(house, data, HOUSE_FIELDS)
    clean_and_save(house)
    audit.record(actor, "registry.create_house", house, after=audit.snapshot(house))
    ensure_visible(actor, house)
    return house


@action
def update_house(*, actor, house, data):
    """Edit a house (use, status, area, owner …)."""
    return edit(actor, house, data, HOUSE_FIELDS, "registry.update_house")


@action
def create_household(*, actor, house, data):
    """Open a household (户) in a house; keeps the grid and building household counts current."""
    require(actor, "registry.add_household", house.division_code)
    household = Household(house=house, grid_id=house.grid_id, division_code=house.division_code)
    household.updated_at = clock.now()
    copy_fields(household, data, HOUSEHOLD_FIELDS)
    clean_and_save(household)
    audit.record(actor, "registry.create_household", household, after=audit.snapshot(household))
    refresh_household_counts(grid_ids=[house.grid_id], building_ids=[house.building_id])
    ensure_visible(actor, household)
    return household


@action
def update_household(*, actor, household, data):
    """Edit a household (number, type, head)."""
    return edit(actor, household, data, HOUSEHOLD_FIELDS, "registry.update_household")


def _clean_credit_code(data):
    if data.get("credit_code"):
        try:
            data = {**data, "credit_code": check_credit_code(data["credit_code"])}
        except IdentityError as exc:
            raise ValidationError({"credit_code": str(exc)})
    return data


@action
def create_entity(*, actor, grid, data):
    """Register a legal entity (法人); the credit code is checked (stdnum.cn.uscc) and unique."""
    grid = as_grid(grid)
    require(actor, "registry.add_legalentity", grid.code)
    entity = LegalEntity(grid=grid, division_code=grid.code, updated_at=clock.now())
    copy_fields(entity, _clean_credit_code(data), ENTITY_FIELDS)
    clean_and_save(entity)
    audit.record(actor, "registry.create_entity", entity, after=audit.snapshot(entity))
    ensure_visible(actor, entity)
    return entity


@action
def update_entity(*, actor, entity, data):
    """Edit a legal entity."""
    return edit(actor, entity, _clean_credit_code(data), ENTITY_FIELDS, "registry.update_entity")


def next_component_code(grid, component_class):
    """County (6) + class (4) + next 6-digit serial within that county and class."""
    prefix = grid.code[:6] + component_class.code
    last = Component.objects.filter(code__startswith=prefix).order_by("-code").values_list("code", flat=True).first()
    serial = int(last[-6:]) + 1 if last else 1
    if serial > 999_999:
        raise ValidationError({"code": "该类部件流水号已用尽"})
    return f"{prefix}{serial:06d}"


def _check_component_code(component):
    cls = component.component_class
    if cls.is_major:
        raise ValidationError({"component_class": "请选择部件小类（4位编码）"})
    if component.code[6:10] != cls.code:
        raise ValidationError({"code": f"部件编码第7–10位应为类别编码 {cls.code}"})
    if component.code[:6] != component.division_code[:6]:
        raise ValidationError({"code": f"部件编码前6位应为区县代码 {component.division_code[:6]}"})


@action
def create_component(*, actor, grid, data):
    """Register a city component (城市部件); without a code the next serial is given."""
    grid = as_grid(grid)
    require(actor, "registry.add_component", grid.code)
    component = Component(grid=grid, division_code=grid.code, updated_at=clock.now())
    copy_fields(component, data, COMPONENT_FIELDS)
    if component.component_class_id is None:
        raise ValidationError({"component_class": "请选择部件类别"})
    if not component.code:
        component.code = next_component_code(grid, component.component_class)
    _check_component_code(component)
    clean_and_save(component)
    audit.record(actor, "registry.create_component", component, after=audit.snapshot(component))
    ensure_visible(actor, component)
    return component


@action
def update_component(*, actor, component, data):
    """Edit a component (status, maintainer, location …)."""
    return edit(actor, component, data, COMPONENT_FIELDS, "registry.update_component", check=_check_component_code)
