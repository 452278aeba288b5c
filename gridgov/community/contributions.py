"""What the community app adds: the community profile and facility pages, the facility counter,
its demo step, its part of the built-in roles, and how its rows follow (they belong to a
community: a grid redraw leaves them; a re-division moves them with the community's code)."""

from gridgov.core.manifest import (
    Contributions,
    DemoStep,
    Indicator,
    MenuEntry,
    MenuGroup,
    RedrawRule,
    RoleDefault,
)

VIEW = ("community.view_*",)
EDIT = ("community.add_facility", "community.change_facility", "community.add_committee",
        "community.change_committee", "community.add_committeemember", "community.change_committeemember",
        "community.delete_committeemember", "community.add_workstationstaff", "community.change_workstationstaff")

CONTRIBUTIONS = Contributions(
    app="community",
    audit_labels="gridgov.community.choices.AUDIT_LABELS",
    menu_groups=(MenuGroup("community", "社区建设", order=35, icon="building-community"),),
    menu=(
        MenuEntry("community", "设施达标", "community:list", "community.view_facility", order=10),
        MenuEntry("community", "社区设施", "community:facility_list", "community.view_facility", order=20),
        MenuEntry("community", "设施类型与标准", "community:standards", "community.view_facilitytype", order=30),
    ),
    indicators=(
        Indicator("community.facilities_built", "已建成社区设施", "处",
                  "gridgov.community.indicators.facilities_built", perm="community.view_facility",
                  url_name="community:facility_list", home=False, order=60),
        Indicator("community.compliant", "设施达标社区", "个", "gridgov.community.indicators.compliant_communities",
                  perm="community.view_facility", url_name="community:list", home=False, order=61),
    ),
    demo=(DemoStep("community", "gridgov.community.demo.generate", order=40),),
    roles=(
        RoleDefault("street_staff", ("community.*",)),
        RoleDefault("community_staff", (*VIEW, *EDIT)),
        RoleDefault("party_staff", VIEW),
        RoleDefault("leader", VIEW),
    ),
    redraw=(
        RedrawRule("community.Facility", ("keep",)),
        RedrawRule("community.Committee", ("keep",)),
        RedrawRule("community.CommitteeMember", ("keep",)),
        RedrawRule("community.WorkstationStaff", ("keep",)),
    ),
    api="gridgov.community.api.register",
)
