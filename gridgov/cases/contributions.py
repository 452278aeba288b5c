"""What the cases app adds: the event pages, the open-case counter, its demo step, its part of
the built-in roles, and how cases follow a redraw (open cases move by their point; closed cases
and the event history keep the grid they happened in)."""

from gridgov.core.manifest import (
    Contributions,
    DemoStep,
    DetailPage,
    Indicator,
    MenuEntry,
    MenuGroup,
    RedrawRule,
    RoleDefault,
)

CONTRIBUTIONS = Contributions(
    app="cases",
    audit_labels="gridgov.cases.workflow.AUDIT_LABELS",
    home_cards=("gridgov.cases.home.department_queue", "gridgov.cases.home.oversight", "gridgov.cases.home.my_reports",
                "gridgov.cases.home.public_pages"),
    menu_groups=(MenuGroup("cases", "事件管理", order=30, icon="alert-triangle"),),
    menu=(
        MenuEntry("cases", "事件列表", "cases:list", "cases.view_case", order=10),
        MenuEntry("cases", "上报事件", "cases:report", "cases.add_case", order=20),
        MenuEntry("cases", "部门待办", "cases:queue", "cases.handle_case", order=30),
        MenuEntry("cases", "超期督办", "cases:overdue", "cases.view_evaluation", order=40),
        MenuEntry("cases", "综合评价", "cases:evaluation", "cases.view_evaluation", order=50),
        MenuEntry("cases", "事件分类", "cases:categories", "cases.change_category", order=60),
    ),
    # a case in the same state at every demo size: the page's queries depend on the state
    # (a new report also looks for duplicates nearby), and the newest case's state on the clock
    details=(DetailPage("事件", "cases:detail", "cases.Case", where=(("state", "handling"),),
                        order_by=("-reported_at", "-pk")),),
    indicators=(
        Indicator("cases.open", "办理中的事件", "件", "gridgov.cases.indicators.open_cases", perm="cases.view_case",
                  url_name="cases:list", order=40),
    ),
    demo=(DemoStep("cases", "gridgov.cases.demo.generate", order=20, prepare="gridgov.cases.demo.prepare"),
          DemoStep("cases.sums", "gridgov.cases.demo.sums", order=21, background=True)),
    roles=(
        RoleDefault("street_staff", (
            "cases.view_*", "cases.add_*", "cases.change_case", "cases.register_case", "cases.dispatch_case",
            "cases.verify_case", "cases.close_case", "cases.supervise_case", "cases.solve_in_grid",
            "cases.view_evaluation", "cases.change_category", "cases.publish_case",
        )),
        RoleDefault("community_staff", ("cases.view_*", "cases.add_case", "cases.change_case", "cases.register_case",
                                        "cases.publish_case",
                                        "cases.verify_case", "cases.close_case")),
        RoleDefault("grid_worker", ("cases.view_case", "cases.add_case", "cases.verify_case", "cases.solve_in_grid")),
        RoleDefault("department_handler", ("cases.view_case", "cases.handle_case")),
        RoleDefault("leader", ("cases.view_*",)),
        RoleDefault("system", ("cases.view_case", "cases.manage_open311")),  # gridgov open311_key
    ),
    redraw=(
        RedrawRule("cases.Case", ("point",), row_filter="gridgov.cases.queries.open_cases", order=70),
        RedrawRule("cases.CaseEvent", ("keep",), redivision="keep"),
        RedrawRule("cases.CaseStatDay", ("keep",), redivision="keep"),
        RedrawRule("cases.CaseStatRollup", ("keep",), redivision="keep"),
    ),
    api="gridgov.cases.api.register",
    # pages anyone may open, signed out: the UI suite (demo/tests/test_ui_pages.py) checks them
    extra={"public_pages": ("cases:public_report", "cases:kiosk")},
)
