from gridgov.core.manifest import Contributions, Indicator, MenuEntry, MenuGroup, RedrawRule, RoleDefault

CONTRIBUTIONS = Contributions(
    app="throwaway",
    menu_groups=(MenuGroup("lamps", "路灯管理", order=900),),
    menu=(MenuEntry("lamps", "路灯台账", "throwaway:list", perm="throwaway.view_streetlamp"),),
    indicators=(Indicator("throwaway.lamps", "路灯", "盏", "gridgov.divisions.tests.throwaway.views.lamp_count",
                          perm="throwaway.view_streetlamp", url_name="throwaway:list", home=True),),
    roles=(RoleDefault("district_admin", ("throwaway.view_streetlamp",)),),
    redraw=(RedrawRule("throwaway.StreetLamp", ("building",)),),
)
