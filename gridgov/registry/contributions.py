"""What the registry adds: the base-information pages, its counters, its six imports, its demo
steps (the plan's buildings, then people, entities and components), its part of the built-in
roles, and how buildings, houses, households, persons, entities and components follow a redraw."""

from gridgov.core.manifest import (
    Contributions,
    DemoStep,
    DetailPage,
    ImportKind,
    Indicator,
    MenuEntry,
    MenuGroup,
    RedrawRule,
    RoleDefault,
)

SPECS = "gridgov.registry.importers"
IMPORT = "registry.import_records"

CONTRIBUTIONS = Contributions(
    app="registry",
    audit_labels="gridgov.registry.choices.AUDIT_LABELS",
    home_cards=("gridgov.registry.home.fieldwork",),
    menu_groups=(MenuGroup("registry", "基础信息", order=20, icon="database"),),
    menu=(
        MenuEntry("registry", "综合查询", "registry:search", "registry.view_person", order=10),
        MenuEntry("registry", "实有人口", "registry:person_list", "registry.view_person", order=20),
        MenuEntry("registry", "楼栋房屋", "registry:building_list", "registry.view_building", order=30),
        MenuEntry("registry", "法人单位", "registry:entity_list", "registry.view_legalentity", order=40),
        MenuEntry("registry", "城市部件", "registry:component_list", "registry.view_component", order=50),
        MenuEntry("registry", "关爱人群", "registry:care_list", "registry.view_person", order=60),
        MenuEntry("registry", "数据导入", "core:import", "registry.import_records", order=70),
        MenuEntry("registry", "变更审核", "registry:changerequest_list", "registry.approve_changerequest", order=80),
        MenuEntry("registry", "网格员移动端", "registry:mobile_home", "registry.record_visit", order=90),
    ),
    details=(
        DetailPage("网格（基础信息）", "registry:grid_detail", "divisions.Division", arg="code", where=(("level", 4),),
                   order_by=("code",)),
        DetailPage("楼栋", "registry:building_detail", "registry.Building"),
        DetailPage("房屋", "registry:house_detail", "registry.House"),
        DetailPage("人员", "registry:person_detail", "registry.Person"),
        DetailPage("法人单位", "registry:entity_detail", "registry.LegalEntity"),
        DetailPage("城市部件", "registry:component_detail", "registry.Component"),
    ),
    indicators=(
        Indicator("registry.persons", "实有人口", "人", "gridgov.registry.indicators.persons",
                  perm="registry.view_person", url_name="registry:person_list", order=20),
        Indicator("registry.buildings", "楼栋", "栋", "gridgov.registry.indicators.buildings",
                  perm="registry.view_building", url_name="registry:building_list", order=30),
    ),
    # bulk import is its own permission (a grid worker adds residents one at a time but does not
    # import files); each row is still checked against the spec's own add permission and scope
    imports=(
        ImportKind("persons", "实有人口", f"{SPECS}.PersonImport", IMPORT, order=20),
        ImportKind("households", "户", f"{SPECS}.HouseholdImport", IMPORT, order=30),
        ImportKind("buildings", "楼栋", f"{SPECS}.BuildingImport", IMPORT, order=40),
        ImportKind("houses", "房屋", f"{SPECS}.HouseImport", IMPORT, order=50),
        ImportKind("entities", "法人单位", f"{SPECS}.EntityImport", IMPORT, order=60),
        ImportKind("components", "城市部件", f"{SPECS}.ComponentImport", IMPORT, order=70),
    ),
    demo=(
        DemoStep("registry.buildings", "gridgov.registry.demo.load_plan_buildings", order=5, with_plan=True),
        DemoStep("registry.people", "gridgov.registry.demo.generate", order=10),
    ),
    roles=(
        RoleDefault("street_staff", ("registry.*",)),
        RoleDefault("community_staff", ("registry.*",)),
        RoleDefault("grid_worker", ("registry.view_*", "registry.add_*", "registry.change_*", "registry.record_visit",
                                    "registry.reveal_person")),
        RoleDefault("party_staff", ("registry.view_person",)),
        RoleDefault("party_secretary", ("registry.view_person",)),
        RoleDefault("leader", ("registry.view_*",)),
        RoleDefault("system", ("registry.view_*", "registry.add_*", "registry.change_*")),  # gridgov import
    ),
    redraw=(
        RedrawRule("registry.Building", ("assignment",), order=10),
        RedrawRule("registry.House", ("building", "unit"), order=20),
        RedrawRule("registry.Household", ("house",), order=30),
        # a person with a house lives there, whatever household they are registered in (人户分离)
        RedrawRule("registry.Person", ("house", "household"), order=40),
        RedrawRule("registry.LegalEntity", ("building", "house"), order=50),
        RedrawRule("registry.Component", ("point",), order=60),
        # history: visits, change requests and person events keep the grid they happened in
        RedrawRule("registry.Visit", ("keep",)),
        RedrawRule("registry.ChangeRequest", ("keep",)),
        RedrawRule("registry.PersonEvent", ("keep",)),
        RedrawRule("registry.PopulationSum", ("keep",), redivision="keep"),  # rebuilt by the hook below
    ),
    after_redraw=("gridgov.registry.population.follow_redraw",),
    api="gridgov.registry.api.register",
)
