"""Helpers shared by the registry actions: grid lookup, field copying, count upkeep."""

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from gridgov.divisions.choices import Level
from gridgov.divisions.models import Division

from ..models import Building, Household


def as_grid(grid):
    """A grid Division from a Division, pk or 15-digit code; ValidationError otherwise."""
    if isinstance(grid, Division):
        division = grid
    else:
        lookup = {"code": str(grid)} if len(str(grid)) == 15 else {"pk": grid}
        try:
            division = Division.objects.filter(**lookup).first() if grid not in (None, "") else None
        except (ValueError, TypeError):
            division = None
    if division is None or division.level != Level.GRID:
        raise ValidationError({"grid": "网格不存在"})
    return division


def copy_fields(obj, data, allowed):
    """Set the allowed keys of `data` on `obj`; return the names that changed."""
    changed = []
    for name in allowed:
        if name not in data:
            continue
        try:
            current = getattr(obj, name)
        except ObjectDoesNotExist:  # an unset required FK
            current = None
        if current != data[name]:
            setattr(obj, name, data[name])
            changed.append(name)
    return changed


def clean_and_save(obj, update_fields=None, exclude=None):
    """Model validation (field choices, lengths, constraints) before saving; Chinese messages."""
    obj.full_clean(exclude=exclude, validate_unique=True, validate_constraints=True)
    obj.save(update_fields=update_fields)


def _count_households(outer_field, outer_ref="pk"):
    """COUNT of active households per outer row, as a correlated subquery; grids are matched by
    `division_code` (indexed with is_active), buildings through the house's building FK."""
    households = (
        Household.objects.filter(is_active=True, **{outer_field: OuterRef(outer_ref)})
        .order_by()
        .values(outer_field)
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(households, output_field=IntegerField()), Value(0))


def refresh_household_counts(*, grid_ids=(), building_ids=()):
    """Keep Division.household_count (grids) and Building.household_count current: one UPDATE
    with an aggregate subquery per table, whatever the number of rows touched."""
    grid_ids = {g for g in grid_ids if g}
    building_ids = {b for b in building_ids if b}
    if grid_ids:
        Division.objects.filter(pk__in=grid_ids).update(
            household_count=_count_households("division_code", "code")
        )
    if building_ids:
        Building.objects.filter(pk__in=building_ids).update(
            household_count=_count_households("house__building_id")
        )


def refresh_all_household_counts(grid_codes_prefix=""):
    """Recompute the counts of every grid and building (after a bulk import or the demo)."""
    grids = Division.objects.filter(level=Level.GRID, code__startswith=grid_codes_prefix)
    grids.update(household_count=_count_households("division_code", "code"))
    Building.objects.filter(division_code__startswith=grid_codes_prefix).update(
        household_count=_count_households("house__building_id")
    )
