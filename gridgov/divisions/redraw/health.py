"""Grid health (网格健康): grids whose household count is outside the 350–500 rule."""

from ..models import Division

MIN_HOUSEHOLDS, MAX_HOUSEHOLDS = 350, 500


def unhealthy_grids(user, lo=MIN_HOUSEHOLDS, hi=MAX_HOUSEHOLDS, within=None):
    """Current grids visible to `user` with household_count outside [lo, hi], worst first."""
    from django.db.models import Case, F, IntegerField, Q, When
    from django.db.models.functions import Abs

    qs = Division.objects.visible_to(user).grids().current().filter(Q(household_count__lt=lo) |
                                                                     Q(household_count__gt=hi))
    if within:
        qs = qs.within(within)
    return qs.select_related("parent").annotate(
        deviation=Case(When(household_count__lt=lo, then=lo - F("household_count")),
                       default=Abs(F("household_count") - hi), output_field=IntegerField())
    ).order_by("-deviation", "code")
