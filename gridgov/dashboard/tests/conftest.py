import pytest

from gridgov.community.models import Facility, FacilityType

A, A1, A2, B = "430702004001", "430702004001001", "430702004001002", "430702004002"
STREET, DISTRICT = "430702004000", "430702000000"


@pytest.fixture
def people(tree, db):
    """Grid A1: 7 persons (3 of them elderly living alone); grid A2: 2 persons (1 elderly)."""
    from gridgov.registry.models import CareTag, Person

    alone = CareTag.objects.get(code="elderly_alone")
    made = []
    for grid, n, care in ((A1, 7, 3), (A2, 2, 1)):
        for i in range(n):
            p = Person.objects.create(grid=tree[grid], division_code=grid, name=f"张{grid[-1]}丰{i}",
                                      residence_type="registered" if i % 2 else "floating")
            if i < care:
                p.care_tags.add(alone)
            made.append(p)
    return made


@pytest.fixture
def facilities(tree, db):
    types = {t.code: t for t in FacilityType.objects.all()}
    for code in ("kindergarten", "health_room", "police_room"):
        Facility.objects.create(community=tree[A], division_code=A, facility_type=types[code], name=code, area_m2=100)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Evidence files go to a throw-away folder."""
    settings.MEDIA_ROOT = tmp_path
