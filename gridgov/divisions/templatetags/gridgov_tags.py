"""Template tags of the layout: the scope switcher's options. They read the division tree, so
they live in the divisions app (core imports no app); the library keeps its name, so the shell's
`{% load gridgov_tags %}` is unchanged."""

from django import template

from gridgov.core.access import can

from ..choices import Level
from ..models import Division

register = template.Library()


MAX_GRID_OPTIONS = 80


@register.simple_tag(takes_context=True)
def scope_options(context):
    """[(group label, [(code, name)])] of the viewer's visible streets, communities and grids,
    computed once per request (one query)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(request, "_scope_options", None)
    if cached is not None:
        return cached
    groups = []
    if can(user, "divisions.view_division"):
        rows = Division.objects.visible_to(user).filter(is_active=True, level__gte=Level.STREET).order_by(
            "code").values_list("code", "name", "level")
        by_level = {}
        for code, name, level in rows:
            by_level.setdefault(level, []).append((code, name))
        if len(by_level.get(Level.GRID, [])) > MAX_GRID_OPTIONS:
            # A district-wide viewer would get ~600 grid options on every page; grids are one
            # click away from their community's page instead.
            by_level.pop(Level.GRID)
        groups = [(str(Level(lv).label), by_level[lv]) for lv in sorted(by_level)]
    request._scope_options = groups
    return groups


@register.filter
def pinyin_data(name):
    """`<option data-data="{{ name|pinyin_data }}">`: the pinyin keys tom-select searches
    (core.widgets.SearchableSelect does the same for form widgets)."""
    import json

    from gridgov.core.widgets import pinyin_keys

    return json.dumps({"py": pinyin_keys(str(name))}, ensure_ascii=False)


@register.filter
def opens_group(group, path):
    """True when the page at `path` belongs to the menu group: one of its links is the page or
    a prefix of it (a person's page opens 基础信息, whose 实有人口 link is /registry/persons/)."""
    return any(item["url"] == path or (item["url"] != "/" and path.startswith(item["url"]))
               for item in group["items"])
