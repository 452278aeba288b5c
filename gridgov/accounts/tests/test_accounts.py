"""Login lockout, password rules, role editing, street-admin scope."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gridgov.accounts import actions
from gridgov.accounts.choices import RoleCode
from gridgov.accounts.models import RoleAssignment, User
from gridgov.core import clock
from gridgov.core.models import AuditEntry


def _login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_login_page_renders_and_logs_in(client, admin_user):
    assert client.get(reverse("accounts:login")).status_code == 200
    r = _login(client, "admin-test", "Passw0rd-test")
    assert r.status_code == 302
    assert AuditEntry.objects.filter(action="accounts.login", actor=admin_user).exists()


def test_lockout_after_five_failures_shows_time(client, admin_user):
    # given five wrong passwords
    at = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with clock.frozen(at):
        for _ in range(4):
            r = _login(client, "admin-test", "wrong-password1")
            assert "用户名或密码不正确" in r.content.decode()
        r = _login(client, "admin-test", "wrong-password1")
        # then the fifth says locked, with the local time the lock ends (09:00Z + 15 min = 17:15 CST)
        assert "账号已锁定，请于 17:15 后再试" in r.content.decode()
        # and even the right password is refused while locked
        r = _login(client, "admin-test", "Passw0rd-test")
        assert r.status_code == 200 and "账号已锁定" in r.content.decode()
    # after the window it works again
    with clock.frozen(at + datetime.timedelta(minutes=16)):
        assert _login(client, "admin-test", "Passw0rd-test").status_code == 302


def test_unlock_user_by_admin(admin_user, make_user, tree):
    worker = make_user(RoleCode.GRID_WORKER, tree["430702004001001"])
    User.objects.filter(pk=worker.pk).update(locked_until=clock.now() + datetime.timedelta(minutes=10))
    worker.refresh_from_db()
    actions.unlock_user(actor=admin_user, user=worker)
    worker.refresh_from_db()
    assert worker.locked_until is None


@pytest.mark.parametrize("password,message", [
    ("short1", "密码长度太短，至少需要 10 个字符"),
    ("12345678901", "密码只包含数字"),
    ("abcdefghijkl", "密码必须同时包含字母和数字"),
])
def test_password_rules_in_chinese(client, admin_user, password, message):
    client.force_login(admin_user)
    r = client.post(reverse("accounts:password_change"), {
        "old_password": "Passw0rd-test", "new_password1": password, "new_password2": password})
    assert r.status_code == 200
    assert message in r.content.decode()


def test_password_change_ok(client, admin_user):
    client.force_login(admin_user)
    r = client.post(reverse("accounts:password_change"), {
        "old_password": "Passw0rd-test", "new_password1": "Grid2026-secure", "new_password2": "Grid2026-secure"})
    assert r.status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.check_password("Grid2026-secure")


def test_role_editing_changes_access(client, admin_user, make_user, tree):
    # given a leader (read-only) who can see divisions
    leader = make_user(RoleCode.LEADER, tree["430702000000"])
    client.force_login(leader)
    assert client.get(reverse("divisions:list")).status_code == 200
    # when the district admin removes divisions.view_division from the leader role
    role = leader.assignments.get().role
    keep = role.permissions.exclude(codename="view_division", content_type__app_label="divisions")
    client.force_login(admin_user)
    r = client.post(reverse("accounts:role_edit", args=[role.pk]), {"perm": [str(p.pk) for p in keep]})
    assert r.status_code == 302
    # then the leader is refused
    client.force_login(leader)
    assert client.get(reverse("divisions:list")).status_code == 403
    assert AuditEntry.objects.filter(action="accounts.set_role_permissions").exists()


def test_role_editor_renders_matrix(client, admin_user):
    client.force_login(admin_user)
    role = admin_user.assignments.get().role
    r = client.get(reverse("accounts:role_edit", args=[role.pk]))
    assert r.status_code == 200
    view_division = Permission.objects.get(codename="view_division")
    assert f'value="{view_division.pk}"' in r.content.decode()


def test_only_whole_install_edits_roles(make_user, tree, roles):
    street = make_user(RoleCode.STREET_STAFF, tree["430702004000"])
    with pytest.raises(PermissionDenied):
        actions.set_role_permissions(actor=street, role=roles[RoleCode.LEADER], permissions=[])


def test_street_admin_sees_and_manages_only_street_users(client, make_user, tree, roles):
    # given a street admin of 丹阳街道 and users inside and outside the street
    street = make_user(RoleCode.STREET_STAFF, tree["430702004000"], username="street")
    inside = make_user(RoleCode.GRID_WORKER, tree["430702004001001"], username="inside")
    outside = make_user(RoleCode.GRID_WORKER, tree["430702005001001"], username="outside")
    client.force_login(street)
    # the list shows only the street's users
    body = client.get(reverse("accounts:user_list")).content.decode()
    assert "inside" in body and "outside" not in body
    # the outside user's page is a 404 (missing and forbidden look the same)
    assert client.get(reverse("accounts:user_edit", args=[outside.pk])).status_code == 404
    assert client.get(reverse("accounts:user_edit", args=[inside.pk])).status_code == 200
    # a grid worker can be created inside the street...
    r = client.post(reverse("accounts:user_create"), {
        "username": "newgw", "full_name": "新网格员", "password": "Grid2026-secure", "is_active": "on",
        "role": roles[RoleCode.GRID_WORKER].pk, "division": tree["430702004001002"].pk})
    assert r.status_code == 302, r.content.decode()[:2000]
    assert RoleAssignment.objects.filter(user__username="newgw", division__code="430702004001002").exists()
    # ...but not in another street (the division is not even offered)
    r = client.post(reverse("accounts:user_create"), {
        "username": "newgw2", "password": "Grid2026-secure", "role": roles[RoleCode.GRID_WORKER].pk,
        "division": tree["430702005001001"].pk})
    assert r.status_code == 200 and not User.objects.filter(username="newgw2").exists()
    # and the street admin cannot hand out the district admin role (no escalation)
    with pytest.raises(PermissionDenied):
        actions.assign_role(actor=street, user=inside, role=roles[RoleCode.DISTRICT_ADMIN],
                            division=tree["430702004000"])


def test_create_user_validates_password(admin_user):
    with pytest.raises(ValidationError):
        actions.create_user(actor=admin_user, username="weak", password="123")


def test_api_me_and_users(client, grid_worker, admin_user):
    client.force_login(grid_worker)
    me = client.get("/api/me/").json()
    assert me["username"] == "gw-test"
    assert "divisions.view_division" in me["permissions"]
    assert me["assignments"][0]["division_code"] == "430702004001001"
    assert client.get("/api/roles/").status_code == 403
    client.force_login(admin_user)
    users = client.get("/api/users/").json()["results"]
    assert {"gw-test", "admin-test"} <= {u["username"] for u in users}
    assert client.get("/api/roles/").status_code == 200


def test_user_list_query_count(client, admin_user, make_user, tree, django_assert_max_num_queries):
    for i in range(15):
        make_user(RoleCode.GRID_WORKER, tree["430702004001001"], username=f"gw{i}")
    client.force_login(admin_user)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("accounts:user_list")).status_code == 200
