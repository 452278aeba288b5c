"""The district's own base map (docs/adr: the map library and its base map).

Until an operator sets MAP_TILE_URL there is no tile server, so every map draws the district
from its own data: street centre lines (stored for the partition engine), building footprints at
close zoom, and the outlines and names of street offices, communities and grids.

What this returns is what a printed street map shows: geometry and public names only. No
registry attribute (address, households, people) leaves through it, which is why it is served to
anyone who may see a map, the public report form included, and not filtered by `visible_to`
(a grid worker reporting near her grid's edge must see the streets next door).
"""

from functools import lru_cache

from shapely.geometry import shape

from gridgov.divisions.choices import Level
from gridgov.divisions.models import DivisionShape
from gridgov.divisions.redraw.models import StreetLine

from .models import Building

# zoom thresholds (Leaflet zoom levels; 16 ≈ 2.4 m per pixel at 29° N)
BUILDINGS_FROM_ZOOM = 16
GRIDS_FROM_ZOOM = 14
MAX_STREETS = 4000
MAX_BUILDINGS = 5000
# a request may not ask for more than about a district at once
MAX_SPAN_DEG = 1.5


def _round(coords, places=6):
    if isinstance(coords, (int, float)):
        return round(coords, places)
    return [_round(c, places) for c in coords]


def _geometry(geom):
    return {"type": geom["type"], "coordinates": _round(geom["coordinates"])}


@lru_cache(maxsize=4096)
def _label_point(shape_id, version):
    """A point inside the polygon for its name (representative point, not the centroid, which
    can fall outside an L-shaped grid). Shapes are immutable per (id, version)."""
    geom = shape(DivisionShape.objects.only("geometry").get(pk=shape_id).geometry)
    point = geom.representative_point()
    return round(point.x, 6), round(point.y, 6)


def parse_bbox(value):
    """"minlng,minlat,maxlng,maxlat" → a tuple, or None when malformed or too large."""
    try:
        min_lng, min_lat, max_lng, max_lat = (float(v) for v in value.split(","))
    except (AttributeError, ValueError):
        return None
    if not (-180 <= min_lng < max_lng <= 180 and -90 <= min_lat < max_lat <= 90):
        return None
    if max_lng - min_lng > MAX_SPAN_DEG or max_lat - min_lat > MAX_SPAN_DEG:
        return None
    return min_lng, min_lat, max_lng, max_lat


def _in_bbox(qs, bbox):
    min_lng, min_lat, max_lng, max_lat = bbox
    return qs.filter(min_lng__lte=max_lng, max_lng__gte=min_lng, min_lat__lte=max_lat, max_lat__gte=min_lat)


def streets(bbox):
    rows = _in_bbox(StreetLine.objects.all(), bbox).values_list("name", "geometry")[:MAX_STREETS]
    return [{"type": "Feature", "geometry": _geometry(g), "properties": {"name": name}} for name, g in rows]


def buildings(bbox, zoom):
    if zoom < BUILDINGS_FROM_ZOOM:
        return []
    min_lng, min_lat, max_lng, max_lat = bbox
    rows = (Building.objects.filter(lng__gte=min_lng, lng__lte=max_lng, lat__gte=min_lat, lat__lte=max_lat,
                                    footprint__isnull=False)
            .values_list("footprint", "floors")[:MAX_BUILDINGS])
    return [{"type": "Feature", "geometry": _geometry(g), "properties": {"floors": floors}}
            for g, floors in rows if g and g.get("type") in ("Polygon", "MultiPolygon")]


def areas(bbox, zoom):
    """Outlines and label points of the divisions in view: street offices and communities
    always, grids from GRIDS_FROM_ZOOM."""
    levels = [Level.STREET, Level.COMMUNITY] + ([Level.GRID] if zoom >= GRIDS_FROM_ZOOM else [])
    rows = (_in_bbox(DivisionShape.objects.filter(valid_to__isnull=True, division__is_active=True,
                                                  division__level__in=levels), bbox)
            .values_list("pk", "version", "geometry", "division__code", "division__name", "division__level")
            .order_by("division__level", "division__code"))
    features, labels = [], []
    for pk, version, geometry, code, name, level in rows:
        features.append({"type": "Feature", "geometry": _geometry(geometry),
                         "properties": {"code": code, "name": name, "level": level}})
        lng, lat = _label_point(pk, version)
        labels.append({"name": name, "code": code, "level": level, "lng": lng, "lat": lat})
    return features, labels


def base_map(bbox, zoom):
    """Everything the client draws for one view: {streets, buildings, areas, labels}."""
    area_features, labels = areas(bbox, zoom)
    return {
        "streets": {"type": "FeatureCollection", "features": streets(bbox)},
        "buildings": {"type": "FeatureCollection", "features": buildings(bbox, zoom)},
        "areas": {"type": "FeatureCollection", "features": area_features},
        "labels": labels,
        "zoom": zoom,
    }


def extent():
    """The bounding box of the current district-level shapes (or of all shapes), for a map that
    has nothing else to fit."""
    from django.db.models import Max, Min

    qs = DivisionShape.objects.filter(valid_to__isnull=True, division__is_active=True)
    for level in (Level.STREET, Level.COMMUNITY, Level.DISTRICT, None):
        part = qs.filter(division__level=level) if level else qs
        box = part.aggregate(Min("min_lng"), Min("min_lat"), Max("max_lng"), Max("max_lat"))
        if box["min_lng__min"] is not None:
            return [box["min_lng__min"], box["min_lat__min"], box["max_lng__max"], box["max_lat__max"]]
    return None


def grid_at(lng, lat):
    """The grid at a point as {code, name} (public names), or None."""
    from gridgov.divisions.geo import grid_at as division_grid_at

    grid = division_grid_at(lng, lat)
    return {"code": grid.code, "name": grid.name} if grid else None
