"""Counters of the services app: f(user, scope) through visible_to."""

from .choices import OPEN_STATES
from .models import Application


def open_applications(user, scope):
    return Application.objects.visible_to(user).within(scope).filter(state__in=OPEN_STATES).count()


def overdue_applications(user, scope):
    return Application.objects.visible_to(user).within(scope).filter(state__in=OPEN_STATES, overdue=True).count()
