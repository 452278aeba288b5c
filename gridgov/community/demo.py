"""Demo data of the community app: a residents' committee and workstation staff per community
and its facilities (most communities have most of 一站一园一场七室; some miss one or two, some are
short of service-room area), so the compliance map has all three colours. Deterministic for a
seed; bulk inserts, one audit entry by the caller."""

import datetime
import random
from decimal import Decimal

from django.db import transaction

from gridgov.divisions.models import Division

from .choices import CommitteePost, FacilityStatus, StaffPost
from .models import Committee, CommitteeMember, Facility, FacilityType, WorkstationStaff

SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "文华明丽强军敏静磊洋艳勇杰娟涛超秀霞平刚桂英芳燕红玲建国志兰萍"
WEEKDAYS = [1, 2, 3, 4, 5]
AREA = {  # typical m² per type (service rooms add up to ~30 m² per 100 households)
    "service_station": (300, 600), "kindergarten": (1200, 2600), "sports_ground": (400, 1500),
    "police_room": (20, 40), "health_room": (60, 150), "activity_room": (80, 200), "grid_room": (20, 50),
    "talk_room": (20, 50), "meeting_room": (40, 90), "archive_room": (20, 40), "party_room": (50, 120),
    "day_care": (150, 400), "library_room": (40, 100),
}
HOURS = {
    "sports_ground": [{"days": [1, 2, 3, 4, 5, 6, 7], "open": "06:00", "close": "21:30"}],
    "kindergarten": [{"days": WEEKDAYS, "open": "07:30", "close": "17:30"}],
}
OFFICE_HOURS = [{"days": WEEKDAYS, "open": "08:30", "close": "17:30"}, {"days": [6], "open": "09:00", "close": "12:00"}]


def _name(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _facilities(rng, community, types, centre):
    rows = []
    # ~12 % of communities miss one or two required types; a few more are short of area
    skip = set(rng.sample(sorted(AREA), rng.choice((1, 2)))) if rng.random() < 0.12 else set()
    small = rng.random() < 0.15
    for t in types:
        if t.code == "other" or t.code in skip:
            continue
        if t.code in ("day_care", "library_room") and rng.random() < 0.5:
            continue
        lo, hi = AREA.get(t.code, (20, 60))
        area = rng.uniform(lo, hi) * (0.45 if small and t.is_service_room else 1.0)
        status = FacilityStatus.BUILT
        if rng.random() < 0.04:
            status = rng.choice((FacilityStatus.BUILDING, FacilityStatus.PLANNED))
        lng = (centre[0] + rng.uniform(-0.002, 0.002)) if centre[0] else None
        lat = (centre[1] + rng.uniform(-0.002, 0.002)) if centre[1] else None
        rows.append(Facility(
            community=community, division_code=community.code, facility_type=t,
            name=f"{community.name}{t.name}", status=status, area_m2=Decimal(f"{area:.1f}"),
            address=f"{community.name}党群服务中心" if t.category == "room" else f"{community.name}",
            lng=lng, lat=lat, opening_hours=HOURS.get(t.code, OFFICE_HOURS), bookable=t.bookable_default,
            capacity=rng.choice((20, 30, 50, 80)) if t.bookable_default else 0,
        ))
    return rows


def generate(*, scale, seed, progress):
    """Committees, workstation staff and facilities for every current community."""
    rng = random.Random(seed * 31 + 15)
    communities = list(Division.objects.communities().current().order_by("code"))
    types = list(FacilityType.objects.filter(is_active=True))
    term_start = datetime.date(2021, 6, 1)
    facilities, members, staff = [], [], []
    with transaction.atomic():
        committees = Committee.objects.bulk_create([
            Committee(community=c, division_code=c.code, name=f"{c.name}居民委员会", term_start=term_start,
                      term_end=datetime.date(2026, 5, 31), election_date=datetime.date(2021, 5, 20),
                      office_address=f"{c.name}党群服务中心", workstation_name=f"{c.name}工作站",
                      workstation_hours="周一至周五 8:30–17:30，周六 9:00–12:00")
            for c in communities])
        for c, committee in zip(communities, committees, strict=True):
            posts = [CommitteePost.DIRECTOR, CommitteePost.DEPUTY] + [CommitteePost.MEMBER] * rng.randint(3, 5)
            for i, post in enumerate(posts):
                members.append(CommitteeMember(
                    committee=committee, division_code=c.code, name=_name(rng), post=post, sort=i,
                    is_party_member=post != CommitteePost.MEMBER or rng.random() < 0.5, concurrent=i == 0,
                    duties=rng.choice(("民政", "综治", "计生", "文体", "环境卫生", "社会保障", "")) if i > 1 else ""))
            posts = [StaffPost.HEAD, StaffPost.DEPUTY] + [StaffPost.STAFF] * rng.randint(3, 6)
            for i, post in enumerate(posts):
                staff.append(WorkstationStaff(
                    community=c, division_code=c.code, name=_name(rng), post=post, sort=i,
                    duties=rng.choice(("社保", "民政救助", "计生", "综治维稳", "退役军人服务", "残联", "老龄"))
                    if i > 1 else ""))
            facilities += _facilities(rng, c, types, (c.centre_lng, c.centre_lat))
        CommitteeMember.objects.bulk_create(members, batch_size=2000)
        WorkstationStaff.objects.bulk_create(staff, batch_size=2000)
        Facility.objects.bulk_create(facilities, batch_size=2000)
    progress(f"社区：{len(communities)} 个居委会，{len(members)} 名成员，{len(staff)} 名工作站人员，"
             f"{len(facilities)} 处设施")
    return {"committees": len(communities), "facilities": len(facilities)}
