"""The access chokepoint (docs/architecture.md §4, house rule “Reads go through one access
chokepoint”).

Every queryset shown to a user passes `Model.objects.visible_to(user)`. A user's scope for a
permission is computed once, here (`grants`): the division paths of the role assignments whose
role grants that permission; a row is visible when its `division_code` starts with one of those
paths. An assignment bound to a department (部门处置人员, 部门审批人员) covers, on a model whose
rows belong to a department (`ScopedQuerySet.department_field`: cases, applications), only that
department's rows — in `visible_to` and in `can(…, department=)` alike; apps never walk role
assignments themselves (ADR 0043). A missing object and a forbidden one raise the same `Http404`.
"""

import functools
import operator
from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404

from . import lookups  # noqa: F401  (registers `__prefix`, the indexed code-prefix match)
from .codes import path_of

ALL = "*"  # scope marker: the whole install


def perm_name(model, action):
    opts = model._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"


def collapse_prefixes(prefixes):
    """Drop prefixes covered by a shorter one: {'4307020', '430702004'} → ['4307020']."""
    kept = []
    for p in sorted(set(prefixes), key=len):
        if not any(p.startswith(k) for k in kept):
            kept.append(p)
    return kept


class Grants(NamedTuple):
    """Where a user holds one permission, as their role assignments say.

    `territory`: ALL or the division paths of the assignments not bound to a department — every
    row there. `departments`: {department id: ALL or paths} of the assignments bound to a
    department (部门处置人员, 部门审批人员) — there, only the rows of that department on a model
    that has one (`ScopedQuerySet.department_field`); on a model without, every row there."""

    territory: object
    departments: dict


NO_GRANTS = Grants([], {})


def grants(user, perm):
    """The one scope computation behind `scope_prefixes`, `can` and `visible_to`. Cached on the
    user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_GRANTS
    if user.is_superuser:
        return Grants(ALL, {})
    cache = user.__dict__.setdefault("_scope_cache", {})
    if perm not in cache:
        cache[perm] = _compute_grants(user, perm)
    return cache[perm]


def _compute_grants(user, perm):
    key = tuple(perm.split(".", 1))
    territory, departments = [], {}
    for assignment in user.active_assignments():
        if key not in assignment.role.permission_keys():
            continue
        path = ALL if assignment.division_id is None else assignment.division.path
        if assignment.department_id:
            departments.setdefault(assignment.department_id, []).append(path)
        elif path == ALL:
            return Grants(ALL, {})
        else:
            territory.append(path)
    return Grants(collapse_prefixes(territory),
                  {d: ALL if ALL in paths else collapse_prefixes(paths) for d, paths in departments.items()})


def scope_prefixes(user, perm):
    """Division paths where `user` holds `perm` for at least some rows, or ALL: a grant bound to
    a department counts by its territory. What install-wide questions and models without a
    department ask; rows that have a department are judged by `visible_to` and
    `can(…, department=)`."""
    g = grants(user, perm)
    if g.territory == ALL or any(paths == ALL for paths in g.departments.values()):
        return ALL
    if not g.departments:
        return g.territory
    return collapse_prefixes([*g.territory, *(p for paths in g.departments.values() for p in paths)])


def _covers(prefixes, division_code):
    return prefixes == ALL or any(str(division_code).startswith(p) for p in prefixes)


def is_district_wide(user, perm):
    """Does `user` hold `perm` over the whole install (no division, or the district itself)?
    Install-wide operations (editing roles, the work calendar, every job) ask this."""
    from django.conf import settings

    prefixes = scope_prefixes(user, perm)
    return prefixes == ALL or any(settings.DISTRICT_CODE.startswith(p) for p in prefixes)


def require_district_wide(user, perm):
    """Raise PermissionDenied unless `user` holds `perm` over the whole install."""
    if not is_district_wide(user, perm):
        raise PermissionDenied(f"没有权限：{perm}（需要全区范围）")


def _whole_install(paths):
    """Paths that hold every row of the install (none, or the district's own path)."""
    from django.conf import settings

    return paths == ALL or any(settings.DISTRICT_CODE.startswith(p) for p in paths)


def prefix_q(field, prefixes):
    q = Q()
    for p in prefixes:
        q |= Q(**{f"{field}__prefix": p})
    return q


ANY_DEPARTMENT = object()  # `can` without `department=`: the row has no department


def can(user, perm, division_code=None, department=ANY_DEPARTMENT):
    """Does `user` hold `perm` over the division `division_code` (or anywhere, when None)?

    For a row that belongs to a department (a case's current department, an application's
    competent department), pass its id (or None) as `department`: a grant bound to a department
    then counts only for that department's rows, as in `visible_to`."""
    if department is ANY_DEPARTMENT:
        prefixes = scope_prefixes(user, perm)
        if division_code is None:
            return prefixes == ALL or bool(prefixes)
        return _covers(prefixes, division_code)
    g = grants(user, perm)
    paths = [g.territory, *([g.departments[department]] if department in g.departments else [])]
    if division_code is None:
        return any(p == ALL or p for p in paths)
    return any(_covers(p, division_code) for p in paths)


def require(user, perm, division_code=None, department=ANY_DEPARTMENT):
    """Raise PermissionDenied unless `can(...)`. Actions call this before writing."""
    if not can(user, perm, division_code, department):
        raise PermissionDenied(f"没有权限：{perm}")


class ScopedQuerySet(models.QuerySet):
    """QuerySet of a model scoped by a division-code column (`scope_field`). A model whose rows
    belong to a department names its column in `department_field`: a grant bound to a
    department then shows only that department's rows."""

    scope_field = "division_code"
    department_field = None

    def visible_to(self, user, action="view"):
        perm = perm_name(self.model, action)
        if self.department_field is None:
            prefixes = scope_prefixes(user, perm)
            if prefixes == ALL:
                return self
            if not prefixes:
                return self.none()
            return self.filter(prefix_q(self.scope_field, prefixes))
        g = grants(user, perm)
        if g.territory == ALL:
            return self
        parts = [prefix_q(self.scope_field, g.territory)] if g.territory else []
        everywhere = []  # departments granted over the whole install: one IN (…)
        for department, paths in g.departments.items():
            if _whole_install(paths):
                everywhere.append(department)
            else:
                parts.append(Q(**{self.department_field: department}) & prefix_q(self.scope_field, paths))
        if everywhere:
            parts.append(Q(**{f"{self.department_field}__in": everywhere}))
        if not parts:
            return self.none()
        return self.filter(functools.reduce(operator.or_, parts))

    def within(self, code):
        """Narrow to one division (the scope switcher): an indexed prefix match."""
        if not code:
            return self
        return self.filter(**{f"{self.scope_field}__prefix": path_of(code)})


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    pass


def get_visible_or_404(queryset_or_model, user, action="view", **lookup):
    """Fetch one object the user may see; missing and forbidden both give Http404."""
    qs = queryset_or_model
    if isinstance(qs, type) and issubclass(qs, models.Model):
        qs = qs.objects.all()
    try:
        return qs.visible_to(user, action).get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404("对象不存在或无权访问")


def ensure_visible(user, obj, action="view"):
    """Re-check after a write, inside the same transaction, that the object is still in the
    actor's scope; raises PermissionDenied so the transaction rolls back."""
    model = type(obj)
    if not model.objects.visible_to(user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied("操作后的对象超出了您的管辖范围")
