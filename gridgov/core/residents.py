"""Residents on the public pages: who the signed-in resident is and for whom they may act.

Every app reads resident access here (services' appointments, care's orders and bookings), never
from the app that keeps resident accounts: that app declares a `ResidentAccess` provider in its
`contributions.py` (the portal: `gridgov.portal.access`), and this module calls it. So the apps
that serve residents need not import the community website, and the website may import them
without a cycle (docs/architecture.md §1, ADR 0042).

- `current_resident(user)`: the user's resident profile, or None (staff, providers, anonymous,
  or no app keeps resident accounts).
- `acting_for(profile)`: the registry persons `profile` may act for — its own verified person and
  the elderly relatives whose family link is active (empty for None or an unverified profile).
- `resident_required(view, verified=False)` / `verified_resident_required(view)`: a view
  decorator; anyone else is sent to sign in (or consent, or verify), staff and provider
  accounts get 403. Sets `request.resident`.
"""

import functools

from django.core.exceptions import PermissionDenied

from .manifest import all_contributions, resolve

NOT_A_RESIDENT = "此页面仅供居民账号使用"


def provider():
    """The installed app's `ResidentAccess`, or None when no app keeps resident accounts."""
    for manifest in all_contributions():
        if manifest.residents is not None:
            return manifest.residents
    return None


def current_resident(user):
    access = provider()
    return resolve(access.current)(user) if access else None


def acting_for(profile):
    access = provider()
    return resolve(access.acting_for)(profile) if access else ()


def resident_required(view=None, *, verified=False):
    """Decorate a view that needs a signed-in resident who accepted the privacy notice (and, with
    `verified=True`, passed real-name verification)."""
    if view is None:
        return functools.partial(resident_required, verified=verified)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        access = provider()
        if access is None:
            raise PermissionDenied(NOT_A_RESIDENT)
        refused = resolve(access.admit)(request, verified=verified)
        if refused is not None:
            return refused
        return view(request, *args, **kwargs)

    return wrapper


def verified_resident_required(view):
    return resident_required(view, verified=True)
