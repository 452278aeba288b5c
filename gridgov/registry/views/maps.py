"""The base map's data (registry/basemap.py): public geometry and names, for every map."""

from django.http import JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from .. import basemap


@require_GET
@cache_control(max_age=300)
def base_map(request):
    """GET ?bbox=minlng,minlat,maxlng,maxlat&zoom=Z → streets, buildings, areas, labels;
    GET ?extent=1 → {"bbox": the district's extent}."""
    if "extent" in request.GET:
        return JsonResponse({"bbox": basemap.extent()})
    bbox = basemap.parse_bbox(request.GET.get("bbox", ""))
    zoom = request.GET.get("zoom", "")
    if bbox is None or not zoom.isdigit() or not 0 <= int(zoom) <= 22:
        return JsonResponse({"detail": "参数不正确：需要 bbox=最小经度,最小纬度,最大经度,最大纬度（跨度不超过 1.5 度）和 zoom"},
                            status=400)
    return JsonResponse(basemap.base_map(bbox, int(zoom)))


@require_GET
def grid_at(request):
    """GET ?lng=&lat= → {"grid": {code, name} | null}: the report form pre-fills the grid."""
    try:
        lng, lat = float(request.GET["lng"]), float(request.GET["lat"])
    except (KeyError, ValueError):
        return JsonResponse({"detail": "需要 lng 和 lat"}, status=400)
    if not (-180 <= lng <= 180 and -90 <= lat <= 90):
        return JsonResponse({"detail": "经纬度超出范围"}, status=400)
    return JsonResponse({"grid": basemap.grid_at(lng, lat)})
