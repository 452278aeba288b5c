"""Demo cases: a year of history with realistic timings (every step has its event row; some
steps late, some rework, deferrals, ratings) so evaluation pages show real-looking figures,
plus a live queue of open cases. `small`: a few hundred; `district`: ~200,000 (bulk_create)."""

import datetime
import json
import random
import time

from django.db import transaction

from gridgov.core import clock
from gridgov.core.bulk import (
    NULL,
    RowMaker,
    allocate_ids,
    assign_ids,
    bulk_mode,
    copy_escape,
    copy_file,
    copy_text,
    insert_objects,
    insert_rows,
    object_rows,
)

from .choices import CaseState as S
from .choices import Channel, Step, Urgency
from .choices import EventKind as K
from .sla import step_limit

SIZES = {"small": 400, "quick": 800, "district": 200_000}
BATCH = 2000
CHANNELS = [(Channel.GRID_WORKER, 55), (Channel.WEB, 15), (Channel.COUNTER, 15), (Channel.KIOSK, 5),
            (Channel.OPEN311, 10)]
TITLES = {"": ["{name}", "{name}问题", "发现{name}", "{name}，请尽快处理", "居民反映{name}"]}
RATINGS = [5] * 55 + [4] * 25 + [3] * 12 + [2] * 5 + [1] * 3
STEP_OF = {S.REPORTED: Step.ACCEPT, S.REGISTERED: Step.ACCEPT, S.DISPATCHED: Step.SIGN, S.HANDLING: Step.HANDLE,
           S.HANDLED: Step.VERIFY, S.VERIFIED: Step.CLOSE}


def _grids():
    from gridgov.divisions.choices import Level
    from gridgov.divisions.models import Division, DivisionShape

    boxes = {s.division_id: (s.min_lng, s.min_lat, s.max_lng, s.max_lat)
             for s in DivisionShape.objects.filter(valid_to__isnull=True, division__level=Level.GRID)}
    grids = list(Division.objects.current_grids().only("id", "code", "urban_rural_code",
                                                                       "centre_lng", "centre_lat"))
    return [(g, boxes.get(g.pk)) for g in grids]


class Timeline:
    """Builds one case's event rows in time order (wall-clock minutes approximate working time):
    tuples in `EVENT_KEYS` order, the columns written as they are."""

    def __init__(self, rng, case, now):
        self.rng, self.case, self.now, self.events, self.deferred = rng, case, now, [], False

    def add(self, kind, at, frm, to, *, due=None, elapsed=None, actor="", note="", rating=None, data=None,
            on_time=None):
        if on_time is None and due is not None:
            on_time = at <= due
        self.events.append((kind, at, frm, to, due, on_time, elapsed, actor, note, rating, data or {}, self.deferred))
        return at


def _plan(rng, case, cat, dept, now, stuck):
    """The event list for one case, cut at `now` (or after acceptance when `stuck`)."""
    m = lambda a, b: datetime.timedelta(minutes=rng.uniform(a, b))  # noqa: E731
    t = Timeline(rng, case, now)
    t0 = case.reported_at
    gw, centre, handler = "网格员", "区网格化服务管理中心", f"{dept.name}处置员" if dept else "处置员"
    t.add(K.REPORT, t0, "", S.REPORTED, actor=gw if case.channel == Channel.GRID_WORKER else "")
    accept_limit = cat.accept_minutes_urgent if case.urgency == Urgency.URGENT else cat.accept_minutes
    due = t0 + datetime.timedelta(minutes=accept_limit)
    roll = rng.random()
    if roll < 0.08:
        at = t0 + m(5, 40)
        t.add(K.SOLVE, at, S.REPORTED, S.CLOSED, due=due, elapsed=int((at - t0).total_seconds() // 60), actor=gw,
              note="网格员现场处理完毕")
        return t.events
    if roll < 0.11:
        t.add(K.REJECT, t0 + m(3, 25), S.REPORTED, S.REJECTED, actor=centre, note="不属于受理范围，已告知反映人")
        return t.events
    at = t.add(K.REGISTER, t0 + m(2, 15), S.REPORTED, S.REGISTERED, actor=centre)
    late = rng.random() < 0.05
    at = t.add(K.DISPATCH, at + (m(25, 80) if late else m(2, 12)), S.REGISTERED, S.DISPATCHED, due=due,
               elapsed=None, actor=centre, data={"department": dept.name if dept else ""})
    at = t.add(K.ACCEPT, at + (m(31, 120) if rng.random() < 0.05 else m(3, 28)), S.DISPATCHED, S.HANDLING, due=at + datetime.timedelta(minutes=cat.sign_minutes),
               actor=handler)
    if stuck:
        return t.events
    limit = cat.handle_minutes_urgent if case.urgency == Urgency.URGENT else cat.handle_minutes
    start = at
    due = start + datetime.timedelta(minutes=limit)
    if rng.random() < 0.03:
        t.add(K.DEFER_REQUEST, start + m(0.3 * limit, 0.5 * limit), "", "", actor=handler, note="需协调相关单位",
              data={"minutes": limit})
        t.add(K.DEFER_APPROVE, start + m(0.5 * limit, 0.6 * limit), "", "", actor=centre, data={"minutes": limit})
        t.deferred = True
        due += datetime.timedelta(minutes=limit)
    for attempt in range(2):
        on_time = rng.random() < 0.88
        span = limit * (rng.uniform(0.15, 0.95) if on_time else rng.uniform(1.05, 2.2))
        at = t.add(K.HANDLE, start + datetime.timedelta(minutes=span), S.HANDLING, S.HANDLED, due=due,
                   elapsed=int(span), actor=handler, note="已按要求处置完毕", data={"rework": True} if attempt else None)
        vlimit = cat.verify_minutes_rural if case.is_rural else cat.verify_minutes_city
        vdue = at + datetime.timedelta(minutes=vlimit)
        if attempt == 0 and rng.random() < 0.07:
            at = t.add(K.VERIFY_FAIL, at + m(10, vlimit * 1.1), S.HANDLED, S.HANDLING, due=vdue, actor=gw,
                       note="现场核查未处置到位")
            start, due = at, at + datetime.timedelta(minutes=limit)
            continue
        at = t.add(K.VERIFY_PASS, at + (m(vlimit, vlimit * 2) if rng.random() < 0.06 else m(10, vlimit)), S.HANDLED, S.VERIFIED, due=vdue, actor=gw)
        break
    all_ok = all(e[ON_TIME] is not False for e in t.events)
    close_at = at + m(5, 50)
    close_due = at + datetime.timedelta(minutes=cat.close_minutes)
    t.add(K.CLOSE, close_at, S.VERIFIED, S.CLOSED, due=close_due, elapsed=int((close_at - t0).total_seconds() // 60),
          actor=centre, on_time=all_ok and close_at <= close_due)
    if case.channel != Channel.OPEN311 and rng.random() < 0.65:
        t.add(K.RATE, close_at + m(60, 2880), "", "", rating=rng.choice(RATINGS))
    return t.events


def _apply(case, events, cat, now):
    """Case columns from its (cut) timeline."""
    last = None
    for e in events:
        kind = e[0]
        if e[3]:  # to_state
            case.state, last = e[3], e
        column = TIMESTAMPS.get(kind)
        if column:
            setattr(case, column, e[1])
        elif kind == K.RATE:
            case.rating, case.rated_at = e[RATING], e[1]
        elif kind == K.DEFER_APPROVE:
            case.deferred_minutes += e[DATA]["minutes"]
    if case.state == S.REJECTED or case.state == S.CLOSED and not case.dispatched_at:
        case.current_department_id = None
    step = STEP_OF.get(case.state)
    if step:
        case.step, case.step_started_at = step, last[1] if step != Step.ACCEPT else case.reported_at
        limit = step_limit(case, step)
        case.due_at = case.step_started_at + datetime.timedelta(minutes=limit)
        case.warn_at = case.step_started_at + datetime.timedelta(minutes=int(limit * 0.8))
        case.escalate_at = case.due_at
        case.warned, case.overdue = case.warn_at <= now, case.due_at <= now


EVENT_KEYS = ("kind", "at", "from_state", "to_state", "due_at", "on_time", "elapsed_minutes", "actor_name", "note",
              "rating", "data", "deferred")
ON_TIME, RATING, DATA = (EVENT_KEYS.index(k) for k in ("on_time", "rating", "data"))
TIMESTAMPS = {K.REGISTER: "registered_at", K.DISPATCH: "dispatched_at", K.ACCEPT: "accepted_at",
              K.HANDLE: "handled_at", K.VERIFY_PASS: "verified_at", K.CLOSE: "closed_at", K.SOLVE: "closed_at"}
UNASSIGNED = (K.REPORT, K.REGISTER, K.REJECT, K.SOLVE)  # events before (or without) a department
EVENT_COLUMNS = ["case_id", "division_code", "category_id", "channel", "department_id", *EVENT_KEYS]


def _n(value):
    return NULL if value is None else str(value)


def _event_line(row):
    """An event row (`EVENT_COLUMNS`) as its PostgreSQL COPY text line — the text the bulk
    writer's general path builds, without its per-column adapters and checks: the codes and
    choices here never hold a tab, newline or backslash; names and `data` are escaped."""
    (case_id, code, category, channel, department, kind, at, frm, to, due, on_time, elapsed, actor, note, rating,
     data, deferred) = row
    return "\t".join((
        str(case_id), code, _n(category), channel, _n(department), kind, str(at), frm, to, _n(due),
        NULL if on_time is None else "t" if on_time else "f", _n(elapsed), copy_escape(actor), copy_escape(note),
        _n(rating), copy_escape(json.dumps(data)) if data else "{}", "t" if deferred else "f"))


def _inputs(scale):
    """What drawing the cases needs from the database (None: nothing to do, with the reason):
    the grids with their boxes, the minor classes and their weights, the departments, the span."""
    from gridgov.accounts.models import Department

    from .models import Case, CaseCategory

    if Case.objects.filter(number__regex=r"^\d{8}9").exists():
        return "事件：演示数据已存在，跳过"
    grids = _grids()
    if not grids:
        return "事件：没有网格，跳过"
    cats = list(CaseCategory.objects.filter(parent__isnull=False, is_active=True).select_related("parent"))
    now = clock.now()
    days = 365 if scale == "district" else 60
    return {"total": SIZES.get(scale, SIZES["small"]), "grids": grids, "cats": cats,
            "weights": [6 if c.kind == "event" else 3 if c.kind == "component" else 2 for c in cats],
            "depts": {d.pk: d for d in Department.objects.all()}, "now": now,
            "start": now - datetime.timedelta(days=days), "days": days}


def prepare(*, scale, seed):
    """`DemoStep.prepare` (PostgreSQL, outside a transaction): the cases and their events are drawn
    in a process of their own (`demo.child`) into COPY files while the registry's people load —
    the same draws as `generate`'s, with primary keys reserved here — and `generate` loads the
    files. None when there is nothing to draw."""
    from .models import Case

    inputs = _inputs(scale)
    if isinstance(inputs, str):
        return None
    from gridgov.demo import child

    return child.start("gridgov.cases.demo.write_files", seed=seed, ids=allocate_ids(Case, inputs["total"]),
                       **inputs)


def write_files(*, directory, seed, ids, total, grids, cats, weights, depts, now, start, days):
    """The child's part of `prepare`: `cases.copy` and `events.copy` under `directory`, in
    `core.bulk.copy_text` form (no database)."""
    from .models import Case

    rng = random.Random(seed * 7919 + 5)
    ids = iter(ids)
    with open(f"{directory}/cases.copy", "w", encoding="utf-8") as cf, \
            open(f"{directory}/events.copy", "w", encoding="utf-8") as ef:
        for cases, plans in _batches(rng, total, grids, cats, weights, depts, now, start, days):
            for case in cases:
                case.pk = next(ids)
            cf.writelines(line + "\n" for line in copy_text(Case, *object_rows(Case, cases)))
            ef.writelines(_event_line(row) + "\n" for row in _event_rows(cases, plans))


def generate(*, scale, seed, progress, prepared=None):
    from .models import Case, CaseEvent

    if prepared is not None:  # drawn by the child process `prepare` started: load its files
        directory = prepared.wait()
        with transaction.atomic(), bulk_mode(Case, CaseEvent, enabled=not Case.objects.exists()):
            made = copy_file(Case, object_rows(Case, [])[0], directory / "cases.copy")
            copy_file(CaseEvent, EVENT_COLUMNS, directory / "events.copy")
        prepared.cleanup()
        progress(f"事件：完成，共 {made} 件")
        return
    inputs = _inputs(scale)
    if isinstance(inputs, str):
        progress(inputs)
        return
    rng = random.Random(seed * 7919 + 5)
    progress(f"事件：生成 {inputs['total']} 件（过去 {inputs['days']} 天）……")
    # one transaction; on a first load the case and event indexes are built once at its end
    # (core.bulk.bulk_mode) instead of row by row
    with transaction.atomic(), bulk_mode(Case, CaseEvent, enabled=not Case.objects.exists()) as locked:
        made = _write(rng, inputs, locked, progress)
    progress(f"事件：完成，共 {made} 件")


def sums(*, scale, seed, progress):
    """The evaluation sums of the demo's cases (`rollup`), all of them on a first load, else the
    days not yet summed. A background step (`DemoStep.background`): no later step reads them."""
    from . import rollup

    t0 = time.perf_counter()
    rows = rollup.rebuild() if rollup.built_until() is None else rollup.build()
    progress(f"事件：评价日统计 {rows} 行（{time.perf_counter() - t0:.1f} 秒）")
    return {"rows": rows}


def _write(rng, inputs, locked, progress):
    """Cases and their event timelines, `BATCH` cases at a time, as rows through core's bulk writer
    (COPY on PostgreSQL): ~200k cases and ~1.4M events at district scale. Cases are plain
    `RowMaker` rows and events tuples (a model instance per case cost a fifth of the step)."""
    from .models import Case, CaseEvent

    made, total = 0, inputs["total"]
    batches = _batches(rng, total, inputs["grids"], inputs["cats"], inputs["weights"], inputs["depts"],
                       inputs["now"], inputs["start"], inputs["days"])
    for cases, plans in batches:
        insert_objects(Case, assign_ids(Case, cases, locked=locked))
        insert_rows(CaseEvent, EVENT_COLUMNS, _event_rows(cases, plans), copy_line=_event_line)
        made += len(cases)
        if made % 20000 == 0 or made == total:
            progress(f"事件：{made}/{total}")
    return made


def _event_rows(cases, plans):
    """Event rows (`EVENT_COLUMNS`) of a batch of cases with their primary keys."""
    return ((case.pk, case.division_code, case.category_id, case.channel,
             None if e[0] in UNASSIGNED else case.current_department_id, *e)
            for case, events in zip(cases, plans, strict=True) for e in events)


def _batches(rng, total, grids, cats, weights, depts, now, start, days):
    """(case rows, their event lists) `BATCH` cases at a time, in number order: every draw from
    `rng`, nothing read from the database."""
    from .models import Case

    channels, cweights = zip(*CHANNELS, strict=True)
    make = RowMaker(Case)
    for first in range(0, total, BATCH):
        cases, plans = [], []
        for i in range(first, min(first + BATCH, total)):
            grid, box = rng.choice(grids)
            cat = rng.choices(cats, weights)[0]
            day = start + datetime.timedelta(days=(days * (i + rng.random()) / total))
            reported = day.replace(hour=rng.choice([8, 9, 9, 10, 10, 11, 14, 15, 15, 16, 17, 19]),
                                   minute=rng.randrange(60))
            if reported > now:
                reported = now - datetime.timedelta(minutes=rng.randrange(5, 600))
            if box:
                lng, lat = rng.uniform(box[0], box[2]), rng.uniform(box[1], box[3])
            else:
                lng, lat = grid.centre_lng, grid.centre_lat
            dept = depts.get(cat.default_department_id)
            case = make(
                number=f"{reported:%Y%m%d}9{i:06d}", public_token=f"d{rng.getrandbits(72):018x}"[:16],
                title=rng.choice(TITLES[""]).format(name=cat.name), description=f"{cat.parent.name}：{cat.name}。",
                category_id=cat.pk,
                urgency=Urgency.URGENT if cat.urgent_allowed and rng.random() < 0.1 else Urgency.NORMAL,
                channel=rng.choices(channels, cweights)[0], grid_id=grid.pk, division_code=grid.code,
                is_rural=(grid.urban_rural_code or "1")[:1] == "2", lng=lng, lat=lat,
                address=f"{grid.code[-6:]} 号附近", current_department_id=dept.pk if dept else None,
                reported_at=reported, state=S.REPORTED,
            )
            case.category = cat  # for sla.step_limit (not a column: insert_objects writes attnames only)
            stuck = rng.random() < (0.015 if (now - reported).days < 30 else 0.004)
            events = [e for e in _plan(rng, case, cat, dept, now, stuck) if e[1] <= now]
            _apply(case, events, cat, now)
            cases.append(case)
            plans.append(events)
        yield cases, plans
