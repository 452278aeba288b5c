"""What the portal (完美社区网) adds: the community website's staff pages (news and notices,
bookings, sessions, resident accounts), its part of the built-in roles, its demo step, its
public pages for the UI test, and how its rows follow a redraw (they belong to a community or
a person's grid: a grid redraw leaves them; a re-division moves them with the codes)."""

from gridgov.core.manifest import (
    Contributions,
    DemoStep,
    MenuEntry,
    MenuGroup,
    RedrawRule,
    ResidentAccess,
    RoleDefault,
)

VIEW = ("portal.view_*",)
EDIT = ("portal.add_post", "portal.change_post", "portal.add_session", "portal.change_session",
        "portal.add_sessionslot", "portal.change_sessionslot", "portal.change_sessionsignup",
        "portal.change_booking", "portal.add_bookingrule", "portal.change_bookingrule",
        "portal.change_residentprofile", "portal.change_familylink")

CONTRIBUTIONS = Contributions(
    app="portal",
    audit_labels="gridgov.portal.choices.AUDIT_LABELS",
    menu_groups=(MenuGroup("portal", "社区网站", order=37, icon="world"),),
    menu=(
        MenuEntry("portal", "新闻公告", "portal:staff_posts", "portal.view_post", order=10),
        MenuEntry("portal", "场地预约", "portal:staff_bookings", "portal.view_booking", order=20),
        MenuEntry("portal", "公益服务", "portal:staff_sessions", "portal.view_session", order=30),
        MenuEntry("portal", "居民账号", "portal:staff_residents", "portal.view_residentprofile", order=40),
    ),
    demo=(DemoStep("portal", "gridgov.portal.demo.generate", order=80),),
    roles=(
        RoleDefault("street_staff", ("portal.*",)),
        RoleDefault("community_staff", (*VIEW, *EDIT)),
        RoleDefault("leader", ("portal.view_post", "portal.view_session", "portal.view_booking")),
        RoleDefault("system", ("portal.*",)),  # the demo step
    ),
    redraw=(
        RedrawRule("portal.ResidentProfile", ("keep",)),
        RedrawRule("portal.FamilyLink", ("keep",)),
        RedrawRule("portal.Post", ("keep",)),
        RedrawRule("portal.BookingRule", ("keep",)),
        RedrawRule("portal.Booking", ("keep",)),
        RedrawRule("portal.Session", ("keep",)),
        RedrawRule("portal.SessionSlot", ("keep",)),
        RedrawRule("portal.SessionSignup", ("keep",)),
    ),
    # the resident accounts: other apps reach them through gridgov.core.residents (ADR 0042)
    residents=ResidentAccess(current="gridgov.portal.access.current_resident",
                             acting_for="gridgov.portal.access.acting_for", admit="gridgov.portal.access.admit"),
    extra={"public_pages": ("portal:district", "gridgov.portal.demo.public_pages")},
)
