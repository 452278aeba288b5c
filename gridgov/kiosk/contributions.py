"""What the kiosk app adds: the 24-hour self-service terminal (易办事) at /kiosk/, its devices
and the policy library (staff pages under 社区服务), the demo's two terminals and policy
documents, role defaults, and how its rows follow a redraw (they belong to a community or an
office above it: a grid redraw leaves them)."""

from gridgov.core.manifest import (
    Contributions,
    DemoStep,
    DetailPage,
    MenuEntry,
    MenuGroup,
    RedrawRule,
    RoleDefault,
)

VIEW = ("kiosk.view_kioskdevice", "kiosk.view_policydocument")
POLICY_EDIT = ("kiosk.add_policydocument", "kiosk.change_policydocument", "kiosk.publish_policydocument")
DEVICE_EDIT = ("kiosk.add_kioskdevice", "kiosk.change_kioskdevice", "kiosk.revoke_kioskdevice")

CONTRIBUTIONS = Contributions(
    app="kiosk",
    audit_labels="gridgov.kiosk.choices.AUDIT_LABELS",
    menu_groups=(MenuGroup("services", "社区服务", order=36, icon="building-store"),),
    menu=(
        MenuEntry("services", "自助终端", "kiosk:device_list", "kiosk.view_kioskdevice", order=80),
        MenuEntry("services", "政策文件库", "kiosk:policy_list", "kiosk.view_policydocument", order=81),
    ),
    details=(
        DetailPage("自助终端", "kiosk:device_detail", "kiosk.KioskDevice"),
        DetailPage("政策文件", "kiosk:policy_detail", "kiosk.PolicyDocument"),
    ),
    demo=(DemoStep("kiosk", "gridgov.kiosk.demo.generate", order=60),),
    roles=(
        RoleDefault("street_staff", (*VIEW, *POLICY_EDIT, *DEVICE_EDIT)),
        RoleDefault("community_staff", (*VIEW, *POLICY_EDIT, *DEVICE_EDIT)),
        RoleDefault("leader", VIEW),
        RoleDefault("system", ("kiosk.view_kioskdevice", "kiosk.add_policydocument", "kiosk.change_policydocument",
                               "kiosk.publish_policydocument", "kiosk.add_kioskdevice")),
    ),
    redraw=(
        RedrawRule("kiosk.KioskDevice", ("keep",)),
        RedrawRule("kiosk.PolicyDocument", ("keep",)),
    ),
    # signed out: the enrolment page (the terminal pages need an enrolled device)
    extra={"public_pages": ("kiosk:enrol",)},
)
