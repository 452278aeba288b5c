"""Demo data for the party app: organisations on every grid, ~14,000 in-service and ~1,300
floating members registered across the district's grids (proportionally fewer at smaller
scales), posts claimed, a year of service records with realistic verification, volunteer
events, scores with a realistic share behind. Bulk paths only; deterministic for a seed.

Members are registry persons (those whose political status is 中共党员 first, then adults whose
status is set to 中共党员). When the registry has too few persons (registry demo not loaded),
minimal persons are created so the party demo still stands on its own.
"""

import datetime
import math
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from gridgov.core import clock
from gridgov.core.actors import system_actor
from gridgov.core.bulk import RowMaker, assign_ids, bulk_mode, stored_datetime

from .bulk import ACTIVITY_COLUMNS, insert_rows
from .choices import ActivityStatus, ItemSource, MemberCategory, RequestStatus, SignupStatus

BATCH = 5000
PER_GRID = {MemberCategory.IN_SERVICE: 24.3, MemberCategory.FLOATING: 2.25, MemberCategory.RESIDENT: 4.0,
            MemberCategory.RETIRED: 3.0}
UNITS = ["区委办", "区政府办", "区教育局", "区卫生健康局", "区财政局", "区人社局", "区民政局", "区住建局", "区城管局",
         "区市场监管局", "区税务局", "区公安分局", "区司法局", "区文旅广体局", "区应急管理局", "区交通运输局",
         "区农业农村局", "区审计局", "区统计局", "区医保局", "区退役军人事务局", "区法院", "区检察院", "区总工会",
         "团区委", "区妇联", "区科协", "区融媒体中心", "区自然资源分局", "区生态环境分局"]
COMPANIES = ["常德烟草机械", "湖南中烟常德卷烟厂", "国网常德供电公司", "常德市第一人民医院", "常德市中医医院",
             "武陵区人民医院", "常德职业技术学院", "湖南文理学院", "常德市第一中学", "武陵区第一小学", "中国银行常德分行",
             "建设银行常德分行", "农业银行常德分行", "常德经投集团", "常德城投集团", "常德水务集团", "中国移动常德分公司",
             "中国电信常德分公司", "常德日报社", "常德市规划设计院"]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高罗郑梁谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁于余叶蒋杜苏魏程吕丁沈任姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅林兰玲辉鹏飞斌波宇浩凯健俊帆晨轩然志文"
PLACES = ["小区门口", "社区广场", "楼栋单元", "社区活动室", "农贸市场", "学校周边", "公园", "沿街商铺"]
EVENTS = ["文明城市创建志愿服务", "环境卫生大扫除", "关爱空巢老人", "反诈宣传进小区", "义务理发义诊", "垃圾分类宣传",
          "防汛巡查", "交通文明劝导"]


def generate(*, scale, seed, progress):
    """Build the party demo on top of the divisions (and registry persons when present)."""
    from .actions import sync_organizations
    from .models import PartyOrganization

    rng = random.Random(seed * 7 + 6)
    counts = sync_organizations(actor=system_actor())
    progress(f"党组织：新建 {counts['created']} 个")
    branches = list(PartyOrganization.objects.filter(kind="grid", is_active=True).order_by("division_code"))
    if not branches:
        progress("党员：没有网格，跳过")
        return {}
    with transaction.atomic():
        units = _work_units(branches)
        members = _members(rng, branches, units, progress)
        _officers(rng, branches, members)
        claims = _claims(rng, branches, members)
    progress(f"党员：{len(members)} 名（在职 {sum(m.category == 'in_service' for m in members)}，"
             f"流动 {sum(m.category == 'floating' for m in members)}），认岗 {claims}")
    n = _activities(rng, branches, members, progress)
    progress(f"服务记录：{n} 条")
    _demo_account(members, progress)
    return {"members": len(members), "activities": n}


def sums(*, scale, seed, progress):
    """The service records' monthly sums and this period's scores (with their 滞后 notices),
    derived from the records the party step wrote. A background step (`DemoStep.background`):
    the dashboard, which counts members behind, waits for it."""
    from . import sums as activity_sums
    from .scoring import score_all

    progress(f"服务记录月汇总：{activity_sums.rebuild()} 格")
    for r in score_all(notify=True).values():
        progress(f"积分 {r['period']}：{r['members']} 名，滞后 {r['behind']} 名")


def _work_units(branches):
    from .models import WorkUnit

    district = branches[0].division.parent.parent.parent if branches[0].division.parent_id else branches[0].division
    existing = set(WorkUnit.objects.values_list("name", flat=True))
    names = [f"武陵{n}" if n.startswith("区") else n for n in UNITS] + COMPANIES
    WorkUnit.objects.bulk_create([WorkUnit(name=n, division=district, division_code=district.code,
                                           party_org_name=f"{n}党组织") for n in names if n not in existing])
    return list(WorkUnit.objects.order_by("pk"))


def _persons(rng, branches, wanted):
    """{grid code: [person ids]} — party persons first, then adults made party members, then
    minimal new persons when the registry is short."""
    from gridgov.registry.models import Person

    by_grid = {b.division_code: [] for b in branches}
    taken = set()
    from .models import PartyMember

    taken.update(PartyMember.objects.values_list("person_id", flat=True))
    today = clock.today()
    adult = today.replace(year=today.year - 22)
    for political in (("cpc", "cpc_prob"), None):
        qs = Person.objects.filter(grid__in=[b.division_id for b in branches], status="active")
        qs = qs.filter(political_status__in=political) if political else qs.exclude(
            political_status__in=("cpc", "cpc_prob")).filter(birth_date__lte=adult)
        for pid, code in qs.values_list("id", "division_code").order_by("id").iterator(chunk_size=BATCH):
            if pid in taken or code not in by_grid or len(by_grid[code]) >= wanted[code]:
                continue
            by_grid[code].append(pid)
            taken.add(pid)
    converted = [pid for ids in by_grid.values() for pid in ids]
    for i in range(0, len(converted), BATCH):
        Person.objects.filter(pk__in=converted[i:i + BATCH]).exclude(
            political_status__in=("cpc", "cpc_prob")).update(political_status="cpc")
    new = []
    for b in branches:
        for _ in range(wanted[b.division_code] - len(by_grid[b.division_code])):
            new.append(Person(grid_id=b.division_id, division_code=b.division_code, political_status="cpc",
                              name=rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2))),
                              birth_date=datetime.date(rng.randint(1950, 2000), rng.randint(1, 12), rng.randint(1, 28)),
                              sex=rng.choice("MF"), created_at=clock.now(), note="党建演示数据"))
    Person.objects.bulk_create(new, batch_size=BATCH)
    for p in Person.objects.filter(note="党建演示数据", division_code__in=list(by_grid)).exclude(
            pk__in=taken).values_list("id", "division_code"):
        if len(by_grid[p[1]]) < wanted[p[1]]:
            by_grid[p[1]].append(p[0])
    return by_grid


def _members(rng, branches, units, progress):
    from gridgov.registry.models import Person

    from .models import PartyMember, Registration

    plan = {}
    for b in branches:
        cats = []
        for cat, mean in PER_GRID.items():
            cats += [cat] * max(0, int(rng.gauss(mean, mean * 0.25) + 0.5))
        plan[b.division_code] = cats
    by_grid = _persons(rng, branches, {code: len(c) for code, c in plan.items()})
    names = dict(Person.objects.filter(pk__in=[p for ids in by_grid.values() for p in ids]).values_list("id", "name"))
    now = clock.now()
    year_ago = now - datetime.timedelta(days=365)
    rows, regs = [], []
    member_row, registration_row = RowMaker(PartyMember), RowMaker(Registration)
    for b in branches:
        for pid, cat in zip(by_grid[b.division_code], plan[b.division_code], strict=False):
            registered = rng.random() > 0.03
            reg_at = year_ago - datetime.timedelta(days=rng.randint(0, 700)) if rng.random() < 0.85 else \
                now - datetime.timedelta(days=rng.randint(1, 360))
            rows.append(member_row(
                person_id=pid, name=names[pid], category=cat, grid_id=b.division_id, division_code=b.division_code,
                work_unit_id=rng.choice(units).pk if cat == MemberCategory.IN_SERVICE else None,
                origin_organization=f"{rng.choice(['湖北', '广东', '江西', '贵州', '四川'])}某地党支部"
                if cat == MemberCategory.FLOATING else "",
                joined_on=datetime.date(rng.randint(1975, 2022), rng.randint(1, 12), rng.randint(1, 28)),
                branch_id=b.pk if registered else None, registered_at=reg_at if registered else None,
                skills=rng.choice(["", "", "法律咨询", "医疗护理", "文艺", "电工维修", "心理疏导", "教育辅导"]),
                created_at=now,
            ))
    _write(PartyMember, rows)
    members = list(PartyMember.objects.filter(pk__gt=0, person_id__in=[r.person_id for r in rows]).order_by("pk"))
    for m in members:
        if m.branch_id:
            regs.append(registration_row(member_id=m.pk, branch_id=m.branch_id, division_code=m.division_code,
                                         status=RequestStatus.APPROVED, requested_at=m.registered_at,
                                         decided_at=m.registered_at, note="演示数据"))
        else:
            branch = _branch_of(branches, m.division_code)
            regs.append(registration_row(member_id=m.pk, branch_id=branch.pk if branch else None,
                                         division_code=m.division_code,
                                         requested_at=now - datetime.timedelta(days=2), note="到居住网格报到"))
    _write(Registration, regs)
    return members


def _write(model, rows):
    """`RowMaker` rows, every field set, with fresh ids through core's bulk writer: Django's
    bulk_create spends ~0.15 ms a row preparing instances (~19k members, as many registrations
    and ~16k post claims at district scale)."""
    cols = [f.attname for f in model._meta.concrete_fields]
    assign_ids(model, rows)
    insert_rows(model, cols, [tuple(getattr(row, c) for c in cols) for row in rows])


def _branch_of(branches, code):
    for b in branches:
        if b.division_code == code:
            return b
    return None


def _officers(rng, branches, members):
    from .models import PartyOrganization

    by_branch = {}
    for m in members:
        if m.branch_id:
            by_branch.setdefault(m.branch_id, []).append(m)
    updates, through = [], PartyOrganization.committee.through
    links = []
    for b in branches:
        ms = by_branch.get(b.pk, [])
        if not ms:
            continue
        b.secretary = ms[0]
        b.contact_name = ms[0].name
        updates.append(b)
        links += [through(partyorganization_id=b.pk, partymember_id=m.pk) for m in ms[1:3]]
    PartyOrganization.objects.bulk_update(updates, ["secretary", "contact_name"], batch_size=BATCH)
    through.objects.bulk_create(links, batch_size=BATCH, ignore_conflicts=True)


def _claims(rng, branches, members):
    from .models import PostClaim, RolePost

    posts = list(RolePost.objects.filter(is_active=True))
    filled = {}
    rows = []
    now = clock.now()
    claim_row = RowMaker(PostClaim)
    for m in members:
        if not m.branch_id or rng.random() > 0.88:
            continue
        order = rng.sample(posts, len(posts))
        for p in order:
            if filled.get((m.branch_id, p.pk), 0) < p.capacity_per_grid:
                pending = rng.random() < 0.02
                if not pending:
                    filled[(m.branch_id, p.pk)] = filled.get((m.branch_id, p.pk), 0) + 1
                rows.append(claim_row(member_id=m.pk, post_id=p.pk, branch_id=m.branch_id, division_code=m.division_code,
                                      status=RequestStatus.PENDING if pending else RequestStatus.APPROVED,
                                      requested_at=m.registered_at or now, decided_at=None if pending else now))
                m._post = None if pending else p
                break
    _write(PostClaim, rows)
    return len(rows)


def _activities(rng, branches, members, progress):
    """A year of manual service records plus volunteer attendance, written in batches."""
    from .models import ServiceActivity, ServiceItem

    items = {}
    for i in ServiceItem.objects.filter(is_active=True, source=ItemSource.MANUAL):
        items.setdefault(i.post_id, []).append(i)
    all_manual = [i for group in items.values() for i in group]
    volunteer = ServiceItem.objects.filter(source=ItemSource.VOLUNTEER).first()
    now = clock.now()
    days = 365
    start = now - datetime.timedelta(days=days)
    created = stored_datetime(now)  # every value of a record row is in its stored form (insert_rows(stored=True))
    # A record's time is a local day, an hour and a minute: ~17k distinct values over 1.5M rows
    # at district scale, each converted to its stored text once (`stored_datetime`). Days count
    # back from today's local midnight; the draws are those of the plain datetime arithmetic
    # (`now - random() * span days`, its local date at the drawn hour and minute; one day back
    # if that is still to come; verified 1–5 days later), in the same order.
    local_now = now.astimezone(timezone.get_current_timezone())
    midnight = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    now_s = (local_now - midnight).total_seconds()  # seconds since local midnight
    stamps = {}

    def stamp(back, second):
        key = back * 86400 - second
        text = stamps.get(key)
        if text is None:
            text = stamps[key] = stored_datetime(midnight - datetime.timedelta(days=back, seconds=-second))
        return text

    # (items, mean points of a record) of a post's pool and of the pool of members without a post
    pools = {post_id: (pool, sum(float(i.points) for i in pool) / len(pool)) for post_id, pool in items.items()}
    any_post = (all_manual, sum(float(i.points) for i in all_manual) / len(all_manual))
    item_rows = {i.pk: (i.pk, i.post_id, i.name, i.points) for i in all_manual}
    one, manual, pending, verified, rejected = Decimal(1), ItemSource.MANUAL, "pending", "verified", "rejected"
    reject_note = "记录不完整，请补充现场照片"
    hours = [8 * 3600, 9 * 3600, 10 * 3600, 15 * 3600, 16 * 3600, 18 * 3600, 19 * 3600, 20 * 3600]
    minutes = [0, 600, 1200, 1800, 2400, 3000]
    durations = [30, 60, 90, 120]

    def rows():
        random, choice, randint = rng.random, rng.choice, rng.randint
        for m in members:
            if not m.branch_id:
                continue
            post = getattr(m, "_post", None)
            if post is None and random() < 0.6:
                continue
            diligence = rng.choice([0.15, 0.35, 0.55]) if random() < 0.12 else rng.uniform(0.95, 1.7)
            since = max(start, m.registered_at or start)
            span = max(1, min(days, (now - since).days))
            pool, per_record = pools[post.pk] if post else any_post
            # enough records for the post's monthly target (with a margin), scaled by diligence
            monthly = float(post.target_points) if post else 10.0
            n = int(span / 30 * monthly / per_record * 1.25 * diligence + 0.5)
            member, branch, code = m.pk, m.branch_id, m.division_code
            post_id = post.pk if post else None
            for _ in range(n):
                back = -math.floor((now_s - random() * span * 86400) / 86400)  # local days back
                second = choice(hours) + choice(minutes)  # local time of day
                if second > now_s + back * 86400:  # later than now
                    back += 1
                item_id, item_post, item_name, points = item_rows[choice(pool).pk]
                age = int((now_s + back * 86400 - second) // 86400)
                r = random()
                status = pending if age < 2 or (age < 7 and r < 0.25) else (
                    rejected if r < 0.03 else verified if r < 0.97 else pending)
                verified_at = stamp(back - randint(1, 5), second) if status != pending else None
                yield (member, branch, post_id or item_post, item_id, manual, "", code, stamp(back, second),
                       choice(durations), choice(PLACES), item_name, one, points, status, None, None, None,
                       verified_at, reject_note if status == rejected else "", created)

    # a first load: the record table's indexes are built once after it (core.bulk.bulk_mode)
    with transaction.atomic(), bulk_mode(ServiceActivity, enabled=not ServiceActivity.objects.exists()):
        total = insert_rows(ServiceActivity, ACTIVITY_COLUMNS, rows(), stored=True)
    if volunteer is not None:
        total += _events(rng, members, volunteer, now)
    return total


def _events(rng, members, item, now):
    """Monthly volunteer events per street committee with attendance → verified records."""
    from .models import EventSignup, PartyOrganization, ServiceActivity, VolunteerEvent

    streets = list(PartyOrganization.objects.filter(kind="street", is_active=True))
    by_street = {}
    for m in members:
        if m.branch_id:
            by_street.setdefault(m.division_code[:9], []).append(m)
    events = []
    for s in streets:
        for month_back in range(0, 12):
            day = now - datetime.timedelta(days=30 * month_back + rng.randint(0, 20) - (10 if month_back == 0 else 0))
            starts = day.replace(hour=9, minute=0, second=0, microsecond=0)
            events.append(VolunteerEvent(organization=s, division_code=s.division_code, title=rng.choice(EVENTS),
                                         place=rng.choice(PLACES), starts_at=starts,
                                         ends_at=starts + datetime.timedelta(hours=2), capacity=rng.choice([20, 30, 50]),
                                         item=item, description="党员志愿服务先锋行"))
    events = VolunteerEvent.objects.bulk_create(events, batch_size=BATCH)
    signups = []
    for e in events:
        pool = by_street.get(e.division_code[:9], [])
        for m in rng.sample(pool, min(len(pool), e.capacity - rng.randint(0, 5))):
            past = e.ends_at < now
            signups.append(EventSignup(event=e, member=m, division_code=e.division_code,
                                       signed_up_at=e.starts_at - datetime.timedelta(days=3),
                                       status=SignupStatus.ATTENDED if past and rng.random() < 0.9 else
                                       SignupStatus.SIGNED_UP if not past else SignupStatus.CANCELLED,
                                       checked_in_at=e.starts_at if past else None,
                                       checked_out_at=e.ends_at if past else None))
    # one signup per member and time window: drop overlaps deterministically
    seen, kept = set(), []
    for s in signups:
        key = (s.member.pk, s.event.starts_at.date())
        if key not in seen:
            seen.add(key)
            kept.append(s)
    EventSignup.objects.bulk_create(kept, batch_size=BATCH)
    attended = [s for s in EventSignup.objects.filter(event__in=events, status=SignupStatus.ATTENDED)
                .select_related("event", "member")]
    acts = [ServiceActivity(member_id=s.member_id, branch_id=s.member.branch_id, post_id=item.post_id, item=item,
                            source=ItemSource.VOLUNTEER, source_ref=f"signup:{s.pk}",
                            division_code=s.member.division_code, occurred_at=s.checked_in_at,
                            duration_minutes=120, place=s.event.place, note=f"志愿活动：{s.event.title}",
                            points=item.points, status=ActivityStatus.VERIFIED, check_in_at=s.checked_in_at,
                            check_out_at=s.checked_out_at, verified_at=s.checked_out_at) for s in attended]
    ServiceActivity.objects.bulk_create(acts, batch_size=BATCH, ignore_conflicts=True)
    return len(acts)


def _demo_account(members, progress):
    """`dangyuan01` (password as the other demo accounts): a member for the 我的履职 phone page."""
    from django.contrib.auth.hashers import make_password

    from gridgov.accounts.models import User

    try:
        from gridgov.demo.accounts import DEMO_PASSWORD
    except ImportError:  # pragma: no cover
        DEMO_PASSWORD = "Demo2026!grid"
    from .actions import hand_over_secretary_role
    from .models import PartyOrganization

    secretaries = set(PartyOrganization.objects.exclude(secretary=None).values_list("secretary_id", flat=True))
    member = next((m for m in members if m.branch_id and getattr(m, "_post", None) and m.pk not in secretaries), None)
    if member is None or User.objects.filter(username="dangyuan01").exists():
        return
    hashed = make_password(DEMO_PASSWORD)
    user = User.objects.create(username="dangyuan01", full_name=member.name, password=hashed)
    member.user = user
    member.save(update_fields=["user"])
    progress(f"演示党员账号：dangyuan01（{member.name}，{member.division_code}）")
    # shuji01: the secretary of the same branch, who verifies dangyuan01's records
    branch = PartyOrganization.objects.select_related("division", "secretary").get(pk=member.branch_id)
    secretary = branch.secretary
    if secretary is None or secretary.user_id or User.objects.filter(username="shuji01").exists():
        return
    secretary.user = User.objects.create(username="shuji01", full_name=secretary.name, password=hashed)
    secretary.save(update_fields=["user"])
    hand_over_secretary_role(actor=system_actor(), organization=branch, previous=None, secretary=secretary)
    progress(f"演示支部书记账号：shuji01（{secretary.name}，{branch.name}）")

