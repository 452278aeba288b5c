"""Street centre lines for the partition engine: saving them (the demo generator and surveys
call `save_streets`) and reading the ones near an area."""

from django.db import transaction
from shapely.geometry import mapping, shape

from .models import StreetLine

LINE_TYPES = ("LineString", "MultiLineString")


def _features(features):
    if isinstance(features, dict):
        features = features.get("features") or []
    return features


@transaction.atomic
def save_streets(features, *, division=None, source="demo", replace=False, batch_size=2000):
    """Store street lines (GeoJSON Features or a FeatureCollection; properties.name optional).
    `replace` first deletes the lines of the same `source` (and division, when given). Lines
    that are not LineString/MultiLineString are skipped. Returns the number saved."""
    if replace:
        qs = StreetLine.objects.filter(source=source)
        if division is not None:
            qs = qs.filter(division=division)
        qs.delete()
    rows = []
    for feat in _features(features):
        geom = feat.get("geometry") if isinstance(feat, dict) else None
        if not geom or geom.get("type") not in LINE_TYPES:
            continue
        g = shape(geom)
        if g.is_empty:
            continue
        minx, miny, maxx, maxy = g.bounds
        props = feat.get("properties") or {}
        rows.append(StreetLine(
            name=str(props.get("name") or "")[:100], geometry=mapping(g), min_lng=minx, min_lat=miny,
            max_lng=maxx, max_lat=maxy, division=division, source=source[:40],
        ))
    StreetLine.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)


def streets_in_bbox(min_lng, min_lat, max_lng, max_lat):
    """Street lines whose bounding box meets the given one (indexed prefilter)."""
    return StreetLine.objects.filter(
        min_lng__lte=max_lng, max_lng__gte=min_lng, min_lat__lte=max_lat, max_lat__gte=min_lat
    )
