"""Household counts of divisions above grid level, summed from their active children."""

from django.db.models import Sum

from ..models import Division


def recount_up(divisions):
    """Communities, streets and the district from their active children, lowest level first
    (one aggregate and one UPDATE per division)."""
    seen = set()
    for d in sorted((d for d in divisions if d is not None), key=lambda x: -x.level):
        if d.pk in seen or d.level >= 4:
            continue
        seen.add(d.pk)
        d.household_count = Division.objects.filter(parent=d, is_active=True).aggregate(
            n=Sum("household_count"))["n"] or 0
        Division.objects.filter(pk=d.pk).update(household_count=d.household_count)
