"""Indicators of the care app (each through `visible_to`)."""

from gridgov.core.access import can

from .choices import OPEN_STATUSES
from .models import Order


def open_orders(user, scope):
    if not can(user, "care.view_order"):
        return None
    return Order.objects.visible_to(user).within(scope).filter(status__in=OPEN_STATUSES).count()
