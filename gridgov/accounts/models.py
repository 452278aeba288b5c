"""Users, roles (permissions as data), role assignments bound to a division, departments."""

from django.contrib.auth.models import AbstractUser, Permission, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import AccountKind, DepartmentKind


class Department(models.Model):
    """A handling unit cases are dispatched to (城管局, 住建局, 街道 …)."""

    code = models.CharField(_("部门编码"), max_length=30, unique=True)
    name = models.CharField(_("部门名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=DepartmentKind.choices, default=DepartmentKind.FUNCTIONAL)
    division = models.ForeignKey(
        "divisions.Division", verbose_name=_("所属区划"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="departments",
    )
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Role(models.Model):
    """A named bundle of permissions. Which permissions a role has is data, edited in the UI."""

    code = models.CharField(_("角色编码"), max_length=40, unique=True)
    name = models.CharField(_("角色名称"), max_length=60)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    permissions = models.ManyToManyField(Permission, verbose_name=_("权限"), blank=True, related_name="+")
    account_kind = models.CharField(
        _("适用账号类型"), max_length=10, choices=AccountKind.choices, default=AccountKind.STAFF, editable=False,
        help_text=_("工作人员角色只能授予工作人员账号（由应用声明，不可在界面修改）"),
    )
    offered_permissions = models.JSONField(
        _("已提供的默认权限"), null=True, blank=True, editable=False,
        help_text=_("各应用声明的默认权限中已授予过本角色的（app.codename）；管理员删去的不会再被加回"),
    )

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["id"]

    def __str__(self):
        return str(self.name)  # str(): ensure_roles passes a lazy label to a fresh instance

    def permission_keys(self):
        """{(app_label, codename)}, cached on the instance (one query per role per request)."""
        if not hasattr(self, "_permission_keys"):
            self._permission_keys = set(self.permissions.values_list("content_type__app_label", "codename"))
        return self._permission_keys


SYSTEM_USERNAME = "system"
KIND_MISMATCH = "居民、服务商账号不能拥有工作人员角色（账号类型与角色不符）"


def check_role_kind(user, role):
    """The one rule keeping accounts apart (ADR 0027): a non-staff account (resident, provider)
    may hold only roles declared for its own kind. Raises ValidationError otherwise."""
    if user.kind != AccountKind.STAFF and role.account_kind != user.kind:
        raise ValidationError(KIND_MISMATCH)


class PlatformUserManager(UserManager):
    def system(self, *, started_by=None):
        """The system actor (see `gridgov.accounts.system`)."""
        from .system import system_actor

        return system_actor(started_by=started_by)


class User(AbstractUser):
    """A platform user. What a user may do and where comes only from role assignments.

    One row is the *system actor* (`is_system`): jobs, sweeps and commands act as it, with the
    permissions of the 系统 role, never as an "everything allowed" key; it cannot log in."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    failed_logins = models.PositiveSmallIntegerField(_("连续登录失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    is_system = models.BooleanField(_("系统账号"), default=False, editable=False)
    kind = models.CharField(_("账号类型"), max_length=10, choices=AccountKind.choices, default=AccountKind.STAFF,
                            editable=False, db_index=True)

    objects = PlatformUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        if self.is_system and getattr(self, "started_by", None) is not None:
            return f"系统（{self.started_by} 发起）"
        return self.full_name or super().get_full_name()

    @property
    def is_staff_account(self):
        return self.kind == AccountKind.STAFF

    def save(self, *args, **kwargs):
        fields = kwargs.get("update_fields")
        if self.pk and self.kind != AccountKind.STAFF and (fields is None or "kind" in fields):
            if self.assignments.exclude(role__account_kind=self.kind).exists():
                raise ValidationError(KIND_MISMATCH)
        super().save(*args, **kwargs)

    def active_assignments(self):
        """Role assignments with role and division loaded, cached per user object."""
        if not hasattr(self, "_assignments"):
            self._assignments = list(self.assignments.select_related("role", "division", "department"))
            # the roles' permission keys in one query of tuples, not a prefetch of Permission and
            # ContentType instances (504 of each for the district admin: 5.9 ms on every page)
            keys = {a.role_id: set() for a in self._assignments}
            if keys:
                rows = Role.permissions.through.objects.filter(role_id__in=keys).values_list(
                    "role_id", "permission__content_type__app_label", "permission__codename")
                for role_id, app_label, codename in rows:
                    keys[role_id].add((app_label, codename))
            for a in self._assignments:  # fill the role cache (no extra queries)
                a.role._permission_keys = keys[a.role_id]
        return self._assignments

    def has_role(self, code):
        return any(a.role.code == code for a in self.active_assignments())

    def department_ids(self):
        return {a.department_id for a in self.active_assignments() if a.department_id}

    def home_division(self):
        """The narrowest division among the user's assignments (for the default map/breadcrumb)."""
        divisions = [a.division for a in self.active_assignments() if a.division_id]
        return max(divisions, key=lambda d: d.level) if divisions else None


class RoleAssignment(models.Model):
    """User U holds role R over division D (and everything under it); department handlers are
    also bound to a department. A NULL division means the whole install."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="assignments")
    role = models.ForeignKey(Role, verbose_name=_("角色"), on_delete=models.PROTECT, related_name="assignments")
    division = models.ForeignKey(
        "divisions.Division", verbose_name=_("管辖区划"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="assignments",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("所属部门"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="assignments",
    )

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "division", "department"], name="assignment_unique",
                violation_error_message="该用户已拥有此角色和范围",
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.role} · {self.division or '全区'}"

    def save(self, *args, **kwargs):
        check_role_kind(self.user, self.role)  # also guards code that skips the actions
        super().save(*args, **kwargs)


class LoginFailure(models.Model):
    """Failed logins per account name *and* client address (both as keyed hashes): a lock here
    stops that client guessing that name, and nobody can lock a user out from elsewhere. Unknown
    names are counted the same way, so a locked account and an unknown one answer alike."""

    username_hash = models.CharField(_("用户名摘要"), max_length=64)
    client_hash = models.CharField(_("来源地址摘要"), max_length=64)
    failures = models.PositiveIntegerField(_("连续失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)

    class Meta:
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")
        constraints = [models.UniqueConstraint(fields=["username_hash", "client_hash"], name="login_failure_key")]

    def __str__(self):
        return f"{self.username_hash[:8]}@{self.client_hash[:8]}"
