"""Resident accounts are kept apart from staff: no staff role ever reaches a resident or
provider account — not through the action, the user page, a model save or a kind change."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gridgov.accounts import actions as account_actions
from gridgov.accounts.choices import AccountKind, RoleCode
from gridgov.accounts.models import RoleAssignment, User


def test_signed_up_resident_is_a_resident_account_without_roles(resident):
    user = resident.user
    assert user.kind == AccountKind.RESIDENT
    assert not user.assignments.exists()
    assert "13800001111" not in user.username  # the raw number is in no table


@pytest.mark.parametrize("role_code", [RoleCode.GRID_WORKER, RoleCode.COMMUNITY_STAFF, RoleCode.DISTRICT_ADMIN])
def test_action_refuses_staff_role_for_resident(resident, admin_user, roles, tree, role_code):
    with pytest.raises(ValidationError, match="不能拥有工作人员角色"):
        account_actions.assign_role(actor=admin_user, user=resident.user, role=roles[role_code],
                                    division=tree["430702004001"])
    assert not RoleAssignment.objects.filter(user=resident.user).exists()


def test_model_save_refuses_staff_role_for_provider(roles, tree):
    provider = User.objects.create_user(username="shop-1", password="Passw0rd-test", kind=AccountKind.PROVIDER)
    with pytest.raises(ValidationError):
        RoleAssignment.objects.create(user=provider, role=roles[RoleCode.GRID_WORKER], division=tree["430702004001"])
    with pytest.raises(ValidationError):  # a resident role is not a provider's either
        RoleAssignment.objects.create(user=provider, role=roles[RoleCode.RESIDENT])
    assert not provider.assignments.exists()


def test_staff_account_cannot_turn_resident_while_holding_staff_roles(make_user, tree):
    worker = make_user(RoleCode.GRID_WORKER, tree["430702004001001"])
    worker.kind = AccountKind.RESIDENT
    with pytest.raises(ValidationError):
        worker.save()
    assert User.objects.get(pk=worker.pk).kind == AccountKind.STAFF


def test_resident_role_fits_resident_account(resident, roles, admin_user, tree):
    assert roles[RoleCode.RESIDENT].account_kind == AccountKind.RESIDENT
    account_actions.assign_role(actor=admin_user, user=resident.user, role=roles[RoleCode.RESIDENT],
                                division=tree["430702004001001"])
    assert resident.user.assignments.count() == 1


def test_create_user_with_resident_role_makes_resident_account(admin_user, roles, tree):
    user = account_actions.create_user(actor=admin_user, username="jm-2", password="Passw0rd-test",
                                       role=roles[RoleCode.RESIDENT], division=tree["430702004001001"])
    assert user.kind == AccountKind.RESIDENT
    with pytest.raises(ValidationError):
        account_actions.create_user(actor=admin_user, username="jm-3", password="Passw0rd-test",
                                    role=roles[RoleCode.GRID_WORKER], division=tree["430702004001001"],
                                    kind=AccountKind.RESIDENT)
    assert not User.objects.filter(username="jm-3").exists()


def test_user_page_assignment_refused_for_resident(client, admin_user, resident, roles, tree):
    """The role-assignment UI (accounts:user_assign) goes through the same guard. The admin sees
    the resident once the resident holds an assignment in scope, so give it the resident role."""
    account_actions.assign_role(actor=admin_user, user=resident.user, role=roles[RoleCode.RESIDENT],
                                division=tree["430702004001001"])
    client.force_login(admin_user)
    r = client.post(reverse("accounts:user_assign", args=[resident.user.pk]),
                    {"role": roles[RoleCode.COMMUNITY_STAFF].pk, "division": tree["430702004001"].pk}, follow=True)
    assert "不能拥有工作人员角色" in r.content.decode()
    assert list(resident.user.assignments.values_list("role__code", flat=True)) == [RoleCode.RESIDENT]


def test_api_grants_no_roles(client, resident):
    """The accounts API is read-only: a resident cannot create assignments through it, and the
    `me` endpoint shows the resident no permissions."""
    client.force_login(resident.user)
    r = client.post("/api/users/", {"username": "x"}, content_type="application/json")
    assert r.status_code in (403, 405)
    me = client.get("/api/me/").json()
    assert me["permissions"] == [] and me["assignments"] == []


def test_resident_login_uses_phone_and_lockout(client, resident):
    url = reverse("portal:login")
    for _ in range(5):
        client.post(url, {"username": "13800001111", "password": "wrong-password-1"})
    r = client.post(url, {"username": "13800001111", "password": "Resident-2026"})
    assert "账号已锁定" in r.content.decode()


def test_resident_login_and_staff_refused(client, resident, admin_user):
    r = client.post(reverse("portal:login"), {"username": "13800001111", "password": "Resident-2026"})
    assert r.status_code == 302 and r["Location"] == reverse("portal:me")
    client.logout()
    r = client.post(reverse("portal:login"), {"username": "admin-test", "password": "Passw0rd-test"})
    assert "工作人员请从工作台登录" in r.content.decode()
