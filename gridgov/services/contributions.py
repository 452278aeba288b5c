"""What the services app adds: the catalogue, applications, hall queue and proxy pages, its
counters, demo step and logins, two roles of its own (窗口人员, 部门审批人员), its part of the
built-in roles, and how its rows follow a redraw (they belong to a community or happened in a
grid: they keep their code)."""

from gridgov.core.manifest import (
    Contributions,
    DemoAccount,
    DemoStep,
    DetailPage,
    ImportKind,
    Indicator,
    MenuEntry,
    MenuGroup,
    RedrawRule,
    RoleDefault,
)

VIEW = ("services.view_*",)
COUNTER = ("services.view_*", "services.add_application", "services.accept_application", "services.call_ticket",
           "services.add_ticket", "services.view_servicestats", "services.add_proxyneed", "registry.view_person")
NEEDS = ("services.view_proxyneed", "services.add_proxyneed")
ASSIGN = (*NEEDS, "services.assign_proxyneed", "services.change_proxyneed")
REVIEW = ("services.view_application", "services.view_serviceitem", "services.review_application",
          "services.view_servicestats")

CONTRIBUTIONS = Contributions(
    app="services",
    audit_labels="gridgov.services.choices.AUDIT_LABELS",
    menu_groups=(MenuGroup("services", "社区服务", order=33, icon="building-bank"),),
    menu=(
        MenuEntry("services", "办件列表", "services:app_list", "services.view_application", order=10),
        MenuEntry("services", "窗口受理", "services:counter", "services.add_application", order=20),
        MenuEntry("services", "取号叫号", "services:queue", "services.view_ticket", order=25),
        MenuEntry("services", "预约管理", "services:appointments", "services.view_ticket", order=26),
        MenuEntry("services", "代为预约", "services:staff_book", "services.add_ticket", order=27),
        MenuEntry("services", "部门审核", "services:review_queue", "services.review_application", order=30),
        MenuEntry("services", "超期督办", "services:overdue", "services.view_application", order=40),
        MenuEntry("services", "差评整改", "services:rectifications", "services.view_rectification", order=45),
        MenuEntry("services", "服务统计", "services:stats", "services.view_servicestats", order=50),
        MenuEntry("services", "排队统计", "services:queue_stats", "services.view_servicestats", order=55),
        MenuEntry("services", "事项清单", "services:item_list", "services.view_serviceitem", order=60),
        MenuEntry("services", "双代需求", "services:need_list", "services.view_proxyneed", order=70),
        MenuEntry("services", "登记双代需求", "services:need_record", "services.add_proxyneed", order=71),
        MenuEntry("services", "双代分派", "services:need_assign", "services.assign_proxyneed", order=72),
        MenuEntry("party", "我的双代任务", "services:my_needs", order=65),
    ),
    details=(
        DetailPage("服务事项", "services:item_detail", "services.ServiceItem"),
        DetailPage("双代需求", "services:need_detail", "services.ProxyNeed", order_by=("-recorded_at",)),
        DetailPage("办件", "services:app_detail", "services.Application", arg="number", order_by=("-submitted_at",)),
    ),
    indicators=(
        Indicator("services.open", "在办办件", "件", "gridgov.services.indicators.open_applications",
                  perm="services.view_application", url_name="services:app_list", order=45),
        Indicator("services.overdue", "超期办件", "件", "gridgov.services.indicators.overdue_applications",
                  perm="services.view_application", url_name="services:overdue", home=False, order=46),
    ),
    imports=(ImportKind("service-items", "服务事项", "gridgov.services.imports.ItemImport",
                        "services.publish_serviceitem", order=95),),
    demo=(DemoStep("services", "gridgov.services.demo.generate", order=60),),
    demo_accounts=(
        DemoAccount("counter01", "窗口人员", "service_counter", "community", order=35),
        DemoAccount("approver01", "区民政局审批人员", "service_approver", "district", department="mzj", order=56),
    ),
    roles=(
        RoleDefault("service_counter", COUNTER, name="窗口人员",
                    description="社区综合服务站窗口：叫号、受理办件、补正、办结、送达、好差评整改", order=150),
        RoleDefault("service_approver", REVIEW, name="部门审批人员",
                    description="主管部门：审核社区转办的办件并办结", order=151),
        RoleDefault("district_admin", ("services.*",)),
        # street staff take needs by phone too (and so may create grid workers, who record them)
        RoleDefault("street_staff", (*VIEW, "services.add_proxyneed")),
        RoleDefault("community_staff", (*COUNTER, *ASSIGN, "services.change_servicegroup", "services.add_servicegroup",
                                        "services.change_counter", "services.add_counter")),
        RoleDefault("department_handler", REVIEW),
        # 双代: the grid worker records needs on the phone page; the branch secretary (granted with
        # the office, over the branch's grid) assigns and cancels them
        RoleDefault("grid_worker", NEEDS),
        RoleDefault("party_secretary", ASSIGN),
        RoleDefault("leader", VIEW),
        RoleDefault("system", ("services.*",)),
    ),
    redraw=(
        RedrawRule("services.Application", ("keep",)),
        RedrawRule("services.ApplicationEvent", ("keep",), redivision="keep"),
        RedrawRule("services.Rating", ("keep",), redivision="keep"),
        RedrawRule("services.Rectification", ("keep",)),
        RedrawRule("services.ServiceGroup", ("keep",)),
        RedrawRule("services.Counter", ("keep",)),
        RedrawRule("services.Ticket", ("keep",), redivision="keep"),
        RedrawRule("services.AppointmentSlot", ("keep",)),
        RedrawRule("services.Appointment", ("keep",), redivision="keep"),
        RedrawRule("services.ProxyNeed", ("person",)),
    ),
    # the community website lists `portal_links` (URL names taking the community code) and
    # puts `resident_data` into a resident's "my data" export
    extra={"public_pages": ("gridgov.services.queries.public_pages",),
           "portal_links": (("预约办事", "services:book"), ("家人代办", "services:family_need")),
           "resident_data": ("gridgov.services.public.resident_data",)},
)
