"""Demo proxy needs (双代) in every state, through the actions: in the grid of the demo party
member `dangyuan01` (so dangyuan01, the branch secretary shuji01 and that grid's worker see
tasks), in grid worker gw001's grid, and in a grid of another community (an out-of-scope row
for the access tests). dangyuan01 claims, files and delivers as themself; the rest of the work
is the system actor's (the demo), filing for members without an account."""

import io

from django.core.exceptions import ValidationError

from gridgov.core import clock

from . import actions
from .choices import Channel, NeedSource
from .models import ProxyNeed

DESCRIPTIONS = ["行动不便，需代办高龄津贴申领", "独居老人，需代办城乡居民医保参保续费", "残疾人，需代办残疾人证换领并送证上门",
                "卧床老人，需代办老年优待证", "低保对象，需代办临时救助申请", "子女在外地，需代办养老保险资格认证"]


def _photo():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buf, format="PNG")
    buf.seek(0)
    buf.name = "demo.png"
    return buf


def _grids():
    """[(grid code, member or None for the grid)] to put needs in."""
    from gridgov.divisions.models import Division
    from gridgov.party.models import PartyMember, PartyOrganization

    codes, members = [], {}
    demo = PartyMember.objects.filter(user__username="dangyuan01", branch__isnull=False).select_related("user").first()
    if demo:
        codes.append(demo.branch.division_code)
        members[demo.branch.division_code] = demo
    grids = Division.objects.current_grids().order_by("code")
    first = grids.filter(code__startswith="430702004").first() or grids.first()
    if first and first.code not in codes:
        codes.append(first.code)
    if codes:
        other = grids.exclude(code__startswith=codes[0][:12]).first()
        if other and other.code not in codes:
            codes.append(other.code)
    with_branch = set(PartyOrganization.objects.filter(division_code__in=codes, kind="grid", is_active=True)
                      .values_list("division_code", flat=True))
    return [(c, members.get(c)) for c in codes if c in with_branch]


def _branch_member(code, exclude=()):
    from gridgov.party.models import PartyMember

    return (PartyMember.objects.filter(branch__division_code=code, status="active").exclude(pk__in=exclude)
            .order_by("pk").first())


def _answers(version):
    return {f["key"]: (f["choices"][0] if f["type"] == "choice" else "1" if f["type"] == "number"
                       else "2026-01-05" if f["type"] == "date" else "演示") for f in version.fields}


def _file(actor, need, items, rng):
    """File the need's application with the first item the resident is eligible for."""
    for item in [need.item, *rng.sample(items, len(items))]:
        if item is None:
            continue
        version = item.current
        try:
            return actions.file_need(actor=actor, need=need, item=item, mandate_photo=_photo(),
                                     answers=_answers(version), materials=[m["key"] for m in version.materials])
        except ValidationError:
            continue
    return None


def _complete(system, app):
    from .choices import Result

    app = actions.accept_application(actor=system, application=app)
    if app.version.handling == "forward":
        app = actions.forward_application(actor=system, application=app)
    return actions.complete_application(actor=system, application=app, result=Result.APPROVED,
                                        note="符合条件，准予办理")


def generate(system, rng):
    """Needs in every state; returns how many were recorded (none again on a second run)."""
    from gridgov.registry.models import Person

    from .models import ServiceItem

    if ProxyNeed.objects.exists():
        return 0
    items = [i for i in ServiceItem.objects.filter(is_active=True).select_related("current").order_by("code")
             if i.current and Channel.PROXY in i.current.channels
             and not any(f.get("type") == "file" and f.get("required") for f in i.current.fields)]
    made = 0
    for n_grid, (code, demo_member) in enumerate(_grids()):
        persons = list(Person.objects.filter(division_code=code, status="active", care_tags__isnull=False)
                       .distinct().order_by("pk")[:8])
        if not persons:
            continue
        member = demo_member or _branch_member(code)
        worker = member.user if member is not None and member.user_id else system
        plan = ["open", "open", "assigned", "filed", "delivered", "cancelled"] if n_grid == 0 else ["open", "delivered"]
        for k, target in enumerate(plan):
            person = persons[k % len(persons)]
            source = [NeedSource.GRID_WORKER, NeedSource.PHONE, NeedSource.FAMILY][k % 3]
            need = actions.record_need(actor=system, person=person, description=DESCRIPTIONS[k % len(DESCRIPTIONS)],
                                       source=source, contact_name="王芳（女儿）" if source == NeedSource.FAMILY else "",
                                       item=items[k % len(items)] if items and k % 2 == 0 else None)
            made += 1
            if target == "open":
                if k == 0:  # recorded three days ago and never assigned: the sweep alerts it
                    ProxyNeed.objects.filter(pk=need.pk).update(recorded_at=clock.now() - _days(4),
                                                                assign_due_at=clock.now() - _days(1))
                continue
            if member is None:
                continue
            if target in ("assigned", "cancelled") or member.user_id is None:
                need = actions.assign_need(actor=system, need=need, member=member, note="请尽快联系居民")
            else:
                need = actions.claim_need(actor=member.user, need=need)
            if target == "cancelled":
                actions.cancel_need(actor=system, need=need, reason="居民家属已自行办理")
                continue
            if target == "assigned":
                continue
            need = _file(worker, need, items, rng)
            if need is None or target == "filed":
                continue
            _complete(system, need.application)
            actions.deliver_need(actor=worker, need=need, photo=_photo(), confirmed=True,
                                 confirmed_by=person.name, note="证件已送到家中")
    actions.sweep_needs(actor=system)
    return made


def _days(n):
    import datetime

    return datetime.timedelta(days=n)
