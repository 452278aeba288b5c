import datetime

import pytest

from gridgov.accounts.choices import RoleCode
from gridgov.care import actions
from gridgov.care.choices import ItemCategory, ItemUnit, ProviderKind
from gridgov.care.models import Doctor, Provider, Schedule, ServiceItem
from gridgov.core import clock

A = "430702004001"  # A社区 (conftest TREE)
GRID = "430702004001001"
B = "430702004002"
GRID_B = "430702004002001"


@pytest.fixture
def staff(make_user, tree):
    return make_user(RoleCode.COMMUNITY_STAFF, tree[A], username="care-staff")


@pytest.fixture
def providers(tree, staff):
    def make(kind, name, community=A):
        return actions.save_provider(actor=staff if community == A else _admin(), community=tree[community],
                                     data={"kind": kind, "name": name, "phone": "0736-7000000"})

    def _admin():
        from gridgov.accounts.models import User

        return User.objects.create_superuser(f"root-{Provider.objects.count()}", password="x")

    out = {
        "care": make(ProviderKind.ELDERLY, "A居家养老服务站"),
        "care2": make(ProviderKind.ELDERLY, "A第二养老服务站"),
        "repair": make(ProviderKind.PROPERTY, "A物业"),
        "shop": make(ProviderKind.MERCHANT, "A便民超市"),
        "health": make(ProviderKind.HEALTH, "A社区卫生服务站"),
    }
    return out


@pytest.fixture
def items(providers, staff):
    def item(provider, category, name, price, minutes=0, unit=ItemUnit.TIME):
        return actions.save_item(actor=staff, provider=provider, data={
            "category": category, "name": name, "unit": unit, "price_fen": price, "minutes": minutes})

    return {
        "clean": item(providers["care"], ItemCategory.CLEAN, "居家保洁", 4000, 60, ItemUnit.HOUR),
        "bath": item(providers["care"], ItemCategory.BATH, "上门助浴", 8000, 90),
        "clean2": item(providers["care2"], ItemCategory.CLEAN, "保洁", 3500, 60, ItemUnit.HOUR),
        "pipe": item(providers["repair"], ItemCategory.REPAIR, "管道疏通", 8000),
        "rice": item(providers["shop"], ItemCategory.GOODS, "大米 10kg", 5990, unit=ItemUnit.PIECE),
    }


@pytest.fixture
def person(tree):
    """make a registry person of A社区's first grid: person(name, age=70, tags=())."""
    from gridgov.registry.models import CareTag, Person

    def make(name="王奶奶", age=70, tags=(), grid=GRID):
        today = clock.today()
        p = Person.objects.create(grid=tree[grid], division_code=grid, name=name,
                                  birth_date=today.replace(year=today.year - age) - datetime.timedelta(days=1))
        p.care_tags.set(CareTag.objects.filter(code__in=tags))
        return p

    return make


@pytest.fixture
def provider_user(providers, staff):
    member = actions.add_provider_account(actor=staff, provider=providers["care"], username="care-provider",
                                          full_name="养老站账号", password="Passw0rd-test-9")
    return member.user


@pytest.fixture
def window():
    start = clock.now() + datetime.timedelta(days=1)
    return {"window_start": start, "window_end": start + datetime.timedelta(hours=2)}


@pytest.fixture
def doctor(providers, staff):
    d = actions.save_doctor(actor=staff, provider=providers["health"], data={
        "name": "张医生", "title": "主治医师", "open_days_ahead": 3, "signed_days_ahead": 7})
    return d


def schedule_on(doctor, staff, day, capacity=2):
    return actions.save_schedule(actor=staff, doctor=doctor, data={
        "weekday": day.isoweekday(), "start": datetime.time(8, 30), "end": datetime.time(11, 30),
        "capacity": capacity})



SON_ID_BIRTH, ELDER_BIRTH = datetime.date(1975, 3, 4), datetime.date(1938, 5, 6)
RESIDENT_PHONE, RESIDENT_PASSWORD = "13800002222", "Resident-2026"


@pytest.fixture
def _clear_cache():
    from django.core.cache import cache  # the SMS and sign-up rate limits live in the cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def family(tree, admin_user, staff, _clear_cache):
    """A verified resident (李先生, 51) authorised for his mother (王奶奶, 88)."""
    from django.contrib.auth.models import AnonymousUser

    from gridgov.portal import actions as portal
    from gridgov.portal import sms
    from gridgov.registry import actions as registry
    from gridgov.registry.identity import make_resident_id

    son_id, elder_id = make_resident_id("430702", SON_ID_BIRTH, 11), make_resident_id("430702", ELDER_BIRTH, 22)
    son = registry.register_person(actor=admin_user, grid=tree[GRID], data={"name": "李先生", "id_number": son_id})
    elder = registry.register_person(actor=admin_user, grid=tree[GRID], data={"name": "王奶奶", "id_number": elder_id})
    sms.send_code(RESIDENT_PHONE)
    code = sms.outbox[-1][1].split("验证码是 ")[1][:6]
    profile = portal.sign_up(actor=AnonymousUser(), phone=RESIDENT_PHONE, code=code, password=RESIDENT_PASSWORD,
                             community=tree[A], display_name="李先生")
    portal.give_consent(actor=profile.user, profile=profile)
    profile = portal.verify_online(actor=profile.user, profile=profile, name="李先生", id_number=son_id)
    link = portal.request_family_link(actor=profile.user, profile=profile, elder_name="王奶奶",
                                      elder_id_number=elder_id, relation="母子")
    portal.decide_family_link(actor=staff, link=link, approve=True)
    return {"user": profile.user, "son": son, "elder": elder}



__all__ = ["Doctor", "Schedule", "ServiceItem"]
