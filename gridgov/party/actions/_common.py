"""Helpers shared by the party actions: who may act for a member."""

from django.core.exceptions import PermissionDenied

from gridgov.core.access import can, require
from gridgov.core.actors import is_system  # noqa: F401  (re-exported for the party actions)


def require_staff(actor, perm, division_code):
    """Party staff (or the system actor, through its role) holding `perm` over the division."""
    require(actor, perm, division_code)


def require_self_or(actor, member, perm):
    """A member acts for themself (self-service pages); otherwise party staff with `perm` over
    the member's grid may act for them."""
    if member.user_id and getattr(actor, "pk", None) == member.user_id:
        return
    if not can(actor, perm, member.division_code):
        raise PermissionDenied(f"没有权限：{perm}")


def user_of(actor):
    return actor if getattr(actor, "pk", None) else None
