"""Portal fixtures: a registry person to verify against, a resident account, a bookable room."""

import datetime

import pytest

from gridgov.registry.identity import make_resident_id

A1 = "430702004001001"
COMMUNITY = "430702004001"
ELDER_ID = make_resident_id("430702", datetime.date(1940, 5, 6), 21)
PERSON_ID = make_resident_id("430702", datetime.date(1980, 1, 1), 11)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def person(tree, admin_user):
    from gridgov.registry import actions

    return actions.register_person(actor=admin_user, grid=tree[A1], data={"name": "李居民", "id_number": PERSON_ID})


@pytest.fixture
def elder(tree, admin_user):
    from gridgov.registry import actions

    return actions.register_person(actor=admin_user, grid=tree[A1], data={"name": "王奶奶", "id_number": ELDER_ID})


@pytest.fixture
def resident(tree, db):
    """A signed-up resident profile of A社区 (consented, not yet verified)."""
    from django.contrib.auth.models import AnonymousUser

    from gridgov.portal import actions, sms

    sms.send_code("13800001111")
    code = sms.outbox[-1][1].split("验证码是 ")[1][:6]
    profile = actions.sign_up(actor=AnonymousUser(), phone="13800001111", code=code, password="Resident-2026",
                              community=tree[COMMUNITY], display_name="李先生")
    actions.give_consent(actor=profile.user, profile=profile)
    return profile


@pytest.fixture
def verified(resident, person):
    from gridgov.portal import actions

    return actions.verify_online(actor=resident.user, profile=resident, name="李居民", id_number=PERSON_ID)


@pytest.fixture
def room(tree, roles):
    from gridgov.community.models import Facility, FacilityType

    ftype, _ = FacilityType.objects.get_or_create(code="activity_room", defaults={"name": "活动室"})
    return Facility.objects.create(
        community=tree[COMMUNITY], division_code=COMMUNITY, facility_type=ftype, name="A社区活动室", bookable=True,
        capacity=30, opening_hours=[{"days": [1, 2, 3, 4, 5, 6, 7], "open": "08:00", "close": "21:00"}])


@pytest.fixture
def catalogue(db):
    """The default service catalogue (seeded again: a flushing test may have emptied it)."""
    from gridgov.accounts.models import Department
    from gridgov.core import clock
    from gridgov.services import catalogue_data
    from gridgov.services.models import ServiceItem, ServiceItemVersion

    catalogue_data.seed(ServiceItem, ServiceItemVersion, Department, clock.now())
    return {i.code: i for i in ServiceItem.objects.select_related("current")}


@pytest.fixture
def clerk(make_user, tree, roles):
    """A service-counter clerk of A社区."""
    return make_user("service_counter", tree[COMMUNITY], username="clerk-a")
