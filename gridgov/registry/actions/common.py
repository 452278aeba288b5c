"""Helpers shared by the registry actions: grid lookup, field copying, count upkeep."""

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Count

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


def _apply_counts(current, key_field, counts):
    """Set household_count on the rows of queryset `current` from {key: n}; rows whose stored
    count differs are updated, one UPDATE per distinct count value and 900 keys; rows missing
    from `counts` get 0."""
    model = current.model
    by_value = {}
    for key, stored in current.values_list(key_field, "household_count"):
        n = counts.get(key, 0)
        if n != stored:
            by_value.setdefault(n, []).append(key)
    for n, group in by_value.items():
        for i in range(0, len(group), 900):
            model.objects.filter(**{f"{key_field}__in": group[i : i + 900]}).update(household_count=n)


def refresh_household_counts(*, grid_ids=(), building_ids=()):
    """Keep Division.household_count (grids) and Building.household_count current: one aggregate
    query (GROUP BY) per table for the rows touched, then updates of the counts that changed."""
    grid_ids = {g for g in grid_ids if g}
    building_ids = {b for b in building_ids if b}
    if grid_ids:
        codes = list(Division.objects.filter(pk__in=grid_ids).values_list("code", flat=True))
        counts = dict(
            Household.objects.filter(is_active=True, division_code__in=codes).order_by().values("division_code")
            .annotate(n=Count("id")).values_list("division_code", "n")
        )
        _apply_counts(Division.objects.filter(code__in=codes), "code", counts)
    if building_ids:
        counts = dict(
            Household.objects.filter(is_active=True, house__building_id__in=building_ids).order_by()
            .values("house__building_id").annotate(n=Count("id")).values_list("house__building_id", "n")
        )
        _apply_counts(Building.objects.filter(pk__in=building_ids), "pk", counts)


def refresh_all_household_counts(prefix=""):
    """Recompute the counts of every grid and building under `prefix` (after a bulk import or
    the demo): two GROUP BY queries in all."""
    active = Household.objects.filter(is_active=True, division_code__prefix=prefix).order_by()
    grid_counts = dict(active.values("division_code").annotate(n=Count("id")).values_list("division_code", "n"))
    _apply_counts(Division.objects.filter(level=Level.GRID, code__prefix=prefix), "code", grid_counts)
    building_counts = dict(active.filter(house__isnull=False).values("house__building_id").annotate(n=Count("id"))
                           .values_list("house__building_id", "n"))
    _apply_counts(Building.objects.filter(division_code__prefix=prefix), "pk", building_counts)


def edit(actor, obj, data, fields, action, check=None):
    """The shared body of the `update_*` actions: permission, copy the allowed fields, optional
    domain `check(obj)`, save, audit the changed fields only, re-check scope. Call it inside the
    action's transaction."""
    from gridgov.core import audit, clock
    from gridgov.core.access import ensure_visible, perm_name, require

    require(actor, perm_name(type(obj), "change"), obj.division_code)
    before = audit.snapshot(obj)
    if copy_fields(obj, data, fields):
        if check is not None:
            check(obj)
        obj.updated_at = clock.now()
        clean_and_save(obj)
        audit.record(actor, action, obj, *audit.diff(before, audit.snapshot(obj)))
    ensure_visible(actor, obj)
    return obj
