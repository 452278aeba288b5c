"""What core adds to the platform: the workbench and system menu groups and their core pages."""

from gridgov.core.manifest import Contributions, MenuEntry, MenuGroup, RedrawRule, RoleDefault

CONTRIBUTIONS = Contributions(
    app="core",
    audit_labels="gridgov.core.choices.AUDIT_LABELS",
    menu_groups=(
        MenuGroup("workbench", "工作台", order=0, icon="home"),
        MenuGroup("system", "系统管理", order=900, icon="settings"),
    ),
    menu=(
        MenuEntry("workbench", "首页", "home", order=0),
        MenuEntry("workbench", "通知中心", "core:notifications", order=10),
        MenuEntry("system", "审计日志", "core:audit", "core.view_auditentry", order=30),
        MenuEntry("system", "后台任务", "core:jobs", "core.view_job", order=40),
        MenuEntry("system", "工作日历", "core:calendar", "core.view_calendarday", order=50),
        MenuEntry("system", "API 文档", "api-docs", "authtoken.add_token", order=90),
    ),
    roles=(
        RoleDefault("street_staff", ("core.view_auditentry",)),
        RoleDefault("community_staff", ("core.view_auditentry",)),
        RoleDefault("system", ("core.add_calendarday", "core.change_calendarday", "core.delete_calendarday")),
    ),
    # the audit log and the job records say where something happened at that moment
    redraw=(
        RedrawRule("core.AuditEntry", ("keep",), redivision="keep"),
        RedrawRule("core.Job", ("keep",), redivision="keep"),
    ),
)
