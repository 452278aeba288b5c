"""What accounts adds: the built-in roles (their names and the user-management part of their
default permissions), the user and role pages, the accounts API."""

from gridgov.core.manifest import Contributions, MenuEntry, RedrawRule, RoleDefault

from .choices import RoleCode as R

DESCRIPTIONS = {
    R.DISTRICT_ADMIN: "全区数据与配置的管理",
    R.STREET_STAFF: "本街道的基础信息、事件和网格管理",
    R.COMMUNITY_STAFF: "本社区的基础信息维护、事件登记与核查",
    R.GRID_WORKER: "本网格的走访、信息采集、事件上报与核查",
    R.PARTY_STAFF: "党组织、党员报到、岗位与积分管理",
    R.PARTY_SECRETARY: "本党组织的报到与认岗审核、服务记录核实、志愿活动（随书记任免自动授予和收回）",
    R.DEPARTMENT_HANDLER: "处置派遣给本部门的事件",
    R.LEADER: "只读查看统计与大屏",
    R.RESIDENT: "居民门户账号",
}
SYSTEM = RoleDefault(
    "system", name="系统", order=len(R),
    description="后台任务、定时巡检、命令行与演示数据以系统身份执行的操作；可执行的权限由各应用声明（见 gridgov/accounts/system.py）",
)
PERMISSIONS = {
    R.DISTRICT_ADMIN: ("*",),
    R.STREET_STAFF: ("accounts.view_user", "accounts.add_user", "accounts.change_user"),
}

CONTRIBUTIONS = Contributions(
    app="accounts",
    audit_labels="gridgov.accounts.choices.AUDIT_LABELS",
    menu=(
        MenuEntry("system", "用户", "accounts:user_list", "accounts.view_user", order=10),
        MenuEntry("system", "角色权限", "accounts:role_list", "accounts.view_role", order=20),
    ),
    roles=tuple(
        RoleDefault(code.value, PERMISSIONS.get(code, ()), name=str(code.label), description=DESCRIPTIONS[code],
                    order=i, account_kind="resident" if code == R.RESIDENT else "staff")
        for i, code in enumerate(R)
    ) + (SYSTEM,),
    # an assignment or department bound to a division keeps it when grids are redrawn (the
    # administrator re-assigns people) and follows it when codes change
    redraw=(
        RedrawRule("accounts.RoleAssignment", ("keep",)),
        RedrawRule("accounts.Department", ("keep",)),
    ),
    api="gridgov.accounts.api.register",
)
