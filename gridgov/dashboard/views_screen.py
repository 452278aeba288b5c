"""The big screen at /screen/: the page, its JSON per scope and the map shapes per scope.

A display account (role `display`) holds only `dashboard.view_screen` over its division; its
session lasts DISPLAY_SESSION_DAYS (an unattended screen is not logged out every evening).
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from gridgov.core.access import can
from gridgov.divisions.models import Division, DivisionShape

from . import screen, screen_stats

DISPLAY_ROLE = "display"


def _keep_display_session(request):
    if request.user.has_role(DISPLAY_ROLE):
        days = getattr(settings, "DISPLAY_SESSION_DAYS", 180)
        request.session.set_expiry(days * 86400)


def _division_or_404(request, code):
    division = Division.objects.filter(code=code, is_active=True).first()
    if division is None or not can(request.user, "dashboard.view_screen", division.path):
        raise Http404("对象不存在或无权访问")
    return division


@login_required
def page(request):
    root = screen.root_for(request.user)
    if root is None:
        raise Http404
    _keep_display_session(request)
    start = request.GET.get("scope") or root.code
    if not Division.objects.filter(code=start, is_active=True).exists() or not can(
            request.user, "dashboard.view_screen", Division.objects.get(code=start).path):
        start = root.code
    screen_stats.ensure_built()
    return render(request, "dashboard/screen.html", {
        "root": root, "start": start,
        "data_url": reverse("screen:data", args=["CODE"]), "geo_url": reverse("screen:geo", args=["CODE"]),
        "interval": int(request.GET.get("interval", 10)) if request.GET.get("interval", "").isdigit() else 10,
    })


@login_required
@never_cache
def data(request, code):
    """The whole screen for one scope, as JSON (polled every 10 seconds)."""
    division = _division_or_404(request, code)
    root = screen.root_for(request.user)
    return JsonResponse(screen.screen_data(request.user, division, root), json_dumps_params={"ensure_ascii": False})


@login_required
def geo(request, code):
    """The children's current shapes of a scope (the map of a street shows its communities …),
    coordinates rounded to ~1 m. Shapes change rarely: the browser keeps them for 5 minutes."""
    division = _division_or_404(request, code)
    shapes = (DivisionShape.objects.filter(division__parent=division, division__is_active=True, valid_to__isnull=True)
              .values_list("division__code", "division__name", "geometry"))
    if not shapes:  # a grid: its own outline
        shapes = (DivisionShape.objects.filter(division=division, valid_to__isnull=True)
                  .values_list("division__code", "division__name", "geometry"))
    features = [{"type": "Feature", "properties": {"name": code_, "label": name}, "geometry": _round(geom)}
                for code_, name, geom in shapes]
    response = JsonResponse({"type": "FeatureCollection", "features": features},
                            json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, max-age=300"
    return response


def _round(geometry, digits=5):
    def walk(c):
        if isinstance(c, list | tuple) and c and isinstance(c[0], int | float):
            return [round(c[0], digits), round(c[1], digits)]
        return [walk(x) for x in c]

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}
