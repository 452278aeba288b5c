"""The app manifest: the types an app uses to declare what it contributes to the platform.

Every app may have a `contributions.py` module that defines one module-level name,
`CONTRIBUTIONS = Contributions(...)`. Core collects them in INSTALLED_APPS order with
`all_contributions()`; the lower layers (core, accounts, divisions, demo) iterate over the
declarations and never name an upper app. Grep for `contributions.py` to see everything an app
adds: menu entries, counters and indicators, import kinds, demo steps, roles and their default
permissions, and what happens to its grid-scoped rows when grids are redrawn.

(This module holds only the types and the collector; core's own declarations live in
`gridgov/core/contributions.py` like every other app's.)

Callables are given as dotted paths (strings) so that declaring them imports nothing heavy and
an app's manifest can be read before its models are ready. `resolve()` imports one.

The types are additive: a new field gets a default, so existing manifests never break.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.utils.module_loading import import_string

__all__ = [
    "Contributions", "MenuGroup", "MenuEntry", "Indicator", "ImportKind", "DemoStep", "RoleDefault",
    "RedrawRule", "all_contributions", "resolve",
]


@dataclass(frozen=True)
class MenuGroup:
    """A section of the staff menu. Apps that name the same `key` share the section; the first
    declaration (by `order`) gives the title."""

    key: str
    title: str
    order: int = 100
    icon: str = ""  # a Tabler icon name, e.g. "map-2"


@dataclass(frozen=True)
class MenuEntry:
    """One link in the staff menu, shown when the viewer holds `perm` anywhere (None: any
    signed-in staff user)."""

    group: str  # MenuGroup.key
    label: str
    url_name: str
    perm: str | None = None
    order: int = 100
    icon: str = ""


@dataclass(frozen=True)
class Indicator:
    """A number the platform can show about a scope: on the home page, the big screen, reports.

    `query` is a dotted path to `f(user, scope_code) -> int | float | None`, which must read
    through `visible_to(user)` (or maintained sums scoped the same way) and return None when the
    viewer may not see it. `scope_code` is a division code or "" for everything visible.
    """

    key: str  # unique across the platform, e.g. "registry.persons"
    label: str
    unit: str
    query: str
    perm: str | None = None
    url_name: str = ""  # where the number links to
    home: bool = True  # shown as a home-page counter
    screen: bool = True  # offered to the big screen
    order: int = 100


@dataclass(frozen=True)
class ImportKind:
    """A file import offered by `gridgov import KIND` and the web import page."""

    key: str  # the CLI name, e.g. "persons", "party-members"
    label: str
    spec: str  # dotted path to the ImportSpec class
    perm: str  # permission the importing user needs (checked against each row's scope)
    order: int = 100


@dataclass(frozen=True)
class DemoStep:
    """A step of the demo generator: `func(scale=, seed=, progress=)` fills the app's demo data.
    Steps run in ascending `order` after divisions, buildings and roads are loaded."""

    key: str
    func: str
    order: int = 100


@dataclass(frozen=True)
class RoleDefault:
    """Default permissions (``app_label.codename`` globs) an app gives a role. A role that does
    not exist yet is created with `name`/`description` (an app may add its own roles, e.g. the
    services app's counter staff); for an existing built-in role they may be left empty."""

    role: str  # role code
    permissions: tuple[str, ...] = ()
    name: str = ""
    description: str = ""


@dataclass(frozen=True)
class RedrawRule:
    """How a grid-scoped model follows when grids are redrawn or communities re-divided.

    `rules` are applied in order (see `divisions` redraw docs): "assignment", "building",
    "unit", "house", "household", "point", "keep" (history rows keep the grid they happened in),
    and every rule ends with the successor sweep so nothing stays on a retired grid.
    `row_filter` optionally names `f(queryset) -> queryset` selecting the rows that move
    (e.g. only open cases).
    """

    model: str  # "app_label.ModelName"
    rules: tuple[str, ...]
    row_filter: str | None = None
    order: int = 100


@dataclass(frozen=True)
class Contributions:
    """Everything one app adds to the shared parts of the platform."""

    app: str  # the app label
    menu_groups: tuple[MenuGroup, ...] = ()
    menu: tuple[MenuEntry, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    imports: tuple[ImportKind, ...] = ()
    demo: tuple[DemoStep, ...] = ()
    roles: tuple[RoleDefault, ...] = ()
    redraw: tuple[RedrawRule, ...] = ()
    # dotted paths to `f(*, actor, prefix, report)` run after the redraw rules, in the same
    # transaction (e.g. party's branch sync)
    after_redraw: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)  # room for an app-specific declaration


@cache
def all_contributions() -> tuple[Contributions, ...]:
    """The manifests of the installed apps, in INSTALLED_APPS order."""
    found = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.contributions")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.contributions":
                raise
            continue
        manifest = getattr(module, "CONTRIBUTIONS", None)
        if isinstance(manifest, Contributions):
            found.append(manifest)
    return tuple(found)


def resolve(dotted):
    """Import the object a manifest names by dotted path."""
    return import_string(dotted)
