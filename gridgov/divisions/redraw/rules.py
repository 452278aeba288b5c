"""The redraw rules the apps declare (`RedrawRule` in their contributions.py) and their checks.

A model "belongs to a place" when it has a `division_code` column or a foreign key to
`divisions.Division`. Every such model must have exactly one rule, so that a new table cannot
leave live rows on a retired grid unnoticed (a system check, `divisions.E001`).
"""

from django.apps import apps
from django.db import models

from gridgov.core.manifest import collect

SPECIAL = {"assignment", "unit", "point", "keep", "hook"}
REDIVISION = {"follow", "keep", "hook"}


def declared_rules():
    """[RedrawRule] of the installed apps, in application order (`order`, then INSTALLED_APPS)."""
    return [rule for _app, rule in sorted(collect("redraw"), key=lambda pair: pair[1].order)]


def division_fks(model):
    """Names of the model's foreign keys to Division."""
    from ..models import Division

    return [f.name for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey) and f.related_model is Division]


def has_code(model):
    return any(f.name == "division_code" for f in model._meta.concrete_fields)


def placed_models():
    """Installed, concrete models whose rows belong to a place."""
    return [m for m in apps.get_models() if not m._meta.abstract and not m._meta.proxy
            and (has_code(m) or division_fks(m))]


def _rule_problems(model, rule):
    label = rule.model
    fields = {f.name: f for f in model._meta.concrete_fields}
    for name in rule.rules:
        if name in SPECIAL:
            continue
        field = fields.get(name)
        if not isinstance(field, models.ForeignKey):
            yield f"{label}: redraw rule “{name}” is neither {sorted(SPECIAL)} nor a foreign key of the model"
        elif not ({"grid", "division_code"} & {f.name for f in field.related_model._meta.concrete_fields}):
            yield f"{label}: “{name}” points at {field.related_model._meta.label}, which has no grid to follow"
    if "point" in rule.rules and not {"lng", "lat", "grid"} <= set(fields):
        yield f"{label}: the “point” rule needs grid, lng and lat fields"
    if "assignment" in rule.rules and not {"grid", "code", "household_count"} <= set(fields):
        yield f"{label}: the “assignment” rule is for the building register (grid, code, household_count)"
    if "unit" in rule.rules and not {"grid", "building", "unit"} <= set(fields):
        yield f"{label}: the “unit” rule needs grid, building and unit fields"
    if ("keep" in rule.rules or "hook" in rule.rules) and len(rule.rules) > 1:
        yield f"{label}: “keep” and “hook” stand alone"
    if rule.redivision not in REDIVISION:
        yield f"{label}: redivision must be one of {sorted(REDIVISION)}"


def problems():
    """Human-readable problems with the declared rules (empty when all is well)."""
    out, seen = [], {}
    hooks = {c.app for c in _manifests() if c.after_redraw}
    for app, rule in collect("redraw"):
        try:
            model = apps.get_model(rule.model)
        except (LookupError, ValueError):
            out.append(f"{rule.model}: declared by {app} but not an installed model")
            continue
        if model in seen:
            out.append(f"{rule.model}: declared twice ({seen[model]} and {app})")
        seen[model] = app
        out.extend(_rule_problems(model, rule))
        if ("hook" in rule.rules or rule.redivision == "hook") and app not in hooks:
            out.append(f"{rule.model}: rule “hook” but {app} declares no after_redraw hook")
    for model in placed_models():
        if model not in seen:
            out.append(f"{model._meta.label} has a division code or a division foreign key but no RedrawRule: "
                       f"declare in its app's contributions.py how its rows follow when grids are redrawn")
    return out


def _manifests():
    from gridgov.core.manifest import all_contributions

    return all_contributions()
