"""Numbers the registry offers to the home page and the big screen (see contributions.py)."""

from .models import Building, Person


def persons(user, scope):
    return Person.objects.visible_to(user).within(scope).count()


def buildings(user, scope):
    return Building.objects.visible_to(user).within(scope).count()
