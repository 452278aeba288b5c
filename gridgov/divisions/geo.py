"""Geometry helpers over GeoJSON (shapely 2 + pyproj; no GDAL). Coordinates are lon/lat."""

from functools import lru_cache

from pyproj import Geod
from shapely.geometry import Point, mapping, shape

_GEOD = Geod(ellps="WGS84")


def bbox(geometry):
    """(min_lng, min_lat, max_lng, max_lat) of a GeoJSON geometry."""
    return shape(geometry).bounds


def area_m2(geometry):
    """Geodesic area in square metres."""
    return abs(_GEOD.geometry_area_perimeter(shape(geometry))[0])


def normalise(geometry):
    """Validate a GeoJSON geometry; returns it as a plain dict or raises ValueError (Chinese)."""
    try:
        geom = shape(geometry)
    except Exception as exc:
        raise ValueError(f"无法解析的几何图形：{exc}")
    if geom.is_empty:
        raise ValueError("几何图形为空")
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise ValueError(f"边界必须是面（Polygon/MultiPolygon），而不是 {geom.geom_type}")
    if not geom.is_valid:
        from shapely.validation import explain_validity

        raise ValueError(f"边界几何无效：{explain_validity(geom)}")
    return mapping(geom)


@lru_cache(maxsize=4096)
def _prepared(shape_id, version):
    """Prepared polygons, cached by (shape id, version): shapes are immutable once written."""
    from shapely import prepare

    from .models import DivisionShape

    geom = shape(DivisionShape.objects.only("geometry").get(pk=shape_id).geometry)
    prepare(geom)
    return geom


def division_at(lng, lat, level):
    """The current division of `level` containing the point, or None. Bounding-box prefilter
    in SQL (indexed), exact point-in-polygon in shapely."""
    from .models import DivisionShape

    candidates = DivisionShape.objects.filter(
        valid_to__isnull=True, division__level=level, division__is_active=True,
        min_lng__lte=lng, max_lng__gte=lng, min_lat__lte=lat, max_lat__gte=lat,
    ).select_related("division").only("pk", "version", "division")  # one query, no geometry column
    pt = Point(lng, lat)
    for candidate in candidates:
        if _prepared(candidate.pk, candidate.version).covers(pt):
            return candidate.division
    return None


def grid_at(lng, lat):
    from .choices import Level

    return division_at(lng, lat, Level.GRID)
