import datetime

import pytest

from gridgov.accounts.choices import RoleCode

A = "430702004001"  # A社区 (conftest TREE)
B = "430702004002"
GRID_A = "430702004001001"


@pytest.fixture
def catalogue(db):
    from gridgov.accounts.models import Department
    from gridgov.core import clock
    from gridgov.services import catalogue_data
    from gridgov.services.models import ServiceItem, ServiceItemVersion

    catalogue_data.seed(ServiceItem, ServiceItemVersion, Department, clock.now())
    return {i.code: i for i in ServiceItem.objects.select_related("current", "department")}


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


RoleCode  # noqa: B018  (imported for fixtures that name roles)
