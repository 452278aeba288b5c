"""The layers of docs/architecture.md §1: every module's imports (including those inside
functions), parsed, may only go down. Tests and migrations are not checked."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the gridgov package
LOWER = {"partition": set(), "core": {"partition"}}
FOUNDATION = {"accounts", "divisions", "demo"}
DOMAIN = {"registry": set(), "cases": {"registry"}, "party": {"registry"}}
PROJECT_MODULES = {"settings", "urls", "api_urls", "cli", "conftest", "wsgi", "asgi", "__init__"}


def allowed(app):
    """The gridgov apps `app` may import (besides itself)."""
    if app in LOWER:
        return LOWER[app]
    base = {"core", "partition"}
    if app in FOUNDATION:
        return base | FOUNDATION
    if app in DOMAIN:
        return base | FOUNDATION | DOMAIN[app]
    return None  # a later app: anything below it (checked by `test_nothing_below_imports_a_later_app`)


def gridgov_imports(path, module=None):
    """(line, imported gridgov top-level name) for every import in the module at `path`
    (dotted `module` name; default: from the path)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = tuple(module.split(".")) if module else path.relative_to(ROOT.parent).with_suffix("").parts
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                base = package[: len(package) - node.level]
                names = [".".join((*base, node.module or ""))]
            else:
                names = [node.module or ""]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "gridgov" and len(parts) > 1:
                yield node.lineno, parts[1]


def modules():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).parts
        if len(rel) == 1 or "tests" in rel or "migrations" in rel:
            continue
        yield rel[0], path




def upward_imports():
    bad = []
    apps = {app for app, _ in modules()}
    for app, path in modules():
        ok = allowed(app)
        for line, target in gridgov_imports(path):
            if target == app or target in PROJECT_MODULES or target not in apps:
                continue
            if ok is None:
                continue
            if target not in ok:
                bad.append(f"{path.relative_to(ROOT.parent)}:{line} {app} → {target}")
    return bad


def test_lower_layers_import_no_upper_app():
    assert upward_imports() == []


def test_nothing_below_imports_a_later_app():
    known = set(LOWER) | FOUNDATION | set(DOMAIN)
    later = {app for app, _ in modules()} - known
    bad = [f"{path.relative_to(ROOT.parent)}:{line} {app} → {target}"
           for app, path in modules() if app in known
           for line, target in gridgov_imports(path) if target in later]
    assert bad == []


def test_the_parser_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "probe.py"
    module.write_text("def f():\n    from gridgov.registry.models import Person\n    from ..party import x\n")
    assert list(gridgov_imports(module, "gridgov.core.probe")) == [(2, "registry"), (3, "party")]


def later_app_cycles():
    """Import cycles among the later apps (each may import what is below it, so the apps must
    form an order: community → dashboard, services and utilities → kiosk → portal → care)."""
    known = set(LOWER) | FOUNDATION | set(DOMAIN)
    edges = {}
    for app, path in modules():
        if app in known:
            continue
        for _line, target in gridgov_imports(path):
            if target != app and target not in known and target not in PROJECT_MODULES:
                edges.setdefault(app, set()).add(target)
    cycles, state = [], {}

    def visit(app, trail):
        state[app] = "open"
        for nxt in sorted(edges.get(app, ())):
            if state.get(nxt) == "open":
                cycles.append(" → ".join([*trail[trail.index(nxt):], nxt]))
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[app] = "done"

    for app in sorted(edges):
        if app not in state:
            visit(app, [app])
    return cycles


def test_later_apps_import_each_other_without_a_cycle():
    assert later_app_cycles() == []


def test_the_cycle_finder_sees_a_cycle(monkeypatch):
    import sys

    this = sys.modules[__name__]
    fake = {"alpha": [(1, "beta")], "beta": [(1, "alpha")]}
    monkeypatch.setattr(this, "modules", lambda: [(a, a) for a in fake])
    monkeypatch.setattr(this, "gridgov_imports", lambda path: fake[path])
    assert later_app_cycles() == ["alpha → beta → alpha"]
