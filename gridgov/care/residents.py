"""The registry persons a resident account may act for: its own verified person and the
elderly relatives who authorised it (the portal app's resident profile and family links,
through `gridgov.portal.access`, ADR 0027)."""

from django.apps import apps


def persons_for(user):
    if not apps.is_installed("gridgov.portal"):
        return []
    from gridgov.portal.access import acting_for, current_resident

    return list(acting_for(current_resident(user)))
