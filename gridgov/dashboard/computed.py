"""The 三五 indicators computed from platform data, per community, for one period.

Each function takes the period [start, end) and the community Divisions and returns
{community code: (numerator, denominator)}; the value is numerator / denominator × 100. Every
function is a handful of grouped queries over indexed columns, whatever the number of
communities. `IndicatorDefinition.computation` names the function by its key in COMPUTATIONS.
"""

import datetime

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from gridgov.community.choices import FacilityStatus
from gridgov.community.compliance import compliance_for
from gridgov.community.models import Facility


def _midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _by_community(qs, **aggregates):
    """GROUP BY the community (first 12 digits of division_code)."""
    return qs.annotate(c=Substr("division_code", 1, 12)).values("c").annotate(**aggregates).order_by()


def _has_facility(type_codes):
    def compute(start, end, communities):
        codes = [c.code for c in communities]
        have = set(Facility.objects.filter(division_code__in=codes, status=FacilityStatus.BUILT,
                                           facility_type__code__in=type_codes)
                   .values_list("division_code", flat=True).distinct())
        return {c: (1 if c in have else 0, 1) for c in codes}
    return compute


def service_area(start, end, communities):
    return {r.code: (1 if r.area_ok else 0, 1) for r in compliance_for(communities)}


def tech_coverage(start, end, communities):
    from gridgov.registry.models import Component

    codes = [c.code for c in communities]
    have = {row["c"] for row in _by_community(
        Component.objects.filter(component_class__name__contains="监控"), n=Count("id")) if row["n"]}
    return {c: (1 if c in have else 0, 1) for c in codes}


def _case_events(start, end, communities, kinds, hit):
    from gridgov.cases.models import CaseEvent

    qs = CaseEvent.objects.filter(at__gte=_midnight(start), at__lt=_midnight(end), kind__in=kinds)
    rows = {r["c"]: (r["hit"], r["n"]) for r in _by_community(qs, n=Count("id"), hit=Count("id", filter=hit))}
    return {c.code: rows[c.code] for c in communities if c.code in rows and rows[c.code][1]}


def on_time_rate(start, end, communities):
    from gridgov.cases.choices import EventKind as K

    return _case_events(start, end, communities, [K.CLOSE, K.SOLVE], Q(on_time=True))


def satisfaction(start, end, communities):
    from gridgov.cases.choices import EventKind as K

    return _case_events(start, end, communities, [K.RATE], Q(rating__gte=4))


def grid_worker_rate(start, end, communities):
    from gridgov.accounts.models import RoleAssignment
    from gridgov.divisions.models import Division

    grids = list(Division.objects.current_grids().filter(parent__in=communities).values_list("id", "code"))
    staffed = set(RoleAssignment.objects.filter(role__code="grid_worker", division_id__in=[i for i, _ in grids])
                  .values_list("division_id", flat=True))
    out = {}
    for gid, code in grids:
        hit, n = out.get(code[:12], (0, 0))
        out[code[:12]] = (hit + (gid in staffed), n + 1)
    return out


def party_registration(start, end, communities):
    from gridgov.party.choices import MemberCategory, MemberStatus
    from gridgov.party.models import PartyMember

    qs = PartyMember.objects.filter(category=MemberCategory.IN_SERVICE, status=MemberStatus.ACTIVE)
    rows = {r["c"]: (r["hit"], r["n"]) for r in _by_community(
        qs, n=Count("id"), hit=Count("id", filter=Q(registered_at__lt=_midnight(end))))}
    return {c.code: rows[c.code] for c in communities if c.code in rows}


COMPUTATIONS = {
    "satisfaction": satisfaction,
    "on_time_rate": on_time_rate,
    "party_registration": party_registration,
    "service_area": service_area,
    "grid_worker_rate": grid_worker_rate,
    "tech_coverage": tech_coverage,
    "sports_coverage": _has_facility(["sports_ground", "activity_room"]),
    "health_coverage": _has_facility(["health_room"]),
    "kindergarten_coverage": _has_facility(["kindergarten"]),
    "police_coverage": _has_facility(["police_room"]),
}
