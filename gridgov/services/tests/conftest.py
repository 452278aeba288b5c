import datetime

import pytest

from gridgov.accounts.choices import RoleCode
from gridgov.registry.identity import make_resident_id

A = "430702004001"  # A社区 (conftest TREE)
B = "430702004002"
GRID_A = "430702004001001"
RESIDENT_ID = make_resident_id("430702", datetime.date(1980, 1, 1), 11)


@pytest.fixture
def catalogue(db):
    from gridgov.accounts.models import Department
    from gridgov.core import clock
    from gridgov.services import catalogue_data
    from gridgov.services.models import ServiceItem, ServiceItemVersion

    catalogue_data.seed(ServiceItem, ServiceItemVersion, Department, clock.now())
    return {i.code: i for i in ServiceItem.objects.select_related("current", "department")}


def _seed_care_tags(CareTag):
    """The care groups a data migration seeds: a flushing test earlier in the run empties them,
    so put them back (idempotent) before tagging a resident."""
    import importlib

    seeded = importlib.import_module("gridgov.registry.migrations.0002_seed_dictionaries")
    for code, name, description in seeded.CARE_TAGS:
        CareTag.objects.get_or_create(code=code, defaults={"name": name, "description": description})


@pytest.fixture
def make_person(tree):
    from gridgov.registry.models import Person

    def make(name="张老三", age=70, grid=GRID_A, residence="registered", tags=()):
        from gridgov.registry.models import CareTag

        today = datetime.date.today()
        p = Person.objects.create(grid=tree[grid], division_code=grid, name=name,
                                  birth_date=today.replace(year=today.year - age) - datetime.timedelta(days=1),
                                  residence_type=residence, id_masked="430702********1234", phone_masked="138****5678")
        if tags:
            _seed_care_tags(CareTag)
            p.care_tags.set(CareTag.objects.filter(code__in=tags))
        return p

    return make


@pytest.fixture
def clerk(make_user, tree, roles):
    return make_user("service_counter", tree[A], username="clerk-a")


@pytest.fixture
def clerk_b(make_user, tree, roles):
    return make_user("service_counter", tree[B], username="clerk-b")


@pytest.fixture
def approver(make_user, tree, catalogue):
    return make_user("service_approver", tree["430702000000"], department=catalogue["MZ004"].department,
                     username="approver-mzj")


@pytest.fixture
def other_approver(make_user, tree, catalogue):
    return make_user("service_approver", tree["430702000000"], department=catalogue["RS001"].department,
                     username="approver-rsj")


@pytest.fixture
def hall(tree, admin_user):
    from gridgov.services import actions

    a = actions.save_group(actor=admin_user, community=tree[A], name="综合受理", prefix="A")
    b = actions.save_group(actor=admin_user, community=tree[A], name="社保医保", prefix="B")
    c1 = actions.save_counter(actor=admin_user, community=tree[A], number=1, groups=[a, b])
    c2 = actions.save_counter(actor=admin_user, community=tree[A], number=2, groups=[a])
    return {"A": a, "B": b, "c1": c1, "c2": c2}


@pytest.fixture
def party(tree, admin_user, make_user, roles):
    """Branches on the test tree, the party seed, and a factory of registered members with
    accounts; `party["secretary"]` is the secretary of grid A's branch (with the role)."""
    from gridgov.party.actions import create_member, hand_over_secretary_role, sync_organizations
    from gridgov.party.models import PartyOrganization, RolePost, ScoringRule, ServiceItem
    from gridgov.party.seed import seed
    from gridgov.registry.models import Person

    seed(RolePost, ServiceItem, ScoringRule)
    sync_organizations(actor=admin_user)
    n = {"i": 0}

    def member(grid=GRID_A, with_user=True, name=None):
        n["i"] += 1
        person = Person.objects.create(grid=tree[grid], division_code=grid, name=name or f"党员{n['i']}",
                                       political_status="cpc")
        user = make_user(RoleCode.RESIDENT, None, username=f"m{n['i']}") if with_user else None
        return create_member(actor=admin_user, person=person, category="resident", user=user, register=True)

    sec = member(name="书记")
    branch = PartyOrganization.objects.get(division_code=GRID_A)
    branch.secretary = sec
    branch.save(update_fields=["secretary"])
    hand_over_secretary_role(actor=admin_user, organization=branch, previous=None, secretary=sec)
    return {"member": member, "secretary": sec.user, "secretary_member": sec, "branch": branch}


@pytest.fixture
def grid_worker_a(make_user, tree, roles):
    return make_user(RoleCode.GRID_WORKER, tree[GRID_A], username="gw-a")



RoleCode  # noqa: B018  (imported for fixtures that name roles)


@pytest.fixture
def resident(tree, admin_user, db):
    """A verified resident account (the community website) whose registry person is 李居民 of grid A."""
    from django.contrib.auth.models import AnonymousUser
    from django.core.cache import cache

    from gridgov.portal import actions as portal
    from gridgov.portal import sms
    from gridgov.registry import actions as registry
    cache.clear()
    person = registry.register_person(actor=admin_user, grid=tree[GRID_A], data={"name": "李居民", "id_number": RESIDENT_ID})
    sms.send_code("13800001111")
    code = sms.outbox[-1][1].split("验证码是 ")[1][:6]
    profile = portal.sign_up(actor=AnonymousUser(), phone="13800001111", code=code, password="Resident-2026",
                             community=tree[A], display_name="李先生")
    portal.give_consent(actor=profile.user, profile=profile)
    portal.verify_online(actor=profile.user, profile=profile, name="李居民", id_number=RESIDENT_ID)
    profile.refresh_from_db()
    assert profile.person_id == person.pk
    return profile
