"""Views of the divisions app: list, detail, map (+ its GeoJSON), import upload."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from gridgov.core.access import can, get_visible_or_404
from gridgov.core.paging import CappedPaginator

from . import queries
from .choices import Level
from .models import Division


def _require_view(user):
    if not can(user, "divisions.view_division"):
        raise PermissionDenied


def _base_crumbs():
    return [{"label": "网格与区划"}, {"label": "区划网格", "url": reverse("divisions:list")}]


@login_required
def division_list(request):
    _require_view(request.user)
    params = {k: request.GET.get(k, "").strip() for k in ("q", "level", "parent", "sort")}
    qs = queries.division_list(request.user, within=request.active_scope, **{**params,
                               "sort": params["sort"] or "code"})
    page = CappedPaginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "divisions/list.html", {
        "page": page, "levels": Level.choices, **params,
        "can_import": can(request.user, "divisions.import_division"),
        "breadcrumb": [{"label": "网格与区划"}, {"label": "区划网格"}],
    })


@login_required
def division_detail(request, code):
    _require_view(request.user)
    division = get_visible_or_404(Division.objects.select_related("parent"), request.user, code=code)
    ancestors = division.ancestors()
    visible = set(Division.objects.visible_to(request.user).filter(
        code__in=[a.code for a in ancestors]).values_list("code", flat=True))
    crumbs = _base_crumbs() + [
        {"label": a.name, "url": reverse("divisions:detail", args=[a.code]) if a.code in visible else ""}
        for a in ancestors
    ] + [{"label": division.name}]
    children = division.children.visible_to(request.user).order_by("code")
    shapes = list(division.shapes.select_related("created_by").order_by("-version"))
    current = next((s for s in shapes if s.valid_to is None), None)
    return render(request, "divisions/detail.html", {
        "division": division, "children": children, "shapes": shapes, "current_shape": current,
        "workers": queries.grid_workers(division) if division.is_grid else [],
        "breadcrumb": crumbs,
    })


@login_required
def division_map(request):
    _require_view(request.user)
    within = request.GET.get("within", "") or request.active_scope
    return render(request, "divisions/map.html", {
        "within": within,
        "layers": [(Level.STREET, "街道/乡镇"), (Level.COMMUNITY, "社区/村"), (Level.GRID, "网格")],
        "breadcrumb": [{"label": "网格与区划"}, {"label": "网格地图"}],
    })


@login_required
@require_GET
def division_geojson(request):
    _require_view(request.user)
    level = request.GET.get("level", str(Level.GRID))
    if not level.isdigit() or int(level) not in Level.values:
        return JsonResponse({"detail": "层级参数不正确（1–4）"}, status=400)
    return JsonResponse(queries.geojson(request.user, level=int(level), within=request.GET.get("within", "")))
