"""Facility compliance per community, computed from the facility records and the current
standard (both data): which required types are missing (a type counts when a facility of it is
built) and the service-room area per 100 households against the standard.

Everything comes from two grouped queries over the (small, indexed) facility table and the
communities' maintained household counts, so a district's 170 communities cost the same few
queries as one.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from gridgov.divisions.models import Division

from .choices import FacilityStatus
from .models import Facility, FacilityStandard, FacilityType


@dataclass
class Compliance:
    """One community's compliance with the standard."""

    code: str
    name: str
    households: int
    service_area: Decimal
    required_area: Decimal
    missing: list = field(default_factory=list)  # FacilityType names
    present: list = field(default_factory=list)

    @property
    def area_per_100(self):
        if not self.households:
            return None
        return (self.service_area * 100 / self.households).quantize(Decimal("0.1"))

    @property
    def area_ratio(self):
        """Service area as a share of the required area (1.0 = exactly meets it)."""
        if not self.required_area:
            return None
        return float(self.service_area / self.required_area)

    @property
    def area_ok(self):
        return self.service_area >= self.required_area

    @property
    def compliant(self):
        return not self.missing and self.area_ok

    @property
    def level(self):
        """'ok' (compliant), 'partial' (one gap: missing types or area), 'poor' (both)."""
        gaps = bool(self.missing) + (not self.area_ok)
        return ("ok", "partial", "poor")[gaps]

    def as_dict(self):
        return {
            "code": self.code, "name": self.name, "households": self.households,
            "service_area": float(self.service_area), "required_area": float(self.required_area),
            "area_per_100": float(self.area_per_100) if self.area_per_100 is not None else None,
            "missing": self.missing, "compliant": self.compliant, "level": self.level,
        }


def required_area(standard, households):
    need = Decimal(households) * standard.area_per_100_households / 100
    return max(need, standard.min_service_area).quantize(Decimal("0.1"))


def compliance_for(communities, standard=None):
    """[Compliance] for an iterable of community Divisions (in the given order)."""
    communities = list(communities)
    standard = standard or FacilityStandard.current()
    if not communities:
        return []
    codes = [c.code for c in communities]
    built = Facility.objects.filter(division_code__in=codes, status=FacilityStatus.BUILT)
    present = {}
    for code, type_id in built.values_list("division_code", "facility_type_id").distinct():
        present.setdefault(code, set()).add(type_id)
    area = dict(built.filter(facility_type__is_service_room=True).values("division_code")
                .annotate(a=Sum("area_m2")).values_list("division_code", "a"))
    required = list(standard.required_types.filter(is_active=True)) if standard else []
    names = {t.id: t.name for t in FacilityType.objects.all()}
    out = []
    for c in communities:
        have = present.get(c.code, set())
        out.append(Compliance(
            code=c.code, name=c.name, households=c.household_count or 0,
            service_area=Decimal(area.get(c.code) or 0),
            required_area=required_area(standard, c.household_count or 0) if standard else Decimal(0),
            missing=[t.name for t in required if t.id not in have],
            present=[names[i] for i in sorted(have)],
        ))
    return out


def communities_within(user, scope=""):
    """The current communities the viewer may see inside `scope`."""
    return (Division.objects.visible_to(user).within(scope).current().communities()
            .order_by("code"))


def summary(rows):
    """Counts over a list of Compliance rows: total, compliant, by level, missing by type."""
    missing = {}
    for r in rows:
        for name in r.missing:
            missing[name] = missing.get(name, 0) + 1
    return {
        "communities": len(rows),
        "compliant": sum(r.compliant for r in rows),
        "area_ok": sum(r.area_ok for r in rows),
        "levels": {k: sum(r.level == k for r in rows) for k in ("ok", "partial", "poor")},
        "missing": sorted(missing.items(), key=lambda kv: -kv[1]),
    }
