"""The built-in roles and their default permissions.

Defaults are applied when a role is first created (`ensure_roles`); afterwards a district
administrator edits them in the UI and `ensure_roles` never overwrites those edits (pass
`reset=True` to restore the defaults). Patterns are `app_label.codename` globs matched against
the permissions that exist, so a new model's permissions join a role by its pattern.
"""

from fnmatch import fnmatch

from django.contrib.auth.models import Permission
from django.db import transaction

from .choices import RoleCode

READ_ALL = ["registry.view_*", "cases.view_*", "party.view_*", "divisions.view_*", "dashboard.view_*",
            "services.view_*"]
DEFAULT_ROLE_PERMISSIONS = {
    RoleCode.DISTRICT_ADMIN: ["*"],
    RoleCode.STREET_STAFF: [
        *READ_ALL, "registry.*", "cases.view_*", "cases.add_*", "cases.change_case", "cases.register_case",
        "cases.dispatch_case", "cases.verify_case", "cases.close_case", "cases.supervise_case",
        "cases.solve_in_grid", "cases.view_evaluation", "cases.change_category", "divisions.change_division", "accounts.view_user",
        "accounts.add_user", "accounts.change_user", "core.view_auditentry",
    ],
    RoleCode.COMMUNITY_STAFF: [
        *READ_ALL, "registry.*", "cases.add_case", "cases.change_case", "cases.register_case",
        "cases.verify_case", "cases.close_case", "core.view_auditentry",
    ],
    RoleCode.GRID_WORKER: [
        "divisions.view_division", "registry.view_*", "registry.add_*", "registry.change_*",
        "registry.record_visit", "registry.reveal_person", "cases.view_case", "cases.add_case",
        "cases.verify_case", "cases.solve_in_grid", "party.view_*",
    ],
    RoleCode.PARTY_STAFF: ["divisions.view_division", "party.*", "registry.view_person"],
    # granted and revoked by party.actions.update_organization as the secretary changes
    RoleCode.PARTY_SECRETARY: [
        "divisions.view_division", "party.view_*", "party.verify_serviceactivity", "party.change_registration",
        "party.change_postclaim", "party.add_volunteerevent", "party.change_volunteerevent",
        "party.change_eventsignup", "registry.view_person",
    ],
    RoleCode.DEPARTMENT_HANDLER: ["divisions.view_division", "cases.view_case", "cases.handle_case"],
    RoleCode.LEADER: [*READ_ALL, "dashboard.*"],
    RoleCode.RESIDENT: [],
}
DESCRIPTIONS = {
    RoleCode.DISTRICT_ADMIN: "全区数据与配置的管理",
    RoleCode.STREET_STAFF: "本街道的基础信息、事件和网格管理",
    RoleCode.COMMUNITY_STAFF: "本社区的基础信息维护、事件登记与核查",
    RoleCode.GRID_WORKER: "本网格的走访、信息采集、事件上报与核查",
    RoleCode.PARTY_STAFF: "党组织、党员报到、岗位与积分管理",
    RoleCode.PARTY_SECRETARY: "本党组织的报到与认岗审核、服务记录核实、志愿活动（随书记任免自动授予和收回）",
    RoleCode.DEPARTMENT_HANDLER: "处置派遣给本部门的事件",
    RoleCode.LEADER: "只读查看统计与大屏",
    RoleCode.RESIDENT: "居民门户账号",
}


def _matching(all_perms, patterns):
    return [pk for pk, key in all_perms if any(fnmatch(key, p) for p in patterns)]


@transaction.atomic
def ensure_roles(reset=False):
    """Create the built-in roles (idempotent). Returns {code: Role}."""
    from .models import Role

    all_perms = [
        (pk, f"{app}.{codename}")
        for pk, app, codename in Permission.objects.values_list("pk", "content_type__app_label", "codename")
    ]
    roles = {}
    for code, patterns in DEFAULT_ROLE_PERMISSIONS.items():
        role, created = Role.objects.get_or_create(
            code=code, defaults={"name": str(code.label), "description": DESCRIPTIONS[code]}
        )
        if created or reset:
            role.permissions.set(_matching(all_perms, patterns))
        roles[code] = role
    return roles
