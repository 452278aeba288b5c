"""Fixtures of the party tests: organisations synced on the shared tree, persons, members."""

import datetime

import pytest

from gridgov.accounts.choices import RoleCode
from gridgov.core import clock


@pytest.fixture
def orgs(tree, admin_user):
    """{division code: PartyOrganization} for the whole test tree."""
    from gridgov.party.actions import sync_organizations
    from gridgov.party.models import PartyOrganization

    sync_organizations(actor=admin_user)
    return {o.division_code: o for o in PartyOrganization.objects.all()}


@pytest.fixture
def party_staff(make_user, tree):
    """Party staff (the branch secretary's account) of grid 430702004001001."""
    return make_user(RoleCode.PARTY_STAFF, tree["430702004001001"], username="party-test")


@pytest.fixture
def make_person(tree):
    from gridgov.registry.models import Person

    counter = {"n": 0}

    def make(grid_code="430702004001001", name=None, **extra):
        counter["n"] += 1
        grid = tree[grid_code]
        return Person.objects.create(grid=grid, division_code=grid.code, name=name or f"党员{counter['n']}",
                                     political_status="cpc", **extra)

    return make


@pytest.fixture
def work_unit(tree, admin_user):
    from gridgov.party.actions import create_work_unit

    return create_work_unit(actor=admin_user, name="武陵区教育局", division=tree["430702000000"])


@pytest.fixture
def make_member(orgs, make_person, admin_user, make_user, work_unit):
    """make_member(grid_code, register=True, with_user=True, category=...) → PartyMember."""
    from gridgov.party.actions import create_member

    def make(grid_code="430702004001001", register=True, with_user=True, category="in_service", **extra):
        person = make_person(grid_code)
        user = make_user(RoleCode.RESIDENT, None, username=f"member-{person.pk}") if with_user else None
        return create_member(actor=admin_user, person=person, category=category, user=user, register=register,
                             work_unit=work_unit if category == "in_service" else None,
                             origin_organization="外省某党支部" if category == "floating" else "", **extra)

    return make


@pytest.fixture
def post(db):
    from gridgov.party.models import RolePost

    return RolePost.objects.get(code="safety")


@pytest.fixture
def manual_item(post):
    return post.items.get(source="manual")


def at(y, m, d, hh=10, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture
def frozen_may():
    with clock.frozen(at(2026, 5, 16, 12)) as now:
        yield now


@pytest.fixture(autouse=True)
def _seeded(request, django_db_blocker):
    """The six posts and rules come from a data migration; a transactional test elsewhere may
    have flushed them, so make sure they exist (idempotent). Browser tests seed in the test body
    (Playwright's event loop is running by the time autouse fixtures run)."""
    if "live_server" in request.fixturenames:
        return
    request.getfixturevalue("django_db_setup")
    seed_defaults(django_db_blocker)


def seed_defaults(django_db_blocker=None):
    from contextlib import nullcontext

    from gridgov.party.models import RolePost, ScoringRule, ServiceItem
    from gridgov.party.seed import seed

    with django_db_blocker.unblock() if django_db_blocker else nullcontext():
        seed(RolePost, ServiceItem, ScoringRule)
