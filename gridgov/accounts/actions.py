"""Writes to users and roles (docs/architecture.md §4, “Writes go through actions”): atomic, permission-checked, audited.

Scope: an actor manages users inside their `accounts.change_user` scope (the division codes of
the target's assignments); roles and their permissions are edited only with a whole-install
`accounts.change_role` (the district administrator). Nobody can hand out a role that grants a
permission they do not hold themselves over that division (no privilege escalation).
"""

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError

from gridgov.core import audit
from gridgov.core.access import can, require
from gridgov.core.actors import action

from .choices import AccountKind
from .models import RoleAssignment, User, check_role_kind
from .queries import is_district_wide, visible_users
from .validators import validate_password

USER_FIELDS = ["username", "full_name", "phone", "email", "is_active"]


def _require_manage(actor, user):
    """`actor` may manage `user`: every assignment of `user` lies inside the actor's
    `accounts.change_user` scope, and the actor holds every permission of those roles there
    (nobody manages a user with a wider role than their own)."""
    if not visible_users(actor, "change").filter(pk=user.pk).exists():
        raise PermissionDenied("没有权限管理该用户")
    if is_district_wide(actor, "accounts.change_user"):
        return
    for assignment in RoleAssignment.objects.filter(user=user).select_related("role", "division"):
        code = assignment.division.code if assignment.division_id else None
        for app_label, codename in assignment.role.permission_keys():
            if code is None or not can(actor, f"{app_label}.{codename}", code):
                raise PermissionDenied("没有权限管理该用户：其角色的权限大于您的权限")


def revoke_tokens(user):
    """Drop the user's API tokens (a password change or deactivation ends every API session)."""
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user=user).delete()


def _require_whole_install(actor, perm):
    if not is_district_wide(actor, perm):
        raise PermissionDenied(f"没有权限：{perm}（需要全区范围）")


def _check_grantable(actor, role, division):
    code = division.code if division else None
    if division is None:
        _require_whole_install(actor, "accounts.change_user")
    else:
        require(actor, "accounts.change_user", code)
    for app_label, codename in role.permission_keys():
        perm = f"{app_label}.{codename}"
        ok = is_district_wide(actor, perm) if division is None else can(actor, perm, code)
        if not ok:
            raise PermissionDenied(f"不能分配角色“{role}”：您本人没有其中的权限 {perm}")


@action
def create_user(*, actor, username, password, full_name="", phone="", email="", is_active=True,
                role=None, division=None, department=None, kind=None):
    """Create a user, optionally with a first role assignment. Actors below whole-install scope
    must give one inside their scope, or they could not see the user they created. `kind`
    (AccountKind) defaults to the first role's account kind, else staff; resident and provider
    accounts signing themselves up are made by their apps' actions, not here."""
    if not is_district_wide(actor, "accounts.add_user"):
        require(actor, "accounts.add_user", division.code if division else None)
        if role is None or division is None:
            raise ValidationError({"role": "请为新用户分配本辖区内的角色"})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": "该用户名已存在"})
    kind = kind or (role.account_kind if role is not None else AccountKind.STAFF)
    user = User(username=username, full_name=full_name, phone=phone, email=email, is_active=is_active, kind=kind)
    if role is not None:
        check_role_kind(user, role)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    audit.record(actor, "accounts.create_user", user, after=audit.snapshot(user, USER_FIELDS),
                 division_code=division.code if division else "")
    if role is not None:
        assign_role(actor=actor, user=user, role=role, division=division, department=department)
    return user


@action
def update_user(*, actor, user, **fields):
    """Change a user's profile fields (username, name, phone, e-mail, active)."""
    _require_manage(actor, user)
    before = audit.snapshot(user, USER_FIELDS)
    for name, value in fields.items():
        if name not in USER_FIELDS:
            raise ValueError(f"不可修改的字段：{name}")
        setattr(user, name, value)
    if User.objects.filter(username=user.username).exclude(pk=user.pk).exists():
        raise ValidationError({"username": "该用户名已存在"})
    user.save()
    if not user.is_active:
        revoke_tokens(user)
    b, a = audit.diff(before, audit.snapshot(user, USER_FIELDS))
    if a:
        audit.record(actor, "accounts.update_user", user, before=b, after=a)
    return user


@action
def set_password(*, actor, user, password):
    """Set a user's password (an administrator resetting it, or the user changing their own)."""
    if actor.pk != user.pk:
        _require_manage(actor, user)
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    revoke_tokens(user)
    audit.record(actor, "accounts.set_password", user)
    return user


@action
def assign_role(*, actor, user, role, division=None, department=None):
    """Give `user` role `role` over `division` (None = whole install), optionally bound to a
    department (department handlers)."""
    _check_grantable(actor, role, division)
    if RoleAssignment.objects.filter(user=user, role=role, division=division, department=department).exists():
        raise ValidationError("该用户已拥有此角色和范围")
    assignment = RoleAssignment.objects.create(user=user, role=role, division=division, department=department)
    audit.record(
        actor, "accounts.assign_role", user,
        after={"role": role.code, "division": division.code if division else "", "department":
               department.code if department else ""},
        division_code=division.code if division else "",
    )
    user.__dict__.pop("_assignments", None)
    user.__dict__.pop("_scope_cache", None)
    return assignment


@action
def revoke_role(*, actor, assignment):
    """Remove one role assignment."""
    division = assignment.division
    if division is None:
        _require_whole_install(actor, "accounts.change_user")
    else:
        require(actor, "accounts.change_user", division.code)
    user = assignment.user
    before = {"role": assignment.role.code, "division": division.code if division else "",
              "department": assignment.department.code if assignment.department else ""}
    assignment.delete()
    audit.record(actor, "accounts.revoke_role", user, before=before,
                 division_code=division.code if division else "")


@action
def set_role_permissions(*, actor, role, permissions):
    """Replace the permissions a role grants (permissions are data). Whole-install only."""
    _require_whole_install(actor, "accounts.change_role")
    ids = {p.pk if isinstance(p, Permission) else int(p) for p in permissions}
    perms = Permission.objects.filter(pk__in=ids).select_related("content_type")

    def keys(qs):
        return sorted(f"{p.content_type.app_label}.{p.codename}" for p in qs)

    before = keys(role.permissions.select_related("content_type"))
    role.permissions.set(perms)
    after = keys(perms)
    role.__dict__.pop("_permission_keys", None)
    audit.record(actor, "accounts.set_role_permissions", role,
                 before={"removed": sorted(set(before) - set(after))},
                 after={"added": sorted(set(after) - set(before))})
    return role


@action
def unlock_user(*, actor, user):
    """Lift a login lockout before it expires."""
    _require_manage(actor, user)
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    from gridgov.core import pii

    from .models import LoginFailure

    LoginFailure.objects.filter(username_hash=pii.keyed_hash(f"login:{user.username.strip().lower()}")).delete()
    audit.record(actor, "accounts.unlock_user", user, before={"locked_until": audit._plain(user.locked_until)})
    user.failed_logins, user.locked_until = 0, None
    return user
