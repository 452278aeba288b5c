"""Helpers shared by the party actions: who may act for a member, and system actors."""

from django.core.exceptions import PermissionDenied

from gridgov.core.access import can, require


def is_system(actor):
    """Jobs and CLI commands run with actor=None (the audit log shows 系统)."""
    return actor is None


def require_staff(actor, perm, division_code):
    if is_system(actor):
        return
    require(actor, perm, division_code)


def require_self_or(actor, member, perm):
    """A member acts for themself (self-service pages); otherwise party staff with `perm` over
    the member's grid may act for them."""
    if is_system(actor):
        return
    if member.user_id and getattr(actor, "pk", None) == member.user_id:
        return
    if not can(actor, perm, member.division_code):
        raise PermissionDenied(f"没有权限：{perm}")


def user_of(actor):
    return actor if getattr(actor, "pk", None) else None
