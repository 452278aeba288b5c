"""Numbers the registry offers to the home page and the big screen (see contributions.py)."""

from .models import Building


def persons(user, scope):
    """Every person row in scope, from the maintained sums (ADR 0025)."""
    from . import population

    return population.summed(user, scope, [population.PERSONS])[population.PERSONS]


def buildings(user, scope):
    return Building.objects.visible_to(user).within(scope).count()
