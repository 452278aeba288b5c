"""What the care app adds: providers and their accounts, orders (repairs, home elderly care,
goods delivery), doctors and appointments, subsidy rules and settlements; its roles (the
provider role sees only its own provider's rows, see `scoping`), its demo step, and how its rows
follow (they keep their codes on a grid redraw and follow a re-division)."""

from gridgov.core.manifest import (
    Contributions,
    DemoAccount,
    DemoStep,
    DetailPage,
    Indicator,
    MenuEntry,
    MenuGroup,
    RedrawRule,
    RoleDefault,
)

STAFF_EDIT = (
    "care.add_provider", "care.change_provider", "care.add_providermember", "care.add_serviceitem",
    "care.change_serviceitem", "care.add_doctor", "care.change_doctor", "care.add_schedule", "care.change_schedule",
    "care.add_subsidyrule", "care.change_subsidyrule", "care.add_order", "care.change_order", "care.add_signing",
    "care.change_signing", "care.add_appointment", "care.change_appointment", "care.add_settlement",
)
PROVIDER = (
    "care.view_provider", "care.view_order", "care.change_order", "care.view_serviceitem", "care.add_serviceitem",
    "care.change_serviceitem", "care.view_settlement", "care.view_doctor", "care.view_schedule", "care.view_slot",
    "care.view_appointment", "care.change_appointment", "care.view_signing", "care.add_signing",
)
MODELS = ("Provider", "ServiceItem", "SubsidyRule", "Order", "Settlement", "Doctor", "Schedule", "Slot",
          "Appointment", "Signing")

CONTRIBUTIONS = Contributions(
    app="care",
    audit_labels="gridgov.care.choices.AUDIT_LABELS",
    home_cards=("gridgov.care.home.provider_queue",),
    menu_groups=(MenuGroup("care", "便民服务", order=38, icon="heart-handshake"),),
    menu=(
        MenuEntry("care", "服务订单", "care:order_list", "care.view_order", order=10),
        MenuEntry("care", "服务商", "care:provider_list", "care.view_provider", order=20),
        MenuEntry("care", "预约看病", "care:appointment_list", "care.view_appointment", order=30),
        MenuEntry("care", "养老补贴规则", "care:rule_list", "care.view_subsidyrule", order=40),
        MenuEntry("care", "月度结算", "care:settlement_list", "care.view_settlement", order=50),
    ),
    details=(DetailPage("服务订单", "care:order_detail", "care.Order"),
             DetailPage("服务商", "care:provider_detail", "care.Provider")),
    indicators=(
        Indicator("care.open_orders", "待办服务订单", "单", "gridgov.care.indicators.open_orders",
                  perm="care.view_order", url_name="care:order_list", home=False, order=70),
    ),
    demo=(DemoStep("care", "gridgov.care.demo.generate", order=60),),
    demo_accounts=(DemoAccount("provider01", "幸福里居家养老服务站", made_by_step=True, label="服务商",
                               order=90),),
    roles=(
        RoleDefault("street_staff", ("care.*",)),
        RoleDefault("community_staff", ("care.view_*", *STAFF_EDIT)),
        RoleDefault("leader", ("care.view_*",)),
        RoleDefault("system", ("care.add_settlement", "care.view_settlement")),
        RoleDefault("provider", PROVIDER, name="服务商", order=60, account_kind="provider",
                    description="物业、维修、养老服务商和便民商家：只能看到和处理本服务商的订单"),
    ),
    redraw=tuple(RedrawRule(f"care.{m}", ("keep",)) for m in MODELS),
    # the resident pages on the community website (/c/<code>/care/): the UI suite visits the
    # public ones signed out; the portal lists `portal_links` on a community's pages
    extra={"public_pages": ("gridgov.care.demo.public_pages",),
           "portal_links": (("上门服务", "care_site:hub"), ("预约看病", "care_site:doctors")),
           "resident_data": ("gridgov.care.residents.resident_data",)},
)
