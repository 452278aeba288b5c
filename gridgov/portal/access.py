"""Who the current resident is: the portal keeps the resident accounts (ADR 0027) and provides
resident access to the platform through its manifest (`ResidentAccess`). Other apps (care,
services) read it through `gridgov.core.residents`, never from here (ADR 0042).

- `current_resident(user)`: the user's `ResidentProfile` or None (staff, providers, anonymous).
- `admit(request, *, verified)`: the gate of a resident page: None lets the request through,
  else the redirect to the portal login (or the consent or verification page); staff and
  provider accounts get 403.
- `resident_required(view)` / `verified_resident_required(view)`: the portal's own views'
  decorator around `admit`.
- `acting_for(profile)`: the registry persons a resident may act for (themselves once verified,
  and the elderly relatives whose FamilyLink is active).
- `is_provider(user)`: the account is of kind provider (care keeps its own membership table).
"""

import functools
from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from gridgov.accounts.choices import AccountKind
from gridgov.core.residents import NOT_A_RESIDENT


def current_resident(user):
    if user is None or not getattr(user, "is_authenticated", False) or getattr(user, "kind", "") != AccountKind.RESIDENT:
        return None
    if "_resident_profile" not in user.__dict__:
        from .models import ResidentProfile

        user.__dict__["_resident_profile"] = ResidentProfile.objects.filter(user=user).first()
    return user.__dict__["_resident_profile"]


def is_provider(user):
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "kind", "") == AccountKind.PROVIDER)


def _login_url(request):
    return f"{reverse('portal:login')}?next={quote(request.get_full_path())}"


def resident_required(view=None, *, verified=False):
    """Decorate a view that needs a signed-in resident who accepted the privacy notice (and, with
    `verified=True`, passed real-name verification). Sets `request.resident`."""
    if view is None:
        return functools.partial(resident_required, verified=verified)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        refused = admit(request, verified=verified)
        if refused is not None:
            return refused
        return view(request, *args, **kwargs)

    return wrapper


def admit(request, *, verified=False):
    """None when the request comes from a signed-in resident who accepted the privacy notice
    (and is verified, if asked), with `request.resident` set; else the redirect to send them."""
    user = request.user
    if not user.is_authenticated:
        return redirect(_login_url(request))
    profile = current_resident(user)
    if profile is None:
        raise PermissionDenied(NOT_A_RESIDENT)
    if profile.consent_at is None:
        return redirect(f"{reverse('portal:consent')}?next={quote(request.get_full_path())}")
    if verified and not profile.is_verified:
        return redirect(f"{reverse('portal:verify')}?next={quote(request.get_full_path())}")
    request.resident = profile
    return None


def verified_resident_required(view):
    return resident_required(view, verified=True)


def acting_for(profile):
    """Registry persons `profile` may act for: the verified person, then active family links
    (a queryset of registry.Person; empty for an unverified profile)."""
    from gridgov.registry.models import Person

    from .choices import FamilyLinkState

    if profile is None or not profile.is_verified:
        return Person.objects.none()
    elders = profile.family_links.filter(state=FamilyLinkState.ACTIVE).values("elder_id")
    from django.db.models import Q

    return Person.objects.filter(Q(pk=profile.person_id) | Q(pk__in=elders))
