"""Demo data of the care app: for every community a property company, a repair service, a home
elderly-care station, a merchant and the community health station (with doctors and weekly
schedules); two district subsidy rules (80+; disabled and on 低保); and, in the first
communities, orders in every state, some signings and appointments, last month's settlement,
and the provider demo login `provider01` (the first community's elderly-care station).
Deterministic for a seed; bulk inserts."""

import datetime
import random

from django.db import transaction

from gridgov.core import clock
from gridgov.divisions.choices import Level
from gridgov.divisions.models import Division

from .choices import ItemCategory, ItemUnit, OrderKind, OrderStatus, ProviderKind, SigningStatus
from .models import (
    Doctor,
    Order,
    OrderLine,
    Provider,
    ProviderMember,
    Schedule,
    ServiceItem,
    Signing,
    SubsidyRule,
)

ITEMS = {
    ProviderKind.PROPERTY: [(ItemCategory.REPAIR, "水电维修上门", ItemUnit.TIME, 3000, 0),
                            (ItemCategory.REPAIR, "门窗维修", ItemUnit.TIME, 5000, 0)],
    ProviderKind.REPAIR: [(ItemCategory.REPAIR, "管道疏通", ItemUnit.TIME, 8000, 0),
                          (ItemCategory.REPAIR, "家电维修检测", ItemUnit.TIME, 5000, 0),
                          (ItemCategory.REPAIR, "更换水龙头", ItemUnit.PIECE, 4000, 0)],
    ProviderKind.ELDERLY: [(ItemCategory.MEAL, "助餐送餐（午餐）", ItemUnit.PORTION, 1500, 30),
                           (ItemCategory.CLEAN, "居家保洁", ItemUnit.HOUR, 4000, 60),
                           (ItemCategory.BATH, "上门助浴", ItemUnit.TIME, 8000, 90),
                           (ItemCategory.MEDICAL, "陪同就医", ItemUnit.HOUR, 5000, 60),
                           (ItemCategory.CHAT, "陪伴聊天", ItemUnit.HOUR, 3000, 60)],
    ProviderKind.MERCHANT: [(ItemCategory.GOODS, "大米 10kg", ItemUnit.PIECE, 5990, 0),
                            (ItemCategory.GOODS, "食用油 5L", ItemUnit.PIECE, 6990, 0),
                            (ItemCategory.GOODS, "鸡蛋 30枚", ItemUnit.PIECE, 2500, 0),
                            (ItemCategory.GOODS, "桶装水 18.9L", ItemUnit.PIECE, 1800, 0)],
}
NAMES = {
    ProviderKind.PROPERTY: "{c}物业服务中心", ProviderKind.REPAIR: "{c}便民维修部",
    ProviderKind.ELDERLY: "{c}居家养老服务站", ProviderKind.MERCHANT: "{c}便民超市",
    ProviderKind.HEALTH: "{c}社区卫生服务站",
}
DOCTORS = [("张", "主治医师", "全科、慢病管理"), ("刘", "医师", "老年病、高血压"), ("陈", "主管护师", "护理、康复")]
GIVEN = "文华明丽强军敏静磊洋艳勇杰娟涛"
ORDER_COMMUNITIES = 3


def generate(*, scale, seed, progress):
    rng = random.Random(seed * 37 + 16)
    communities = list(Division.objects.filter(level=Level.COMMUNITY, is_active=True).order_by("code"))
    preferred = [c for c in communities if c.code.startswith("430702004")]
    communities = preferred + [c for c in communities if c not in preferred]
    now = clock.now()
    with transaction.atomic():
        providers = Provider.objects.bulk_create([
            Provider(community=c, division_code=c.code, kind=kind, name=NAMES[kind].format(c=c.name),
                     contact=rng.choice("王李张刘陈") + rng.choice(GIVEN), phone=f"0736-{rng.randint(7000000, 7999999)}",
                     address=f"{c.name}党群服务中心旁", service_hours="每天 8:00–18:00", created_at=now)
            for c in communities for kind in ProviderKind])
        items = ServiceItem.objects.bulk_create([
            ServiceItem(provider=p, division_code=p.division_code, category=cat, name=name, unit=unit,
                        price_fen=price, minutes=minutes, sort=i)
            for p in providers for i, (cat, name, unit, price, minutes) in enumerate(ITEMS.get(p.kind, ()))])
        doctors = Doctor.objects.bulk_create([
            Doctor(provider=p, division_code=p.division_code, name=surname + rng.choice(GIVEN), title=title,
                   specialty=spec, is_family_doctor=i < 2)
            for p in providers if p.kind == ProviderKind.HEALTH for i, (surname, title, spec) in enumerate(DOCTORS)])
        Schedule.objects.bulk_create([
            Schedule(doctor=d, division_code=d.division_code, weekday=wd, start=start, end=end, capacity=cap)
            for d in doctors for wd in (1, 2, 3, 4, 5)
            for start, end, cap in ((datetime.time(8, 30), datetime.time(11, 30), 12),
                                    (datetime.time(14, 30), datetime.time(17, 0), 8))])
        _rules(communities)
        orders = _orders(rng, communities[:ORDER_COMMUNITIES], providers, items, doctors, now)
        account = _account(providers)
    from gridgov.core.actors import system_actor

    from .actions.settlement import settle_month

    last_month = (clock.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    settle_month(actor=system_actor(), month=last_month)
    settle_month(actor=system_actor(), month=clock.today().replace(day=1))
    progress(f"便民服务：{len(providers)} 个服务商，{len(items)} 个服务项目，{len(doctors)} 名医生，"
             f"{orders} 个订单" + (f"，服务商账号 {account}" if account else ""))
    return {"providers": len(providers), "orders": orders}


def _rules(communities):
    from gridgov.registry.models import CareTag

    district = Division.objects.filter(level=Level.DISTRICT).order_by("code").first()
    if district is None or SubsidyRule.objects.exists():
        return
    old = SubsidyRule.objects.create(division=district, division_code=district.code, name="高龄老人居家养老服务补贴",
                                     min_age=80, monthly_minutes=8 * 60, note="每月 8 小时居家养老服务")
    poor = SubsidyRule.objects.create(division=district, division_code=district.code, name="困难失能老人服务补贴",
                                      min_age=60, monthly_minutes=12 * 60, note="残疾且享受低保的老年人每月 12 小时")
    poor.required_tags.set(CareTag.objects.filter(code__in=("disabled", "dibao")))
    return old, poor


def _orders(rng, communities, providers, items, doctors, now):
    """Orders in every state for some older residents of the first communities."""
    from gridgov.registry.choices import PersonStatus
    from gridgov.registry.models import Person

    by_provider = {}
    for item in items:
        by_provider.setdefault(item.provider_id, []).append(item)
    states = [OrderStatus.SUBMITTED, OrderStatus.ACCEPTED, OrderStatus.IN_PROGRESS, OrderStatus.DONE,
              OrderStatus.DONE, OrderStatus.DONE, OrderStatus.CANCELLED]
    orders, lines, signings = [], [], []
    for c in communities:
        persons = list(Person.objects.filter(division_code__startswith=c.code, status=PersonStatus.ACTIVE)
                       .select_related("house").order_by("birth_date", "id")[:40])
        mine = [p for p in providers if p.community_id == c.pk]
        station_doctors = [d for d in doctors if d.division_code == c.code and d.is_family_doctor]
        for n, person in enumerate(persons):
            if station_doctors and n % 3 == 0:
                signings.append(Signing(doctor=station_doctors[n % len(station_doctors)], person=person,
                                        division_code=person.division_code, signed_on=now.date().replace(day=1),
                                        valid_until=now.date().replace(year=now.year + 1, day=1),
                                        status=SigningStatus.ACTIVE))
            provider = mine[n % 4]  # property, repair, elderly, merchant
            status = states[n % len(states)]
            when = now - datetime.timedelta(days=rng.randint(0, 40), hours=rng.randint(0, 8))
            chosen = rng.sample(by_provider[provider.pk], k=min(2, len(by_provider[provider.pk])))
            kind = {ProviderKind.PROPERTY: OrderKind.REPAIR, ProviderKind.REPAIR: OrderKind.REPAIR,
                    ProviderKind.ELDERLY: OrderKind.CARE, ProviderKind.MERCHANT: OrderKind.GOODS}[provider.kind]
            order = Order(
                number=f"{when:%y%m%d}{len(orders):08d}", kind=kind, provider=provider, person=person,
                division_code=person.division_code, contact_name=person.name,
                address=str(person.house) if person.house_id else c.name, status=status, submitted_at=when,
                description=rng.choice(("", "请尽快上门", "下午家里有人", "老人行动不便，请敲门后稍等")),
                window_start=when + datetime.timedelta(days=1) if kind != OrderKind.GOODS else None,
                window_end=when + datetime.timedelta(days=1, hours=2) if kind != OrderKind.GOODS else None,
                worker_name=rng.choice("王李张刘") + "师傅" if status != OrderStatus.SUBMITTED else "")
            if status in (OrderStatus.ACCEPTED, OrderStatus.IN_PROGRESS, OrderStatus.DONE):
                order.accepted_at = when + datetime.timedelta(minutes=30)
            if status in (OrderStatus.IN_PROGRESS, OrderStatus.DONE):
                order.checkin_at = when + datetime.timedelta(days=1)
            if status == OrderStatus.DONE:
                order.checkout_at = order.done_at = when + datetime.timedelta(days=1, hours=1)
                if rng.random() < 0.7:
                    order.rating, order.rated_at = rng.choice((4, 5, 5, 5, 3)), order.done_at
            if status == OrderStatus.CANCELLED:
                order.cancelled_at, order.cancel_reason = when + datetime.timedelta(hours=1), "居民临时有事"
            total = 0
            for item in chosen:
                qty = rng.randint(1, 2)
                lines.append((len(orders), OrderLine(item=item, name=item.name, unit_price_fen=item.price_fen,
                                                     quantity=qty, minutes=item.minutes * qty,
                                                     amount_fen=item.price_fen * qty)))
                total += item.price_fen * qty
            order.total_fen = total
            orders.append(order)
    Order.objects.bulk_create(orders)
    for i, line in lines:
        line.order = orders[i]
    OrderLine.objects.bulk_create([line for _, line in lines])
    Signing.objects.bulk_create(signings)
    return len(orders)


def _account(providers):
    """`provider01`: a provider account of the first community's elderly-care station."""
    from django.contrib.auth.hashers import make_password

    from gridgov.accounts.models import Role, RoleAssignment, User

    try:
        from gridgov.demo.accounts import DEMO_PASSWORD
    except ImportError:  # pragma: no cover
        DEMO_PASSWORD = "Demo2026!grid"
    provider = next((p for p in providers if p.kind == ProviderKind.ELDERLY), None)
    role = Role.objects.filter(code="provider").first()
    if provider is None or role is None or User.objects.filter(username="provider01").exists():
        return None
    user = User(username="provider01", full_name=provider.name, password=make_password(DEMO_PASSWORD))
    if hasattr(user, "kind"):
        user.kind = "provider"
    user.save()
    RoleAssignment.objects.create(user=user, role=role, division=provider.community)
    ProviderMember.objects.create(provider=provider, user=user, created_at=clock.now())
    return "provider01"


def public_pages():
    """The resident pages the UI suite visits signed out: the first demo community's."""
    from django.urls import reverse

    provider = Provider.objects.filter(kind=ProviderKind.HEALTH).order_by("division_code").first()
    if provider is None:
        return []
    code = provider.division_code
    return [("care-hub", reverse("care_site:hub", args=[code])),
            ("care-doctors", reverse("care_site:doctors", args=[code]))]
