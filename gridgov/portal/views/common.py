"""Helpers shared by the portal's views."""

from django.core.exceptions import ValidationError
from django.utils.http import url_has_allowed_host_and_scheme

from gridgov.divisions.queries import public_community_or_404


def error_text(exc):
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "；".join(m for msgs in exc.message_dict.values() for m in msgs)
        return "；".join(exc.messages)
    return str(exc) or "没有权限"


def add_errors(form, exc):
    """Put an action's ValidationError on the form (field errors at their field)."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error_text(exc))


def safe_next(request, default):
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return nxt
    return default


def community_or_404(code):
    """A live community by its 12-digit code (public pages: the whole district is public)."""
    return public_community_or_404(code)
