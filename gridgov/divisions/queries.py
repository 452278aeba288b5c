"""Reads of the divisions app (always through `visible_to`)."""

from gridgov.accounts.choices import RoleCode

from .choices import Level
from .codes import level_of, path_of
from .models import Division, DivisionShape

SORTS = {"code": "code", "-code": "-code", "name": "name", "-name": "-name", "level": "level",
         "-level": "-level", "households": "household_count", "-households": "-household_count"}


def division_list(user, *, q="", level="", parent="", sort="code", within=""):
    qs = Division.objects.visible_to(user).select_related("parent")
    if within:
        qs = qs.within(within)
    if q:
        from django.db.models import Q

        qs = qs.filter(Q(name__icontains=q) | Q(code__startswith=q))
    if str(level).isdigit():
        qs = qs.filter(level=int(level))
    if parent:
        qs = qs.filter(parent__code=parent)
    return qs.order_by(SORTS.get(sort, "code"), "code")


def public_community_or_404(code):
    """A live community by its 12-digit code, for the public pages (the whole district is public:
    the community website, and the resident pages other apps add to it)."""
    from django.http import Http404

    community = Division.objects.select_related("parent").filter(code=code, level=Level.COMMUNITY,
                                                                 is_active=True).first()
    if community is None:
        raise Http404("找不到该社区")
    return community


def grid_workers(division):
    """Users holding the grid-worker role on exactly this division."""
    from gridgov.accounts.models import User

    return User.objects.filter(
        assignments__role__code=RoleCode.GRID_WORKER, assignments__division=division, is_active=True
    ).distinct().order_by("full_name", "username")


def geojson(user, *, level, within=""):
    """A FeatureCollection of the current polygons of visible divisions at `level`, with bbox."""
    from django.urls import reverse

    visible = Division.objects.visible_to(user).filter(level=level, is_active=True)
    if within and level_of(within):
        visible = visible.filter(code__prefix=path_of(within))
    shapes = DivisionShape.objects.filter(valid_to__isnull=True, division__in=visible).select_related("division")
    features, bbox = [], None
    for s in shapes.order_by("division__code"):
        d = s.division
        features.append({
            "type": "Feature", "id": d.code, "geometry": s.geometry,
            "properties": {"code": d.code, "name": d.name, "level": d.level,
                           "level_name": str(Level(d.level).label),
                           "households": d.household_count or s.households, "version": s.version,
                           "url": reverse("divisions:detail", args=[d.code])},
        })
        box = (s.min_lng, s.min_lat, s.max_lng, s.max_lat)
        bbox = box if bbox is None else (min(bbox[0], box[0]), min(bbox[1], box[1]),
                                          max(bbox[2], box[2]), max(bbox[3], box[3]))
    return {"type": "FeatureCollection", "features": features, "bbox": list(bbox) if bbox else None}
