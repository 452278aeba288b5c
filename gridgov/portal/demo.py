"""Demo data of the portal: news, notices and activities and a public-interest session for
every demo community, booking rules for the bookable facilities, and the demo resident login
(`resident01`, the 居民 demo account) as a verified resident of the first 丹阳街道 community.
Deterministic; bulk inserts."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from gridgov.core import audit, clock, pii
from gridgov.core.actors import system_actor
from gridgov.divisions.choices import Level
from gridgov.divisions.models import Division

from .choices import PRIVACY_VERSION, PostKind, PostState, SessionKind, VerificationMethod
from .models import BookingRule, Post, ResidentProfile, Session, SessionSlot

NEWS = [("社区开展垃圾分类宣传进小区活动", "志愿者走进各小区，面对面讲解垃圾分类知识。"),
        ("“网格+党建”让居民办事更方便", "网格党支部带领党员认领服务岗位，帮助老人办理各类事项。"),
        ("社区老年大学秋季班开课", "书法、合唱、智能手机课程全部免费，欢迎报名。")]
NOTICES = [("关于小区二次供水设施清洗的通知", "本周六 8:00–12:00 停水，请提前储水。"),
           ("社区服务站冬季服务时间调整", "自 12 月起，工作日 8:30–17:30，周六上午值班。"),
           ("高龄津贴年度认证开始办理", "80 周岁以上老人请携带身份证到社区服务站或由家属在网上代办。")]
ACTIVITIES = [("重阳节敬老文艺汇演", "社区党群服务中心"), ("亲子阅读周末", "社区图书室")]
SESSIONS = [(SessionKind.HEALTH, "家庭医生义诊", "测血压、血糖，健康咨询", "社区卫生服务站"),
            (SessionKind.HAIRCUT, "爱心理发", "为 70 岁以上老人免费理发", "社区日间照料中心"),
            (SessionKind.LEGAL, "律师进社区", "婚姻家庭、劳动纠纷、邻里矛盾免费咨询", "社区调解室")]
BODY = "<p>{text}</p><p>详情请咨询社区服务站，或拨打社区电话。</p>"
DEMO_RESIDENT = "resident01"


def _communities():
    return list(Division.objects.filter(level=Level.COMMUNITY, is_active=True).order_by("code"))


def first_community():
    qs = Division.objects.filter(level=Level.COMMUNITY, is_active=True).order_by("code")
    return qs.filter(code__startswith="430702004").first() or qs.first()


@transaction.atomic
def generate(scale=1.0, seed=1, progress=None):
    from gridgov.community.models import Facility

    rng = random.Random(seed)
    actor = system_actor()
    now = clock.now()
    communities = _communities()
    Post.objects.filter(created_by=actor).delete()
    SessionSlot.objects.filter(session__created_by=actor).delete()
    Session.objects.filter(created_by=actor).delete()
    posts, sessions = [], []
    for c in communities:
        for i, (title, text) in enumerate(NEWS):
            posts.append(Post(community=c, division_code=c.code, kind=PostKind.NEWS, title=title, summary=text,
                              body=BODY.format(text=text), state=PostState.PUBLISHED, created_by=actor,
                              published_at=now - datetime.timedelta(days=3 * i + rng.random())))
        for i, (title, text) in enumerate(NOTICES):
            posts.append(Post(community=c, division_code=c.code, kind=PostKind.NOTICE, title=title, summary=text,
                              body=BODY.format(text=text), state=PostState.PUBLISHED, created_by=actor,
                              pinned=i == 0, published_at=now - datetime.timedelta(days=2 * i + rng.random())))
        for i, (title, place) in enumerate(ACTIVITIES):
            posts.append(Post(community=c, division_code=c.code, kind=PostKind.ACTIVITY, title=title, place=place,
                              body=BODY.format(text=title), state=PostState.PUBLISHED, created_by=actor,
                              event_at=now + datetime.timedelta(days=4 + 3 * i), published_at=now))
        kind, title, text, place = SESSIONS[rng.randrange(len(SESSIONS))]
        sessions.append(Session(community=c, division_code=c.code, kind=kind, title=title, description=text,
                                place=f"{c.name}{place}", created_by=actor))
    Post.objects.bulk_create(posts, batch_size=2000)
    Session.objects.bulk_create(sessions, batch_size=2000)
    day = timezone.localdate(now) + datetime.timedelta(days=3)
    slots = []
    for s in Session.objects.filter(created_by=actor):
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
        for i in range(4):
            slots.append(SessionSlot(session=s, division_code=s.division_code, capacity=10,
                                     starts_at=start + datetime.timedelta(minutes=30 * i),
                                     ends_at=start + datetime.timedelta(minutes=30 * (i + 1))))
    SessionSlot.objects.bulk_create(slots, batch_size=2000)
    have = set(BookingRule.objects.values_list("facility_id", flat=True))
    rules = [BookingRule(facility=f, division_code=f.division_code, needs_approval=f.facility_type.code ==
                         "sports_ground", note="请爱护公物，用后关灯锁门")
             for f in Facility.objects.filter(bookable=True).select_related("facility_type") if f.pk not in have]
    BookingRule.objects.bulk_create(rules, batch_size=2000)
    resident = _demo_resident(actor)
    audit.record(actor, "portal.save_post", ("portal.demo", "", "演示数据"),
                 after={"posts": len(posts), "sessions": len(sessions)})
    if progress:
        progress(f"社区网站：新闻公告 {len(posts)} 条，公益服务 {len(sessions)} 项，预约规则 {len(rules)} 条")
    return {"posts": len(posts), "sessions": len(sessions), "resident": resident}


def _demo_resident(actor):
    """resident01 (made by the demo accounts as a resident account) gets a verified profile."""
    from gridgov.accounts.choices import AccountKind
    from gridgov.accounts.models import User
    from gridgov.registry.models import Person

    user = User.objects.filter(username=DEMO_RESIDENT, kind=AccountKind.RESIDENT).first()
    community = first_community()
    if user is None or community is None:
        return ""
    person = Person.objects.filter(division_code__startswith=community.code, status="active",
                                   birth_date__isnull=False).exclude(id_hash="").order_by("pk").first()
    phone = "13900000001"
    profile, _ = ResidentProfile.objects.update_or_create(user=user, defaults=dict(
        community=community, division_code=person.division_code if person else community.code,
        display_name=user.full_name, phone_hash=pii.keyed_hash(phone), phone_masked=pii.mask_phone(phone),
        phone_verified_at=clock.now(), consent_at=clock.now(), consent_version=PRIVACY_VERSION,
        person=person, household_id=person.household_id if person else None,
        verified_at=clock.now() if person else None,
        verification_method=VerificationMethod.COUNTER if person else "", verified_by=actor if person else None))
    if person:
        User.objects.filter(pk=user.pk).update(full_name=person.name)
    return user.username


def public_pages():
    """The public pages the UI test visits signed out (the first demo community)."""
    from django.urls import reverse

    from gridgov.community.models import Facility

    c = first_community()
    if c is None:
        return []
    pages = [(f"portal-{name}", reverse(f"portal:{name}", args=[c.code]))
             for name in ("home", "grids", "guide", "policies", "facilities", "sessions", "report", "indicators",
                         "signup")]
    post = Post.objects.filter(division_code=c.code, state=PostState.PUBLISHED).first()
    if post:
        pages.append(("portal-post", reverse("portal:post", args=[c.code, post.pk])))
    facility = Facility.objects.filter(community=c, bookable=True).first()
    if facility:
        pages.append(("portal-facility", reverse("portal:facility", args=[c.code, facility.pk])))
    pages += [("portal-login", reverse("portal:login")), ("portal-privacy", reverse("portal:privacy"))]
    return pages
