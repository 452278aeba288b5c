"""Security regressions of accounts and the API (issue 11): account takeover by street staff,
API tokens that survive a password reset and never expire, deeply nested JSON."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from rest_framework.authtoken.models import Token

from gridgov.accounts import actions
from gridgov.accounts.choices import RoleCode
from gridgov.accounts.models import Role, RoleAssignment
from gridgov.core import clock

STREET = "430702004000"


@pytest.fixture
def street_official(make_user, tree):
    return make_user(RoleCode.STREET_STAFF, tree[STREET], username="street-official")


def test_street_staff_cannot_reset_a_user_who_also_holds_a_wider_role(street_official, make_user, tree):
    victim = make_user(RoleCode.GRID_WORKER, tree["430702004001001"], username="gw-and-admin")
    RoleAssignment.objects.create(user=victim, role=Role.objects.get(code=RoleCode.DISTRICT_ADMIN),
                                  division=tree["430702000000"])
    with pytest.raises(PermissionDenied):
        actions.set_password(actor=street_official, user=victim, password="Takeover-2026x")
    victim.refresh_from_db()
    assert not victim.check_password("Takeover-2026x")


def test_street_staff_cannot_manage_a_user_with_a_role_in_another_street(street_official, make_user, tree):
    victim = make_user(RoleCode.GRID_WORKER, tree["430702004001001"], username="gw-two-streets")
    RoleAssignment.objects.create(user=victim, role=Role.objects.get(code=RoleCode.GRID_WORKER),
                                  division=tree["430702005001001"])
    with pytest.raises(PermissionDenied):
        actions.update_user(actor=street_official, user=victim, is_active=False)


def test_street_staff_cannot_manage_a_peer_with_wider_permissions(street_official, make_user, tree):
    # a district-admin role bound to the street still grants what the official lacks
    peer = make_user(RoleCode.DISTRICT_ADMIN, tree[STREET], username="street-superadmin")
    with pytest.raises(PermissionDenied):
        actions.set_password(actor=street_official, user=peer, password="Takeover-2026x")


def test_street_staff_still_manage_their_own_grid_workers(street_official, make_user, tree):
    worker = make_user(RoleCode.GRID_WORKER, tree["430702004001001"], username="gw-own")
    actions.set_password(actor=street_official, user=worker, password="Fresh-pass-2026")
    worker.refresh_from_db()
    assert worker.check_password("Fresh-pass-2026")


def test_api_tokens_rotate_on_password_change_and_deactivation(client, admin_user, grid_worker):
    token = Token.objects.create(user=grid_worker)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    assert client.get("/api/registry/persons/", **auth).status_code == 200
    actions.set_password(actor=admin_user, user=grid_worker, password="Fresh-pass-2026")
    assert client.get("/api/registry/persons/", **auth).status_code in (401, 403)
    token = Token.objects.create(user=grid_worker)
    actions.update_user(actor=admin_user, user=grid_worker, is_active=False)
    assert not Token.objects.filter(user=grid_worker).exists()


def test_api_tokens_expire(client, grid_worker, settings):
    settings.API_TOKEN_DAYS = 30
    token = Token.objects.create(user=grid_worker)
    Token.objects.filter(pk=token.pk).update(created=clock.now() - datetime.timedelta(days=31))
    r = client.get("/api/registry/persons/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert r.status_code in (401, 403) and "过期" in r.json()["detail"]
    r = client.post("/api/token/", {"username": "gw-test", "password": "Passw0rd-test"})
    assert r.status_code == 200 and r.json()["token"] != token.key and "expires" in r.json()


@pytest.mark.parametrize("url", ["/api/token/", "/api/registry/persons/", "/open311/v2/requests.json"])
def test_deeply_nested_json_is_a_400(client, grid_worker, url):
    client.force_login(grid_worker)
    body = "[" * 100_000 + "]" * 100_000
    r = client.post(url, body, content_type="application/json")
    assert r.status_code == 400
    assert "嵌套" in r.content.decode()


def test_ordinary_json_still_parses(client, db):
    r = client.post("/api/token/", '{"username": "nobody", "password": "x", "a": [[["[[[[[[["]]]}',
                    content_type="application/json")
    assert r.status_code == 400 and "嵌套" not in r.content.decode()


def _login(client, username, password, ip):
    from django.urls import reverse

    return client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_lockout_message_is_the_same_for_unknown_and_locked_accounts(client, admin_user):
    at = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with clock.frozen(at):
        answers = {}
        for name in ("admin-test", "no-such-user"):
            for _ in range(5):
                r = _login(client, name, "wrong-password1", "203.0.113.1")
            answers[name] = "账号已锁定，请于 17:15 后再试" in r.content.decode()
        assert answers == {"admin-test": True, "no-such-user": True}


def test_lockout_is_per_account_and_client(client, admin_user):
    at = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with clock.frozen(at):
        for _ in range(5):
            _login(client, "admin-test", "wrong-password1", "203.0.113.66")  # an attacker elsewhere
        assert "账号已锁定" in _login(client, "admin-test", "Passw0rd-test", "203.0.113.66").content.decode()
        # the real user, from their own office, is not locked out
        assert _login(client, "admin-test", "Passw0rd-test", "198.51.100.10").status_code == 302
