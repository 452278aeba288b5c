"""The roles and their default permissions, as the installed apps declare them.

Each app's `contributions.py` lists `RoleDefault(role, permissions, name=, description=)`: the
accounts app names the built-in roles (`choices.RoleCode`), every app adds the permissions of
its own models to whichever roles should have them, and an app may bring a role of its own
(any code: counter staff, a display account …). Patterns are `app_label.codename` globs matched
against the permissions that exist.

Defaults are data offered once: `ensure_roles` grants each matching permission the first time
it is offered to a role and records it in `Role.offered_permissions`, so a district
administrator's later edits stand (a permission they removed is not given back), while an app
installed later, or a new model of an app, still reaches the existing roles. `reset=True`
restores the defaults exactly.
"""

from fnmatch import fnmatch

from django.contrib.auth.models import Permission
from django.db import transaction

from gridgov.core.manifest import collect


def role_defaults():
    """{code: {"name", "description", "order", "patterns"}} merged from every manifest, in
    INSTALLED_APPS order: patterns add up; the first non-empty name and description win."""
    merged = {}
    for _app, rd in collect("roles"):
        entry = merged.setdefault(rd.role, {"name": "", "description": "", "order": rd.order, "patterns": [],
                                            "account_kind": "staff"})
        if rd.account_kind != "staff":
            entry["account_kind"] = rd.account_kind
        entry["name"] = entry["name"] or rd.name
        entry["description"] = entry["description"] or rd.description
        entry["order"] = min(entry["order"], rd.order)
        entry["patterns"] += [p for p in rd.permissions if p not in entry["patterns"]]
    return dict(sorted(merged.items(), key=lambda item: item[1]["order"]))


def _matching(all_perms, patterns):
    return {key: pk for pk, key in all_perms if any(fnmatch(key, p) for p in patterns)}


@transaction.atomic
def ensure_roles(reset=False):
    """Create the declared roles and offer their default permissions (idempotent; see the
    module docstring). Returns {code: Role}."""
    from .models import Role

    all_perms = [
        (pk, f"{app}.{codename}")
        for pk, app, codename in Permission.objects.values_list("pk", "content_type__app_label", "codename")
    ]
    existing = {r.code: r for r in Role.objects.filter(code__in=list(role_defaults()))}
    roles = {}
    for code, spec in role_defaults().items():
        defaults = _matching(all_perms, spec["patterns"])
        role = existing.get(code)
        if role is None:
            role = Role.objects.create(code=code, name=spec["name"] or code, description=spec["description"],
                                       offered_permissions=sorted(defaults), account_kind=spec["account_kind"])
            role.permissions.set(defaults.values())
        elif reset:
            role.permissions.set(defaults.values())
            role.offered_permissions = sorted(defaults)
            role.save(update_fields=["offered_permissions"])
        elif role.offered_permissions is None:  # a role from before offers were recorded: its
            role.offered_permissions = sorted(defaults)  # permissions are as the admin left them
            role.save(update_fields=["offered_permissions"])
        else:
            new = sorted(set(defaults) - set(role.offered_permissions))
            if new:
                role.permissions.add(*(defaults[k] for k in new))
                role.offered_permissions = sorted({*role.offered_permissions, *new})
                role.save(update_fields=["offered_permissions"])
        if role.account_kind != spec["account_kind"]:  # declared by the apps, not edited in the UI
            role.account_kind = spec["account_kind"]
            role.save(update_fields=["account_kind"])
        roles[code] = role
    return roles
