from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleCode(models.TextChoices):
    """The built-in roles. Their permissions are data (Role.permissions), editable by a district
    administrator; code never branches on a role, only on permissions."""

    DISTRICT_ADMIN = "district_admin", _("区级管理员")
    STREET_STAFF = "street_staff", _("街道工作人员")
    COMMUNITY_STAFF = "community_staff", _("社区工作人员")
    GRID_WORKER = "grid_worker", _("网格员")
    PARTY_STAFF = "party_staff", _("党组织工作人员")
    PARTY_SECRETARY = "party_secretary", _("党组织书记")
    DEPARTMENT_HANDLER = "department_handler", _("部门处置人员")
    LEADER = "leader", _("领导（只读）")
    RESIDENT = "resident", _("居民")


class AccountKind(models.TextChoices):
    """Who an account belongs to (ADR 0027). Staff accounts hold the staff roles; resident and
    provider accounts (the community website's users, home-service providers and merchants) are
    kept apart: they may hold only roles declared for their own kind, never a staff role."""

    STAFF = "staff", _("工作人员")
    RESIDENT = "resident", _("居民")
    PROVIDER = "provider", _("服务商/商家")


class DepartmentKind(models.TextChoices):
    FUNCTIONAL = "functional", _("职能部门")
    STREET = "street", _("街道")
    COMMUNITY = "community", _("社区")
    ENTERPRISE = "enterprise", _("公共服务企业")


# Chinese labels of this app's audit actions (the audit log shows them; core reads them through
# the manifest's `audit_labels`)
AUDIT_LABELS = {
    "accounts.login": "登录", "accounts.create_user": "新建用户", "accounts.update_user": "修改用户信息",
    "accounts.set_password": "设置密码", "accounts.assign_role": "授予角色", "accounts.revoke_role": "收回角色",
    "accounts.set_role_permissions": "修改角色权限", "accounts.unlock_user": "解除账号锁定",
}
