"""Resident access through core (ADR 0042): the app that keeps resident accounts provides it in
its manifest; without one, nobody is a resident and resident pages refuse."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.checks import Error
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from gridgov.core import residents
from gridgov.core.checks import check_manifests
from gridgov.core.manifest import Contributions, ResidentAccess


def _page(request):
    return "shown"


def test_without_a_provider_nobody_is_a_resident(monkeypatch):
    monkeypatch.setattr(residents, "all_contributions", lambda: (Contributions(app="core"),))
    assert residents.provider() is None
    assert residents.current_resident(AnonymousUser()) is None
    assert list(residents.acting_for(None)) == []
    request = RequestFactory().get("/x/")
    request.user = AnonymousUser()
    with pytest.raises(PermissionDenied):
        residents.verified_resident_required(_page)(request)


def test_the_gate_and_the_answers_come_from_the_provider(monkeypatch):
    calls = []
    access = ResidentAccess(current=f"{__name__}.fake_current", acting_for=f"{__name__}.fake_acting_for",
                            admit=f"{__name__}.fake_admit")
    monkeypatch.setattr(residents, "all_contributions", lambda: (Contributions(app="x", residents=access),))
    monkeypatch.setattr(f"{__name__}.CALLS", calls)
    assert residents.current_resident("u") == ("profile of", "u")
    assert residents.acting_for("p") == ["persons of", "p"]
    request = RequestFactory().get("/x/")
    assert residents.resident_required(verified=True)(_page)(request) == "shown"
    request.refuse = True
    assert residents.resident_required(_page)(request) == "redirect"
    assert calls == [True, False]


CALLS = []


def fake_current(user):
    return ("profile of", user)


def fake_acting_for(profile):
    return ["persons of", profile]


def fake_admit(request, *, verified):
    CALLS.append(verified)
    return "redirect" if getattr(request, "refuse", False) else None


def test_one_app_keeps_the_resident_accounts(monkeypatch):
    from gridgov.core import manifest

    access = ResidentAccess(current="a.b", acting_for="a.c", admit="a.d")
    monkeypatch.setattr(manifest, "all_contributions",
                        lambda: (Contributions(app="core", residents=access), Contributions(app="accounts",
                                                                                             residents=access)))
    assert any(isinstance(e, Error) and e.id == "core.E103" for e in check_manifests())


def test_the_installed_provider_is_the_portal():
    from django.apps import apps

    if not apps.is_installed("gridgov.portal"):
        pytest.skip("portal not installed")
    assert residents.provider().current == "gridgov.portal.access.current_resident"
