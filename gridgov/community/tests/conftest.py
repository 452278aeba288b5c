import pytest

from gridgov.community.models import Facility, FacilityType

A = "430702004001"  # A社区 (conftest TREE)
B = "430702004002"


@pytest.fixture
def types(db):
    return {t.code: t for t in FacilityType.objects.all()}


@pytest.fixture
def facility(tree, types):
    return Facility.objects.create(community=tree[A], division_code=A, facility_type=types["activity_room"],
                                   name="A社区文体活动室", area_m2=120, bookable=True,
                                   opening_hours=[{"days": [1, 2, 3, 4, 5], "open": "08:30", "close": "17:30"}])
