"""Helpers of the services pages."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from gridgov.core.access import can


def scope_of(request):
    return getattr(request, "active_scope", "") or request.session.get("active_scope", "")


def need(request, perm, code=None):
    if not can(request.user, perm, code):
        raise Http404("对象不存在或无权访问")


def run(request, fn, form, success, **kwargs):
    """Call an action; a ValidationError goes back on the form (or to messages), a refusal is a 404."""
    try:
        result = fn(actor=request.user, **kwargs)
    except ValidationError as exc:
        for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
            if form is not None and field in form.fields:
                form.add_error(field, errors)
            elif form is not None:
                form.add_error(None, errors)
            else:
                for e in errors:
                    messages.error(request, e)
        return None
    except PermissionDenied:
        raise Http404("对象不存在或无权访问")
    if success:
        messages.success(request, success)
    return result or True
