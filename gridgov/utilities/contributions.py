"""What the utilities app (水电气缴费) adds: its staff pages under 社区服务, the bill import, its
demo step, roles (who may import bills, take cash at the counter, refund and reconcile), the
public look-up page, and how its rows follow a redraw (accounts with their house; bills,
payments and their history keep the grid they were issued in)."""

from gridgov.core.manifest import (
    Contributions,
    DemoAccount,
    DemoStep,
    DetailPage,
    ImportKind,
    MenuEntry,
    MenuGroup,
    RedrawRule,
    RoleDefault,
)

VIEW = ("utilities.view_*",)
OPERATE = (*VIEW, "utilities.import_bill", "utilities.add_bill", "utilities.change_bill", "utilities.add_utilityaccount",
           "utilities.change_utilityaccount", "utilities.take_cash", "utilities.refund_payment",
           "utilities.reconcile_payment", "utilities.add_utility", "utilities.change_utility")

CONTRIBUTIONS = Contributions(
    app="utilities",
    audit_labels="gridgov.utilities.choices.AUDIT_LABELS",
    menu_groups=(MenuGroup("services", "社区服务", order=40, icon="building-store"),),
    menu=(
        MenuEntry("services", "水电气账单", "utilities:bill_list", "utilities.view_bill", order=60),
        MenuEntry("services", "窗口缴费", "utilities:counter", "utilities.take_cash", order=61),
        MenuEntry("services", "缴费记录", "utilities:payment_list", "utilities.view_payment", order=62),
        MenuEntry("services", "缴费户号", "utilities:account_list", "utilities.view_utilityaccount", order=63),
        MenuEntry("services", "账单导入", "utilities:import", "utilities.import_bill", order=64),
        MenuEntry("services", "缴费对账", "utilities:recon_list", "utilities.reconcile_payment", order=65),
        MenuEntry("services", "公用事业单位", "utilities:utility_list", "utilities.view_utility", order=66),
    ),
    details=(
        DetailPage("缴费户号", "utilities:account_detail", "utilities.UtilityAccount"),
        DetailPage("水电气账单", "utilities:bill_detail", "utilities.Bill"),
        DetailPage("缴费记录", "utilities:payment_detail", "utilities.Payment"),
    ),
    imports=(
        ImportKind("utility-accounts", "缴费户号", "gridgov.utilities.account_import.AccountImport",
                   "utilities.add_utilityaccount", order=89),
        ImportKind("utility-bills", "水电气账单", "gridgov.utilities.importers.BillImport",
                   "utilities.import_bill", order=90),
    ),
    demo=(DemoStep("utilities", "gridgov.utilities.demo.generate", order=70),),  # beside the dashboard's sums
    demo_accounts=(DemoAccount("utility_op", "缴费业务员", role="utility_operator", scope="district", order=90),),
    roles=(
        RoleDefault("utility_operator", OPERATE, name="缴费业务员",
                    description="导入水电气账单、窗口收费、退款与对账", order=160),
        # reconciliation is district-wide (the utility operator's): a street sees its own payments
        RoleDefault("street_staff", tuple(p for p in OPERATE if p != "utilities.reconcile_payment")),
        RoleDefault("community_staff", (*VIEW, "utilities.take_cash", "utilities.add_utilityaccount",
                                        "utilities.change_utilityaccount")),
        RoleDefault("leader", VIEW),
        RoleDefault("system", (*VIEW, "utilities.import_bill", "utilities.add_bill", "utilities.add_utilityaccount",
                               "utilities.reconcile_payment")),
    ),
    redraw=(
        RedrawRule("utilities.UtilityAccount", ("house", "household"), order=70),
        RedrawRule("utilities.Bill", ("keep",)),
        RedrawRule("utilities.Payment", ("keep",)),
        RedrawRule("utilities.PaymentEvent", ("keep",)),
        RedrawRule("utilities.Refund", ("keep",)),
    ),
    extra={"public_pages": ("utilities:lookup",)},
)
