"""What the divisions app adds: the division and grid pages, the grid count, the divisions
import, the division part of the built-in roles, and how its own tables follow a redraw."""

from gridgov.core.manifest import (
    Contributions,
    DetailPage,
    ImportKind,
    Indicator,
    MenuEntry,
    MenuGroup,
    RedrawRule,
    RoleDefault,
)

VIEW_ALL = ("divisions.view_*",)
VIEW = ("divisions.view_division",)

CONTRIBUTIONS = Contributions(
    app="divisions",
    audit_labels="gridgov.divisions.choices.AUDIT_LABELS",
    menu_groups=(MenuGroup("divisions", "网格与区划", order=10, icon="map-2"),),
    menu=(
        MenuEntry("divisions", "区划网格", "divisions:list", "divisions.view_division", order=10),
        MenuEntry("divisions", "网格地图", "divisions:map", "divisions.view_division", order=20),
        MenuEntry("divisions", "网格划分", "divisions:partition", "divisions.partition_division", order=30),
    ),
    indicators=(
        Indicator("divisions.grids", "可见网格", "个", "gridgov.divisions.indicators.visible_grids",
                  perm="divisions.view_division", url_name="divisions:list", order=10),
    ),
    details=(DetailPage("网格", "divisions:detail", "divisions.Division", arg="code", where=(("level", 4),),
                        order_by=("code",)),),
    imports=(ImportKind("divisions", "区划", "gridgov.divisions.importers.DivisionImport", "divisions.import_division",
                        order=10),),
    roles=(
        RoleDefault("street_staff", (*VIEW_ALL, "divisions.change_division")),
        RoleDefault("community_staff", VIEW_ALL),
        RoleDefault("grid_worker", VIEW),
        RoleDefault("party_staff", VIEW),
        RoleDefault("party_secretary", VIEW),
        RoleDefault("department_handler", VIEW),
        RoleDefault("leader", VIEW_ALL),
        RoleDefault("system", (*VIEW_ALL, "divisions.import_division")),  # gridgov import divisions
    ),
    # The tree itself, its shapes and the proposals are versioned by the redraw flow: old rows
    # stay as history. Street lines belong to a street and follow when codes change.
    redraw=(
        RedrawRule("divisions.Division", ("keep",), redivision="keep"),
        RedrawRule("divisions.DivisionShape", ("keep",), redivision="keep"),
        RedrawRule("divisions.GridProposal", ("keep",), redivision="keep"),
        RedrawRule("divisions.StreetLine", ("keep",)),
    ),
    api="gridgov.divisions.api.register",
)
