"""Demo data of the services app: the default catalogue, a hall (3 groups, 4 counters) in the
demo community, a day of tickets, applications in every state with ratings and a
rectification, and proxy needs. Written through the actions as the system actor."""

import random

from django.core.exceptions import ValidationError

from gridgov.core.actors import system_actor

from . import actions
from .choices import AppState, Channel, Delivery, Result, TicketChannel
from .models import ServiceGroup, ServiceItem

GROUPS = [("A", "综合受理"), ("B", "社保医保"), ("C", "民政救助")]
PLAIN_ITEMS = ("RS001", "YB001", "GA003", "SF002", "MZ004", "WJ001", "YB003")  # few eligibility rules


def _community():
    from gridgov.divisions.models import Division

    qs = Division.objects.filter(level=3, is_active=True).order_by("code")
    return qs.filter(code__startswith="430702004").first() or qs.first()


def _hall(actor, community):
    groups = []
    for i, (prefix, name) in enumerate(GROUPS):
        group = ServiceGroup.objects.filter(community=community, prefix=prefix).first()
        groups.append(group or actions.save_group(actor=actor, community=community, name=name, prefix=prefix,
                                                  sort=i))
    counters = []
    for n in range(1, 5):
        from .models import Counter

        counter = Counter.objects.filter(community=community, number=n).first()
        counters.append(counter or actions.save_counter(actor=actor, community=community, number=n,
                                                        groups=groups if n == 1 else [groups[(n - 2) % 3]]))
    return groups, counters


def _rounds(scale):
    """How many times each target state is demonstrated: the demo passes its scale by name."""
    if isinstance(scale, str):
        return {"small": 2, "district": 3}.get(scale, 1)
    return max(1, min(3, int(scale)))


def generate(*, scale=1, seed=1, progress=None):
    from gridgov.registry.models import Person

    rng = random.Random(seed)
    actor = system_actor()
    created = actions.load_default_catalogue(actor=actor)
    community = _community()
    if community is None:
        return {"items": created}
    groups, counters = _hall(actor, community)
    for _ in range(24):
        actions.take_ticket(actor=actor, group=rng.choice(groups), channel=rng.choice(TicketChannel.values[:2]))
    served = 0
    for _ in range(14):
        counter = rng.choice(counters)
        ticket = actions.call_next(actor=actor, counter=counter)
        if ticket is None:
            continue
        if rng.random() < 0.15:
            actions.no_show(actor=actor, ticket=ticket)
        else:
            actions.serve_ticket(actor=actor, ticket=ticket)
            served += 1
    persons = list(Person.objects.filter(division_code__startswith=community.code, status="active")
                   .order_by("pk")[:200])
    items = {i.code: i for i in ServiceItem.objects.select_related("current")}
    apps = 0
    targets = [AppState.SUBMITTED, AppState.CORRECTION, AppState.ACCEPTED, AppState.REVIEW, AppState.REJECTED,
               AppState.COMPLETED, AppState.DELIVERED] * _rounds(scale)
    for n, target in enumerate(targets):
        person = persons[n % len(persons)] if persons else None
        if person is None:
            break
        code = "MZ004" if target in (AppState.REVIEW,) else rng.choice(PLAIN_ITEMS)
        item = items.get(code)
        if item is None:
            continue
        version = item.current
        answers = {f["key"]: (f["choices"][0] if f["type"] == "choice" else "1" if f["type"] == "number"
                              else "2026-01-05" if f["type"] == "date" else "演示") for f in version.fields}
        try:
            app = actions.submit_application(actor=actor, item=item, person=person, channel=Channel.COUNTER,
                                             answers=answers, materials=[m["key"] for m in version.materials])
        except ValidationError:
            continue
        apps += 1
        _advance(actor, app, target, rng)
    from .demo_proxy import generate as proxy_needs

    needs = proxy_needs(actor, rng)
    if progress:
        progress(f"社区服务：事项 {ServiceItem.objects.count()} 项，办件 {apps} 件，叫号办结 {served} 个，代办需求 {needs} 条")
    return {"items": created, "applications": apps, "tickets_served": served}


def _advance(actor, app, target, rng):
    if target == AppState.SUBMITTED:
        return
    if target == AppState.REJECTED:
        actions.reject_application(actor=actor, application=app, reason="不属于本事项受理范围")
        actions.rate_application(actor=actor, application=app, level=2, efficiency=3, quality=2, attitude=3,
                                 comment="没有说清楚应该去哪里办")
        return
    if target == AppState.CORRECTION:
        actions.request_correction(actor=actor, application=app, missing=[app.version.materials[0]["key"]],
                                   note="身份证复印件不清晰")
        return
    app = actions.accept_application(actor=actor, application=app)
    if target == AppState.ACCEPTED:
        return
    if app.version.handling == "forward":
        app = actions.forward_application(actor=actor, application=app)
        if target == AppState.REVIEW:
            return
    app = actions.complete_application(actor=actor, application=app, result=Result.APPROVED, note="符合条件，准予办理")
    if target == AppState.DELIVERED:
        app = actions.deliver_application(actor=actor, application=app, method=rng.choice(Delivery.values))
    actions.rate_application(actor=actor, application=app, level=rng.choice([5, 5, 4]), efficiency=5, quality=5,
                             attitude=5)
