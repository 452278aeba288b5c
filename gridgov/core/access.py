"""The access chokepoint (rule 2 in docs/architecture.md).

Every queryset shown to a user passes `Model.objects.visible_to(user)`. A user's scope for a
permission is the set of division paths of the role assignments whose role grants that
permission; a row is visible when its `division_code` starts with one of those paths. A missing
object and a forbidden one raise the same `Http404`.
"""

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


def scope_prefixes(user, perm):
    """Division paths where `user` holds `perm`, or ALL. Cached on the user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return ALL
    cache = user.__dict__.setdefault("_scope_cache", {})
    if perm not in cache:
        cache[perm] = _compute_prefixes(user, perm)
    return cache[perm]


def _compute_prefixes(user, perm):
    app_label, codename = perm.split(".", 1)
    prefixes = []
    for assignment in user.active_assignments():
        if (app_label, codename) not in assignment.role.permission_keys():
            continue
        if assignment.division_id is None:
            return ALL
        prefixes.append(assignment.division.path)
    return collapse_prefixes(prefixes)


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


def prefix_q(field, prefixes):
    q = Q()
    for p in prefixes:
        q |= Q(**{f"{field}__prefix": p})
    return q


def can(user, perm, division_code=None):
    """Does `user` hold `perm` over the division `division_code` (or anywhere, when None)?"""
    prefixes = scope_prefixes(user, perm)
    if prefixes == ALL:
        return True
    if division_code is None:
        return bool(prefixes)
    return any(str(division_code).startswith(p) for p in prefixes)


def require(user, perm, division_code=None):
    """Raise PermissionDenied unless `can(...)`. Actions call this before writing."""
    if not can(user, perm, division_code):
        raise PermissionDenied(f"没有权限：{perm}")


class ScopedQuerySet(models.QuerySet):
    """QuerySet of a model scoped by a division-code column (`scope_field`)."""

    scope_field = "division_code"

    def visible_to(self, user, action="view"):
        prefixes = scope_prefixes(user, perm_name(self.model, action))
        if prefixes == ALL:
            return self
        if not prefixes:
            return self.none()
        return self.filter(prefix_q(self.scope_field, prefixes))

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
