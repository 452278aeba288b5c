"""Reads of the community app: the profile's counts. Each count is one indexed prefix query on
`division_code` (a community's rows), so the profile costs the same number of queries whatever
the district's size."""

from django.apps import apps
from django.db.models import Count

from gridgov.divisions.models import Division

GRID_MIN_HOUSEHOLDS, GRID_MAX_HOUSEHOLDS = 350, 500  # the platform's grid size rule


def _model(label):
    return apps.get_model(label) if apps.is_installed(f"gridgov.{label.split('.')[0]}") else None


def profile_counts(community):
    """Counts for a community's profile: population by residence type, households, buildings,
    houses, entities, care groups, party members (registered at a grid), grids in range."""
    prefix = community.code
    Person, Household = _model("registry.Person"), _model("registry.Household")
    out = {"population": [], "population_total": 0, "care": [], "households": None, "buildings": None,
           "houses": None, "entities": None, "party_members": None, "party_registered": None}
    if Person is not None:
        from gridgov.registry.choices import PersonStatus, ResidenceType
        from gridgov.registry.models import Building, CareTag, House, LegalEntity

        live = Person.objects.filter(division_code__startswith=prefix, status=PersonStatus.ACTIVE)
        by_type = dict(live.values("residence_type").annotate(n=Count("id")).values_list("residence_type", "n"))
        out["population"] = [(str(label), by_type.get(value, 0)) for value, label in ResidenceType.choices]
        out["population_total"] = sum(by_type.values())
        out["households"] = Household.objects.filter(division_code__startswith=prefix, is_active=True).count()
        out["buildings"] = Building.objects.filter(division_code__startswith=prefix).count()
        out["houses"] = House.objects.filter(division_code__startswith=prefix).count()
        out["entities"] = LegalEntity.objects.filter(division_code__startswith=prefix).count()
        care = dict(Person.care_tags.through.objects.filter(person__division_code__startswith=prefix,
                                                            person__status=PersonStatus.ACTIVE)
                    .values("caretag_id").annotate(n=Count("person_id")).values_list("caretag_id", "n"))
        out["care"] = [(t.name, care.get(t.id, 0)) for t in CareTag.objects.filter(is_active=True)]
    PartyMember = _model("party.PartyMember")
    if PartyMember is not None:
        from gridgov.party.choices import MemberStatus

        members = PartyMember.objects.filter(division_code__startswith=prefix, status=MemberStatus.ACTIVE)
        out["party_members"] = members.count()
        out["party_registered"] = members.filter(registered_at__isnull=False).count()
    return out


def grids_of(community):
    grids = list(Division.objects.current_grids().filter(parent=community).order_by("code"))
    for g in grids:
        g.in_range = GRID_MIN_HOUSEHOLDS <= (g.household_count or 0) <= GRID_MAX_HOUSEHOLDS
    return grids


def grid_workers(grids):
    """{grid id: [worker names]} from the grid-worker role assignments (one query)."""
    from gridgov.accounts.models import RoleAssignment

    out = {}
    rows = (RoleAssignment.objects.filter(division__in=grids, role__code="grid_worker")
            .select_related("user").order_by("user__full_name"))
    for a in rows:
        out.setdefault(a.division_id, []).append(str(a.user))
    return out


def party_branch(community):
    """The community's party general branch (社区党总支), if the party app is installed."""
    if not apps.is_installed("gridgov.party"):
        return None
    from gridgov.party.models import PartyOrganization

    return PartyOrganization.objects.filter(division=community, is_active=True).select_related("secretary").first()
