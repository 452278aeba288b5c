"""The staff menu and the indicators, assembled from the apps' manifests (`contributions.py`).

Core names no app: each app declares its menu groups, entries and indicators, and the functions
here filter them per viewer by permission. Three readers use them: the page shell (the menu),
the home page (the counters) and anything that needs every page a user can reach (the page
bench, the big screen).
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from .access import can
from .manifest import Indicator, MenuEntry, MenuGroup, collect, resolve


@dataclass(frozen=True)
class VisibleEntry:
    """A menu entry a viewer may open: the declaration, the app that made it and its URL."""

    app: str
    entry: MenuEntry
    url: str


def menu_groups():
    """{key: MenuGroup}: the first declaration of a key (lowest `order`, then INSTALLED_APPS
    order) gives the group its title and place."""
    groups = {}
    for _app, group in sorted(collect("menu_groups"), key=lambda pair: pair[1].order):
        groups.setdefault(group.key, group)
    return groups


def visible_entries(user):
    """The menu entries `user` may open, in menu order, with their URLs. An entry whose URL
    name does not reverse is left out (the system check warns about it)."""
    groups = menu_groups()
    entries = []
    for index, (app, entry) in enumerate(collect("menu")):
        if entry.perm and not can(user, entry.perm):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        group = groups.get(entry.group)
        entries.append(((group.order if group else 10_000, entry.group, entry.order, index),
                        VisibleEntry(app, entry, url)))
    return [e for _key, e in sorted(entries, key=lambda pair: pair[0])]


def menu_for(user):
    """[{"key", "title", "icon", "items": [{"label", "url", "name", "icon"}]}] for the page shell."""
    groups = menu_groups()
    out = []
    for visible in visible_entries(user):
        entry = visible.entry
        if not out or out[-1]["key"] != entry.group:
            group = groups.get(entry.group) or MenuGroup(entry.group, entry.group)
            out.append({"key": group.key, "title": group.title, "icon": group.icon, "items": []})
        out[-1]["items"].append({"label": entry.label, "url": visible.url, "name": entry.url_name,
                                 "icon": entry.icon})
    return out


def indicators(*, home=None, screen=None):
    """The declared indicators in display order; `home=True` / `screen=True` narrow them to
    those offered there."""
    found = [ind for _app, ind in collect("indicators")]
    if home is not None:
        found = [i for i in found if i.home == home]
    if screen is not None:
        found = [i for i in found if i.screen == screen]
    return sorted(found, key=lambda i: i.order)


def indicators_for(user, *, home=None, screen=None):
    """The indicators `user` may see (their `perm`, when set, held somewhere)."""
    return [i for i in indicators(home=home, screen=screen) if not i.perm or can(user, i.perm)]


def indicator_value(indicator: Indicator, user, scope=""):
    """The indicator's number for `user` inside `scope` (a division code, "" = all visible), or
    None when the viewer may not see it."""
    if indicator.perm and not can(user, indicator.perm):
        return None
    return resolve(indicator.query)(user, scope or "")


def indicator_values(user, scope="", *, home=None, screen=None):
    """[{"key", "label", "unit", "num", "url"}] for the indicators the viewer may see."""
    out = []
    for ind in indicators_for(user, home=home, screen=screen):
        num = indicator_value(ind, user, scope)
        if num is None:
            continue
        try:
            url = reverse(ind.url_name) if ind.url_name else ""
        except NoReverseMatch:
            url = ""
        out.append({"key": ind.key, "label": ind.label, "unit": ind.unit, "num": num, "url": url})
    return out
