"""Reads of the accounts app: which users an actor may see or manage (scoped by the division
codes of the target users' role assignments)."""

from django.db.models import Prefetch, Q

from gridgov.core.access import is_district_wide, prefix_q, scope_prefixes

from .models import RoleAssignment, User


def user_prefixes(actor, action="view"):
    return scope_prefixes(actor, f"accounts.{action}_user")


def visible_users(actor, action="view"):
    """Users the actor may see (`view`) or manage (`change`): a street administrator sees the
    users holding an assignment inside the street; the whole-install scope sees everyone."""
    prefixes = user_prefixes(actor, action)
    qs = User.objects.all()
    if is_district_wide(actor, f"accounts.{action}_user"):
        return qs
    if not prefixes:
        return qs.none()
    ids = RoleAssignment.objects.filter(prefix_q("division__code", prefixes)).values("user_id")
    qs = qs.filter(pk__in=ids)
    if action != "view":
        # Managing a user (password, profile, unlock) is managing every role they hold: only
        # users all of whose assignments lie inside the manager's scope — never one who also
        # holds a role elsewhere or over the whole install (issue 11: account takeover).
        outside = RoleAssignment.objects.filter(Q(division__isnull=True) | ~prefix_q("division__code", prefixes))
        qs = qs.exclude(pk__in=outside.values("user_id")).exclude(is_superuser=True)
    return qs


def with_assignments(qs):
    """Prefetch assignments with role, division, department (no N+1 on list pages)."""
    return qs.prefetch_related(
        Prefetch(
            "assignments",
            queryset=RoleAssignment.objects.select_related("role", "division", "department").order_by("id"),
            to_attr="assignment_list",
        )
    )


def manageable_divisions(actor):
    """Divisions the actor may bind users to (their `accounts.change_user` scope)."""
    from gridgov.divisions.models import Division

    prefixes = user_prefixes(actor, "change")
    qs = Division.objects.filter(is_active=True).order_by("code")
    if is_district_wide(actor, "accounts.change_user"):
        return qs
    if not prefixes:
        return qs.none()
    return qs.filter(prefix_q("code", prefixes))
