"""What the party app adds: the red-grid pages, the member counter, the member import, its demo
step and demo logins, its part of the built-in roles, and its branches following a redraw (the
after-redraw hook keeps one organisation per division and moves a retired grid's branch)."""

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

VIEW = ("party.view_*",)
HOOK = dict(redivision="hook")

CONTRIBUTIONS = Contributions(
    app="party",
    audit_labels="gridgov.party.choices.AUDIT_LABELS",
    home_cards=("gridgov.party.home.member_duties", "gridgov.party.home.secretary_queue"),
    menu_groups=(MenuGroup("party", "红色网格", order=40, icon="flag"),),
    menu=(
        MenuEntry("party", "组织架构", "party:tree", "party.view_partyorganization", order=10),
        MenuEntry("party", "党员管理", "party:member_list", "party.view_partymember", order=20),
        MenuEntry("party", "六员岗位", "party:posts", "party.view_rolepost", order=30),
        MenuEntry("party", "志愿活动", "party:events", "party.view_volunteerevent", order=40),
        MenuEntry("party", "积分排名", "party:rankings", "party.view_partymember", order=50),
        MenuEntry("party", "我的履职", "party:me", order=60),
    ),
    details=(
        DetailPage("党组织", "party:org", "party.PartyOrganization", order_by=("division_code",)),
        DetailPage("网格党支部", "party:org", "party.PartyOrganization", where=(("kind", "grid"),),
                   order_by=("division_code",)),
        DetailPage("党员", "party:member", "party.PartyMember"),
        DetailPage("工作单位", "party:workunit", "party.WorkUnit"),
        DetailPage("志愿活动", "party:event", "party.VolunteerEvent", order_by=("-starts_at", "-pk")),
    ),
    indicators=(
        Indicator("party.members", "在册党员", "名", "gridgov.party.indicators.members", perm="party.view_partymember",
                  url_name="party:member_list", order=50),
    ),
    imports=(ImportKind("party-members", "党员", "gridgov.party.importers.MemberImport", "party.import_partymember",
                        order=80),),
    demo=(DemoStep("party", "gridgov.party.demo.generate", order=30),
          DemoStep("party.sums", "gridgov.party.demo.sums", order=31, background=True)),
    demo_accounts=(
        DemoAccount("dangyuan01", "", made_by_step=True, label="党员（我的履职）", order=200),
        DemoAccount("shuji01", "", made_by_step=True, label="网格党支部书记", order=210),
    ),
    roles=(
        RoleDefault("street_staff", VIEW),
        RoleDefault("community_staff", VIEW),
        RoleDefault("grid_worker", VIEW),
        RoleDefault("party_staff", ("party.*",)),
        # granted and revoked by party.actions.update_organization as the secretary changes
        RoleDefault("party_secretary", (*VIEW, "party.verify_serviceactivity", "party.change_registration",
                                        "party.change_postclaim", "party.add_volunteerevent",
                                        "party.change_volunteerevent", "party.change_eventsignup")),
        RoleDefault("leader", VIEW),
        # the daily scoring run, `gridgov import party-members`, and branches following a redraw
        RoleDefault("system", (*VIEW, "party.add_partyorganization", "party.change_partyorganization",
                               "party.add_partymember", "party.change_partymember", "party.import_partymember",
                               "party.run_memberscore", "party.verify_serviceactivity")),
    ),
    # Organisations, members and their pending requests follow through the hook below; verified
    # records, scores, signups and the organisation history stay where they happened.
    redraw=(
        RedrawRule("party.PartyOrganization", ("hook",), **HOOK),
        RedrawRule("party.PartyMember", ("hook",), **HOOK),
        RedrawRule("party.Registration", ("hook",), **HOOK),
        RedrawRule("party.PostClaim", ("hook",), **HOOK),
        RedrawRule("party.ServiceActivity", ("hook",), **HOOK),
        RedrawRule("party.WorkUnit", ("keep",), redivision="keep"),
        RedrawRule("party.VolunteerEvent", ("keep",), redivision="keep"),
        RedrawRule("party.EventSignup", ("keep",), redivision="keep"),
        RedrawRule("party.MemberScore", ("keep",), redivision="keep"),
        RedrawRule("party.ActivitySum", ("keep",), redivision="keep"),  # sums of verified history
        RedrawRule("party.OrganizationHistory", ("keep",), redivision="keep"),
    ),
    after_redraw=("gridgov.party.redraw.follow_redraw",),
    api="gridgov.party.api.register",
)
