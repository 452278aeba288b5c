import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gridgov.community import actions
from gridgov.community.compliance import compliance_for
from gridgov.community.models import Facility, FacilityStandard

from .conftest import A

pytestmark = pytest.mark.django_db


def test_seed_ships_the_ten_types_and_the_standard(types):
    # given the seeded dictionary and standard
    std = FacilityStandard.current()
    # then the ten of 一站一园一场七室 are required, 党员活动室 exists but is not
    required = set(std.required_types.values_list("name", flat=True))
    assert len(required) == 10 and {"公共服务站", "幼儿园", "室外文体活动场所", "档案室"} <= required
    assert "党员活动室" in {t.name for t in types.values()} and "党员活动室" not in required
    assert std.area_per_100_households == 30


def test_compliance_changes_when_a_facility_is_added(tree, types, make_user):
    # given community A (400 households) with every required type but the kindergarten, and 100 m² of rooms
    community = tree[A]
    community.household_count = 400
    community.save()
    std = FacilityStandard.current()
    for t in std.required_types.exclude(code="kindergarten"):
        Facility.objects.create(community=community, division_code=A, facility_type=t, name=t.name,
                                area_m2=10 if t.is_service_room else 500)
    before = compliance_for([community])[0]
    assert before.missing == ["幼儿园"] and not before.compliant
    assert before.required_area == 300  # max(400 × 30 / 100 = 120, the 300 m² floor)
    # when staff add the kindergarten and a 250 m² day-care centre
    staff = make_user("community_staff", A)
    actions.create_facility(actor=staff, community=community, data={
        "facility_type": types["kindergarten"], "name": "A社区普惠幼儿园", "area_m2": 1500})
    actions.create_facility(actor=staff, community=community, data={
        "facility_type": types["day_care"], "name": "日间照料中心", "area_m2": 250})
    # then it is compliant: nothing missing and 80 + 250 m² ≥ 300 m²
    after = compliance_for([community])[0]
    assert after.missing == [] and after.area_ok and after.compliant
    assert after.area_per_100 == pytest.approx(82.5)


def test_a_planned_facility_does_not_count(tree, types):
    community = tree[A]
    Facility.objects.create(community=community, division_code=A, facility_type=types["kindergarten"], name="规划园",
                            status="planned", area_m2=1000)
    assert "幼儿园" in compliance_for([community])[0].missing


def test_staff_of_another_community_cannot_add(tree, types, make_user):
    other = make_user("community_staff", "430702004002")
    with pytest.raises(PermissionDenied):
        actions.create_facility(actor=other, community=tree[A], data={"facility_type": types["talk_room"],
                                                                      "name": "x"})
    assert not Facility.objects.exists()


def test_opening_hours_are_checked(tree, types, make_user):
    staff = make_user("community_staff", A)
    with pytest.raises(ValidationError):
        actions.create_facility(actor=staff, community=tree[A], data={
            "facility_type": types["talk_room"], "name": "x",
            "opening_hours": [{"days": [8], "open": "09:00", "close": "08:00"}]})


def test_is_open_at(facility):
    tz = datetime.timezone(datetime.timedelta(hours=8))
    assert facility.is_open_at(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=tz))  # a Monday
    assert not facility.is_open_at(datetime.datetime(2026, 3, 1, 9, 0, tzinfo=tz))  # a Sunday
    assert not facility.is_open_at(datetime.datetime(2026, 3, 2, 17, 30, tzinfo=tz))


def test_only_district_wide_edits_the_standard(tree, make_user):
    street = make_user("street_staff", "430702004000")
    with pytest.raises(PermissionDenied):
        actions.save_standard(actor=street, standard=FacilityStandard.current(), data={"area_per_100_households": 10})
    admin = make_user("district_admin", "430702000000")
    actions.save_standard(actor=admin, standard=FacilityStandard.current(), data={"area_per_100_households": 20})
    assert FacilityStandard.current().area_per_100_households == 20
