"""What the dashboard app adds: the 三五工程 pages and the big screen in the menu, the display
role (a read-only screen account with a long-lived session), the screen permission for the
built-in roles that watch numbers, its demo step and demo login, and how its rows follow."""

from gridgov.core.manifest import (
    Contributions,
    DemoAccount,
    DemoStep,
    MenuEntry,
    MenuGroup,
    RedrawRule,
    RoleDefault,
)

SCREEN = "dashboard.view_screen"
VIEW = ("dashboard.view_indicatordefinition", "dashboard.view_indicatorvalue", "dashboard.view_indicatorevidence",
        SCREEN)
REPORT = ("dashboard.report_indicatorvalue", "dashboard.add_indicatorevidence")

CONTRIBUTIONS = Contributions(
    app="dashboard",
    audit_labels="gridgov.dashboard.choices.AUDIT_LABELS",
    menu_groups=(MenuGroup("dashboard", "指标与大屏", order=50, icon="presentation-analytics"),),
    menu=(
        MenuEntry("dashboard", "三五工程", "dashboard:library", "dashboard.view_indicatorvalue", order=10),
        MenuEntry("dashboard", "指标填报", "dashboard:report", "dashboard.report_indicatorvalue", order=20),
        MenuEntry("dashboard", "指标审核", "dashboard:review_queue", "dashboard.approve_indicatorvalue", order=30),
        MenuEntry("dashboard", "大屏", "screen:page", SCREEN, order=40),
    ),
    # the screen's sums read the registry, cases, party (scores) and community facilities, none
    # of the steps after it: it runs beside them (the utilities' bills, the portal)
    demo=(DemoStep("dashboard", "gridgov.dashboard.demo.generate", order=65, background=True,
                   needs=("party.sums",)),),
    demo_accounts=(DemoAccount("screen01", "区指挥中心大屏", "display", "district", order=95),),
    roles=(
        RoleDefault("display", (SCREEN,), name="大屏展示账号",
                    description="只读：按所辖区划查看大屏（无人值守，长效登录），不能查看名单和个人信息", order=100),
        RoleDefault("street_staff", (*VIEW, *REPORT, "dashboard.approve_indicatorvalue",
                                     "dashboard.export_indicatorvalue")),
        RoleDefault("community_staff", (*VIEW, *REPORT)),
        RoleDefault("party_staff", VIEW),
        RoleDefault("leader", (*VIEW, "dashboard.export_indicatorvalue")),
        RoleDefault("system", ("dashboard.refresh_indicatorvalue",)),  # the nightly job and the demo
    ),
    # values and sums describe a division in a period: they keep the codes of that moment
    redraw=(
        RedrawRule("dashboard.IndicatorValue", ("keep",), redivision="keep"),
    ),
)
