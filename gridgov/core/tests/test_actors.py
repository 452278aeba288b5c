"""One meaning for acting without a person (docs/architecture.md §4, “Writes go through actions”): every action refuses
`actor=None`; system work acts as the system actor, whose permissions are its role's."""

import importlib
import inspect
import pkgutil

import pytest
from django.core.exceptions import PermissionDenied

import gridgov
from gridgov.core.actors import MissingActor, system_actor


def _modules():
    for info in pkgutil.walk_packages(gridgov.__path__, "gridgov."):
        name = info.name
        if ".tests" in name or ".migrations" in name or name.startswith("gridgov.partition") or \
                name.endswith(("conftest", "wsgi", "asgi", "settings", "urls", "cli")):
            continue
        if ".management.commands" in name:
            continue
        yield importlib.import_module(name)


def action_functions():
    """Public functions defined in gridgov modules that take a keyword-only `actor`."""
    found = {}
    for module in _modules():
        for name, func in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(func) or func.__module__ != module.__name__:
                continue
            params = inspect.signature(func).parameters
            if "actor" in params and params["actor"].kind == inspect.Parameter.KEYWORD_ONLY:
                found[f"{module.__name__}.{name}"] = func
    return found


@pytest.mark.django_db
def test_every_action_refuses_a_missing_actor():
    functions = action_functions()
    assert len(functions) > 90
    undecorated = [name for name, f in functions.items() if not getattr(f, "is_action", False)]
    assert undecorated == [], "functions taking a keyword-only actor must be @action"
    for func in functions.values():
        params = inspect.signature(func).parameters
        args = [object() for p in params.values() if p.kind == p.POSITIONAL_OR_KEYWORD and p.default is p.empty]
        kwargs = {p.name: object() for p in params.values()
                  if p.kind == p.KEYWORD_ONLY and p.default is p.empty and p.name != "actor"}
        with pytest.raises(MissingActor):
            func(*args, actor=None, **kwargs)


@pytest.mark.django_db
def test_the_system_actor_is_a_user_with_a_role_not_a_key(roles):
    from gridgov.accounts.models import User
    from gridgov.core.access import can

    system = system_actor()
    assert system.is_system and not system.is_superuser and not system.has_usable_password()
    assert system_actor().pk == system.pk == User.objects.get(username="system").pk  # one row
    assert can(system, "party.run_memberscore") and can(system, "registry.add_person", "430702004001001")
    assert not can(system, "accounts.change_role") and not can(system, "registry.delete_person")
    # a person started the work: the audit log names both
    person = User.objects.create_user("zhang", password="Passw0rd-test", full_name="张三")
    assert system_actor(started_by=person).get_full_name() == "系统（张三 发起）"


@pytest.mark.django_db
def test_the_system_actor_cannot_log_in(client, roles):
    system = system_actor()
    system.set_password("Passw0rd-system")
    system.save()
    r = client.post("/accounts/login/", {"username": "system", "password": "Passw0rd-system"})
    assert r.status_code == 200 and "_auth_user_id" not in client.session


def test_audit_refuses_none():
    from gridgov.core import audit

    with pytest.raises(PermissionDenied):
        audit.record(None, "x", ("t", "1", "r"))
