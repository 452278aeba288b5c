"""Views of the core app: home dashboard (the counters the apps declare), health check,
notifications, scope switcher, error pages. Audit, jobs and calendar pages live in their own modules next to this one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import notify
from .codes import level_of
from .menu import indicator_values
from .paging import CappedPaginator


def home_cards(request):
    """The cards the installed apps show this viewer on the home page (manifest `home_cards`):
    a party member's duties, a secretary's review queue, a handler's queue, a resident's reports …
    so that every role lands on a page about its own work."""
    from .manifest import collect, resolve

    cards = []
    for _app, path in collect("home_cards"):
        card = resolve(path)(request)
        if card:
            cards.append(card)
    return sorted(cards, key=lambda c: c.get("order", 100))


@login_required
def home(request):
    user = request.user
    from .models import Job

    cards = home_cards(request)
    return render(request, "core/home.html", {
        "counters": indicator_values(user, request.active_scope, home=True), "home_division": user.home_division(),
        "cards": cards, "assignments": user.active_assignments(),
        "recent_jobs": Job.objects.filter(created_by=user)[:5],
        "unread": user.notifications.filter(read_at__isnull=True)[:5],
        "breadcrumb": [{"label": "首页"}],
    })


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


@login_required
def notifications(request):
    qs = request.user.notifications.all()
    page = CappedPaginator(qs, 30).get_page(request.GET.get("page"))
    if request.method == "POST":
        notify.mark_all_read(actor=request.user)
        return HttpResponseRedirect(request.path)
    return render(request, "core/notifications.html", {"page": page, "breadcrumb": [{"label": "通知中心"}]})


@login_required
@require_POST
def set_scope(request):
    """Remember the division the viewer wants lists narrowed to (blank = everything visible)."""
    scope = request.POST.get("scope", "").strip()
    if scope and level_of(scope) is None:
        messages.error(request, f"区划代码“{scope[:20]}”格式不正确，应为 12 或 15 位数字。")
    else:
        request.session["active_scope"] = scope
    nxt = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = "/"
    return HttpResponseRedirect(nxt)


def media(request, path):
    """Uploaded files: served only when the object they belong to is visible to the viewer
    (core.media); a missing and a forbidden file are the same 404. In a large deployment set
    MEDIA_X_ACCEL_REDIRECT and the reverse proxy sends the bytes after this check."""
    from .media import serve

    return serve(request, path)
