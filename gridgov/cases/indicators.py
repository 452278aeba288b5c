"""Numbers the cases app offers to the home page and the big screen (see contributions.py)."""

from .models import Case


def open_cases(user, scope):
    return Case.objects.visible_to(user).within(scope).open().count()
