"""Helpers shared by the care pages."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from gridgov.core.access import can

ROOT = {"label": "便民服务", "url": "/care/orders/"}


def scope(request):
    return getattr(request, "active_scope", "") or request.session.get("active_scope", "")


def need(request, perm, code=None):
    if not can(request.user, perm, code):
        raise Http404("对象不存在或无权访问")


def run(request, fn, form, success, **kwargs):
    """Call an action; put a ValidationError back on the form (or in messages without one)."""
    try:
        result = fn(actor=request.user, **kwargs)
    except ValidationError as exc:
        errors = getattr(exc, "message_dict", None) or {"__all__": exc.messages}
        for field, msgs in errors.items():
            if form is not None:
                form.add_error(field if field in form.fields else None, msgs)
            else:
                messages.error(request, "；".join(msgs))
        return None
    except PermissionDenied:
        raise Http404("对象不存在或无权访问")
    messages.success(request, success)
    return result
