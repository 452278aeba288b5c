"""Helpers shared by the party views."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse

TREE_CRUMB = {"label": "红色网格", "url": "/party/"}


def scope_of(request):
    return request.session.get("active_scope", "")


def crumbs(*items):
    return [TREE_CRUMB, *items]


def run_action(request, fn, success, redirect_to, **kwargs):
    """Call an action from a POST; show the outcome as a message and redirect back. Forbidden
    looks like missing (404)."""
    try:
        result = fn(actor=request.user, **kwargs)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return HttpResponseRedirect(redirect_to), None
    except PermissionDenied:
        raise Http404("对象不存在或无权访问")
    messages.success(request, success)
    return HttpResponseRedirect(redirect_to), result


def back(request, default_name, *args):
    nxt = request.POST.get("next") or request.GET.get("next")
    if nxt and nxt.startswith("/") and not nxt.startswith("//"):
        return nxt
    return reverse(default_name, args=args)
