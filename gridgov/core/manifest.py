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
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

__all__ = [
    "Contributions", "MenuGroup", "MenuEntry", "Indicator", "ImportKind", "DemoStep", "DemoAccount", "RoleDefault",
    "RedrawRule", "ResidentAccess", "all_contributions", "collect", "resolve",
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
class DetailPage:
    """A kind of detail page an app has (a grid, a person, a case …), for tools that visit one
    page of each kind, such as the page bench (`gridgov.demo.pages`): `url_name` reversed with
    the `arg` value of the first `model` row (by `order_by`, among those matching `where`) that
    the viewer may see through `visible_to`."""

    label: str
    url_name: str
    model: str  # "app_label.ModelName"
    arg: str = "pk"
    where: tuple[tuple[str, object], ...] = ()  # (lookup, value) pairs, e.g. (("level", 4),)
    order_by: tuple[str, ...] = ("pk",)


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
    perm: str  # permission to import this kind from the web page (the spec's own permission is
    # checked too, against each row's scope)
    order: int = 100


@dataclass(frozen=True)
class DemoStep:
    """A step of the demo generator: `func(scale=, seed=, progress=)` fills the app's demo data
    and may return a small dict for the summary. `scale` is the demo's name for its size, a
    string: "tiny" (tests), "quick" (the page bench's guard), "small" (`make run`) or
    "district" (the whole district); `gridgov/demo/tests/test_demo_steps.py` runs every step
    at "tiny" and fails on any step that raises. Steps run in ascending `order` after the
    divisions, roads and demo accounts are loaded; one step that raises is reported and the
    others still run.

    `with_plan=True`: the step loads part of the synthetic plan itself (the registry's buildings)
    and is called as `func(plan=, scale=, seed=, progress=)`; such steps also run with
    `gridgov demo --no-apps`.

    `background=True`: the step only derives data (sums) from what earlier steps wrote, in
    transactions of its own; on PostgreSQL it runs in a thread beside the steps after it
    (`demo.load.run_steps`). A later step that reads what a background step writes names it in
    `needs`.

    `prepare`: dotted path to `f(scale=, seed=)`, called on PostgreSQL outside a transaction
    before the first step runs; it may start the step's database-free part in a process of its
    own (`demo.child`) and returns what the step's `func` then receives as `prepared=` (None:
    the step does all its work itself, as everywhere else)."""

    key: str
    func: str
    order: int = 100
    with_plan: bool = False
    background: bool = False
    needs: tuple = ()
    prepare: str = ""


@dataclass(frozen=True)
class DemoAccount:
    """A demo login (`gridgov demo_accounts` lists it). The demo creates it with `role` over the
    first division of `scope` ("district", "street", "community", "grid"; preferring 丹阳街道),
    bound to `department` (a Department code) when given. `made_by_step=True`: the app's demo
    step makes the account itself (e.g. a party member linked to a generated person); it is
    only listed, with `label` as its role text."""

    username: str
    full_name: str
    role: str = ""  # role code
    scope: str = "district"
    department: str = ""
    made_by_step: bool = False
    label: str = ""
    order: int = 100


@dataclass(frozen=True)
class RoleDefault:
    """Default permissions (``app_label.codename`` globs) an app gives a role. A role that does
    not exist yet is created with `name`/`description` (an app may add its own roles, e.g. the
    services app's counter staff); for an existing built-in role they may be left empty."""

    role: str  # role code (any string: an app may add its own roles)
    permissions: tuple[str, ...] = ()
    name: str = ""
    description: str = ""
    order: int = 100  # position in role lists (built-in roles come first)
    account_kind: str = "staff"  # accounts.AccountKind a role is for: staff roles never reach other kinds


@dataclass(frozen=True)
class RedrawRule:
    """How a model whose rows belong to a place follows when grids are redrawn (a proposal is
    published) or communities are re-divided (codes change). Every model with a `division_code`
    column or a foreign key to `divisions.Division` must have one: a system check fails
    otherwise, so no new table can leave live rows on a retired grid unnoticed.

    Redraw (`rules`, applied in order, each with set-based UPDATEs inside the redrawn area):
        "assignment"  the proposal's building → grid map (registry buildings only)
        "<fk>"        follow the grid of the row the foreign key `<fk>` points at (e.g. "building",
                      "house", "household", "person"); with several, a later one applies only to
                      rows whose earlier foreign keys are empty
        "unit"        houses of a building split between grids follow their unit (单元)
        "point"       the new grid polygon containing the row's (lng, lat)
        "keep"        nothing moves: history rows keep the grid they happened in
        "hook"        the app's `after_redraw` hook moves these rows itself (party branches)
    Unless the rule is "keep" or "hook", a successor sweep ends it: whatever still points at a retired
    grid moves to the grid that took over most of its households. `row_filter` names
    `f(queryset) -> queryset` selecting the rows that move at all (e.g. only open cases).

    Re-division (`redivision`): "follow" (the default) remaps every foreign key to a retired
    division and rewrites `division_code` to the new code; "keep" leaves the rows on the codes
    of that moment (audit, statistics, events); "hook": the app's `after_redraw` hook moves them.
    """

    model: str  # "app_label.ModelName"
    rules: tuple[str, ...]
    row_filter: str | None = None
    order: int = 100
    redivision: str = "follow"  # "follow" | "keep" | "hook"


@dataclass(frozen=True)
class ResidentAccess:
    """How the app that keeps resident accounts answers "who is the signed-in resident and for
    whom may they act" — read by every other app through `gridgov.core.residents`, so that no
    app names the one that keeps the accounts (docs/architecture.md §1, ADR 0042). At most one
    installed app declares it. Dotted paths to:

    `current`     `f(user) -> profile | None`: the user's resident profile (None for staff,
                  providers and anonymous visitors);
    `acting_for`  `f(profile) -> QuerySet[registry.Person]`: the persons the profile may act for
                  (themselves once verified, authorised relatives); empty for an unverified one;
    `admit`       `f(request, *, verified) -> HttpResponse | None`: a resident page's gate:
                  None lets the request through (with `request.resident` set), a response (a
                  redirect to sign in, consent or verify) is returned instead; it raises
                  PermissionDenied for staff and provider accounts.
    """

    current: str
    acting_for: str
    admit: str


@dataclass(frozen=True)
class Contributions:
    """Everything one app adds to the shared parts of the platform."""

    app: str  # the app label
    menu_groups: tuple[MenuGroup, ...] = ()
    menu: tuple[MenuEntry, ...] = ()
    details: tuple[DetailPage, ...] = ()  # one page of each kind, for the page bench
    indicators: tuple[Indicator, ...] = ()
    imports: tuple[ImportKind, ...] = ()
    demo: tuple[DemoStep, ...] = ()
    roles: tuple[RoleDefault, ...] = ()
    redraw: tuple[RedrawRule, ...] = ()
    # dotted paths to `f(*, actor, prefix, report)` run after the redraw rules, in the same
    # transaction (e.g. party's branch sync); `report` is a `divisions.redraw.RedrawReport`
    after_redraw: tuple[str, ...] = ()
    demo_accounts: tuple[DemoAccount, ...] = ()
    api: str = ""  # dotted path to `register(router)` adding the app's REST viewsets under /api/
    # dotted path to {audit action code: Chinese label} for the audit log (e.g. "cases.report_case": "上报事件")
    audit_labels: str = ""
    # dotted paths to `f(request) -> dict | None`: a card on the signed-in home page for the
    # viewer, or None when it does not concern them. The dict: "title", optional "lines" (str),
    # "stats" ({"label", "num", "url"}), "links" ({"label", "url"}), "order" (default 100).
    home_cards: tuple[str, ...] = ()
    residents: ResidentAccess | None = None  # the resident-access provider (one app at most)
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


def collect(attr):
    """Every item the installed apps declare under `attr` ("menu", "indicators", "imports" …),
    in INSTALLED_APPS order, as (app label, item) pairs."""
    return [(c.app, item) for c in all_contributions() for item in getattr(c, attr)]


def _clear_cache(*, setting, **kwargs):
    if setting == "INSTALLED_APPS":
        all_contributions.cache_clear()


setting_changed.connect(_clear_cache)  # tests that install a throwaway app see its manifest


def resolve(dotted):
    """Import the object a manifest names by dotted path."""
    return import_string(dotted)
