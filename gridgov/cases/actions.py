"""Writes to cases (rule 1 in docs/architecture.md): reporting, every workflow transition, categories, API keys.

Transitions lock the case row (`select_for_update`) and compare the state the actor saw
(`expected_state`) with the state now: two people dispatching the same case at once give one
dispatch and one clear conflict error.
"""

import hashlib
import math
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from gridgov.core import audit, clock, limits, pii, uploads
from gridgov.core.access import ALL, can, ensure_visible, require, scope_prefixes
from gridgov.core.actors import action
from gridgov.core.workcalendar import WorkCalendar

from . import conf, sla
from .choices import OPEN_STATES, AttachmentKind, CaseState, Channel, EventKind, Urgency
from .models import Case, CaseAttachment, CaseCategory, CaseEvent, Open311ApiKey, RoutingRule
from .notifications import notify_dispatch, notify_progress
from .workflow import TRANSITIONS, in_department, state_label

PUBLIC_CHANNELS = (Channel.WEB, Channel.KIOSK, Channel.OPEN311)


class CaseConflict(ValidationError):
    """The case moved on since the actor looked at it (or the transition is not allowed now)."""


def _actor_name(actor):
    """The name a case event shows: the user, "居民（匿名）" for a public visitor, "" for the
    platform itself (shown as 系统)."""
    if getattr(actor, "pk", None):
        return (actor.get_full_name() or actor.username)[:50]
    if getattr(actor, "is_anonymous", False):
        return audit.ANONYMOUS
    return ""


def api_key_name(api_key):
    """How an Open311 client is named in the history and the audit log."""
    return f"Open311 接口：{api_key.name}"[:50] if api_key is not None else None


def write_event(case, kind, actor, *, at=None, from_state="", to_state="", note="", due_at=None, on_time=None,
                elapsed=None, rating=None, data=None, deferred=None, actor_name=None):
    """Append one typed row to the case's history (carrying department, grid and class)."""
    return CaseEvent.objects.create(
        case=case, kind=kind, at=at or clock.now(), actor=actor if getattr(actor, "pk", None) else None,
        actor_name=actor_name or _actor_name(actor), from_state=from_state, to_state=to_state, note=note[:2000],
        department_id=case.current_department_id, division_code=case.division_code, category_id=case.category_id,
        channel=case.channel, due_at=due_at, on_time=on_time, elapsed_minutes=elapsed, rating=rating,
        data=data or {}, deferred=case.deferred_minutes > 0 if deferred is None else deferred,
    )


MAX_PHOTOS = 5


def _attach(case, event, files, kind):
    """Store photos (re-encoded by the core image helper: anything else is refused)."""
    now = clock.now()
    for image in uploads.clean_images(files, max_count=MAX_PHOTOS):
        CaseAttachment.objects.create(case=case, event=event, kind=kind, file=image, uploaded_at=now)


# --- reporting ---------------------------------------------------------------------------------

def resolve_grid(*, lng=None, lat=None, grid=None, component=None):
    """The grid a report belongs to: the picked component's grid, else the point's grid, else
    the grid chosen by hand. Raises ValidationError (Chinese) when none is found."""
    from gridgov.divisions.choices import Level
    from gridgov.divisions.geo import grid_at

    if component is not None:
        return component.grid
    if lng is not None and lat is not None:
        found = grid_at(float(lng), float(lat))
        if found is not None:
            return found
        if grid is None:
            raise ValidationError({"location": "该位置不在本区任何网格内，请重新选点或手工选择网格"})
    if grid is None:
        raise ValidationError({"location": "请在地图上选点、选择部件或选择网格"})
    if grid.level != Level.GRID:
        raise ValidationError({"grid": "请选择到网格一级"})
    return grid


def may_report_in(actor, grid):
    """Staff who may file cases somewhere may file them anywhere in the same district: a problem
    a few hundred metres past a grid line is still reported, and the case belongs to the grid
    the point falls in (the same rule as the public form, which takes reports from anyone)."""
    prefixes = scope_prefixes(actor, "cases.add_case")
    if prefixes == ALL:
        return True
    return any(grid.code.startswith(p[:6]) for p in prefixes)


def outside_own_area(actor, case):
    """True when `actor` filed `case` in a grid they do not look after (the case went to the grid
    of the point; the intake page tells them so)."""
    return not can(actor, "cases.add_case", case.division_code)


def check_rate_limit(ip):
    """Public pages: at most N reports per source address in M minutes (a DB count, so every
    web server agrees)."""
    import datetime

    limit, minutes = conf.public_rate_limit()
    since = clock.now() - datetime.timedelta(minutes=minutes)
    if Case.objects.filter(reporter_ip_hash=ip_hash(ip), reported_at__gte=since).count() >= limit:
        raise ValidationError(f"提交过于频繁：每 {minutes} 分钟最多上报 {limit} 件，请稍后再试")


def ip_hash(ip):
    return hashlib.sha256(f"case-ip:{ip}".encode()).hexdigest() if ip else ""


def validate_attributes(category, attributes):
    """Check answers to the class's extra questions; returns the cleaned dict."""
    attributes = attributes or {}
    cleaned, errors = {}, []
    for q in category.extra_questions or []:
        code = q.get("code")
        value = attributes.get(code)
        if value in (None, "", []):
            if q.get("required"):
                errors.append(f"请填写“{q.get('label', code)}”")
            continue
        keys = {str(v.get("key")) for v in q.get("values") or []}
        if q.get("datatype") == "singlevaluelist" and keys and str(value) not in keys:
            errors.append(f"“{q.get('label', code)}”的取值 {value} 不在可选范围内")
        elif q.get("datatype") == "number":
            try:
                float(value)
            except (TypeError, ValueError):
                errors.append(f"“{q.get('label', code)}”必须是数字")
        values = value if isinstance(value, list) else [value]
        if len(values) > 50 or any(len(str(v)) > limits.JSON_VALUE for v in values):
            errors.append(limits.too_long(q.get("label", code), limits.JSON_VALUE))
        cleaned[code] = value
    if errors:
        raise ValidationError({"attributes": errors})
    return cleaned


def _case_number(pk):
    return f"{clock.today():%Y%m%d}{pk:07d}"[-20:]


def _next_case_id():
    """The next case id from the table's sequence (PostgreSQL); None where ids come only from
    the insert itself (SQLite)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [Case._meta.db_table])
        return cur.fetchone()[0]


@action
def report_case(*, actor, category, title, description="", channel, lng=None, lat=None, grid=None, address="",
                component=None, urgency=Urgency.NORMAL, reporter_name="", reporter_phone="", photos=None,
                attributes=None, api_key=None, ip=None, solve_evidence=None, solve_note=""):
    """Record a new case from any channel. Public channels (website, kiosk, Open311) need no
    permission; grid worker and counter filing need `cases.add_case` somewhere in the same
    district (`may_report_in`); the case goes to the grid of the point. With `solve_evidence`
    a grid worker closes it at once (简易程序, `cases.solve_in_grid` over that grid)."""
    if not isinstance(category, CaseCategory) or not category.is_minor or not category.is_active:
        raise ValidationError({"category": "请选择一个启用的事件小类"})
    if not (title or "").strip():
        raise ValidationError({"title": "请填写标题"})
    if urgency == Urgency.URGENT and not category.urgent_allowed:
        urgency = Urgency.NORMAL
    grid = resolve_grid(lng=lng, lat=lat, grid=grid, component=component)
    logged_in = getattr(actor, "is_authenticated", False)
    if channel not in PUBLIC_CHANNELS:
        if not may_report_in(actor, grid):
            raise PermissionDenied("该位置不在您所在的区县，不能上报")
        if solve_evidence is not None and not can(actor, "cases.solve_in_grid", grid.code):
            raise ValidationError({"solve_in_grid": f"该位置属于“{grid.name}”，不在您负责的网格内，不能按简易程序当场结案；"
                                                    "请取消“已当场解决”后上报，事件将交由该网格处理"})
    elif channel != Channel.OPEN311 and not logged_in:
        check_rate_limit(ip)
    attributes = validate_attributes(category, attributes)
    now = clock.now()
    case = Case(
        number=secrets.token_hex(8), public_token=secrets.token_urlsafe(12)[:16], title=title.strip()[:120],
        description=description, category=category, urgency=urgency, channel=channel, state=CaseState.REPORTED,
        grid=grid, division_code=grid.code, is_rural=(grid.urban_rural_code or "1")[:1] == "2",
        lng=float(lng) if lng not in (None, "") else (component.lng if component else None),
        lat=float(lat) if lat not in (None, "") else (component.lat if component else None),
        address=address, component=component,
        reporter=actor if logged_in and channel in (Channel.WEB, Channel.KIOSK, Channel.GRID_WORKER) else None,
        reporter_name=reporter_name or (_actor_name(actor) if logged_in and channel != Channel.COUNTER else "")[:50],
        reporter_phone_masked=pii.mask_phone(reporter_phone) if reporter_phone else "",
        reporter_phone_hash=pii.keyed_hash(reporter_phone), reporter_ip_hash=ip_hash(ip),
        filed_by=actor if logged_in else None, api_key=api_key, attributes=attributes, reported_at=now,
    )
    limits.check_lengths(case, ["description", "address", "reporter_name"])
    sla.start_clock(case, now)
    case.pk = _next_case_id()
    if case.pk is not None:  # the number is known before the insert: one write, no dead row version
        case.number = _case_number(case.pk)
        case.save(force_insert=True)
    else:
        case.save()
        case.number = _case_number(case.pk)
        Case.objects.filter(pk=case.pk).update(number=case.number)
    event = write_event(case, EventKind.REPORT, actor, at=now, to_state=CaseState.REPORTED,
                        note=description[:500], data={"channel": channel}, actor_name=api_key_name(api_key))
    _attach(case, event, photos, AttachmentKind.REPORT)
    if channel not in PUBLIC_CHANNELS and can(actor, "cases.view_case") and not outside_own_area(actor, case):
        ensure_visible(actor, case)
    audit.record(actor, "cases.report_case", case, after=audit.snapshot(case, ["number", "title", "category",
                                                                               "channel", "grid"]),
                 actor_name=api_key_name(api_key))
    if solve_evidence is not None:
        solve_in_grid(actor=actor, case=case, note=solve_note, photos=solve_evidence,
                      expected_state=CaseState.REPORTED)
        case.refresh_from_db()
    return case


# --- the transition core -----------------------------------------------------------------------

def _lock(case, name, actor, expected_state, *, token=None):
    """Lock the row, check the transition is allowed from the current state, that the state is
    the one the actor saw, and the actor's permission. Returns (locked case, transition)."""
    t = TRANSITIONS[name]
    locked = Case.objects.select_for_update().select_related("category", "grid").get(pk=case.pk)
    if expected_state and locked.state != expected_state:
        raise CaseConflict(
            f"事件 {locked.number} 的状态已变为“{state_label(locked.state)}”（您看到的是“{state_label(expected_state)}”），"
            "可能已有其他人处理，请刷新页面后重试。"
        )
    if locked.state not in t.sources:
        raise CaseConflict(f"事件当前状态为“{state_label(locked.state)}”，不能执行“{t.label}”。")
    if t.perm is None:
        is_reporter = getattr(actor, "pk", None) and locked.reporter_id == actor.pk
        if not is_reporter and not (token and secrets.compare_digest(token, locked.public_token)):
            raise PermissionDenied("只有上报人可以执行此操作")
    else:
        require(actor, t.perm, locked.division_code)
        if t.department_only and not in_department(actor, locked):
            raise PermissionDenied("该事件不属于您所在的部门")
    return locked, t


def _move(case, t, actor, *, note="", files=None, attachment_kind=None, data=None, now=None, calendar=None,
          event_kw=None, keep_clock=False, measured=True):
    """Measure the running step, move to the target state, restart the clock, write the event."""
    now = now or clock.now()
    cal = calendar or WorkCalendar()
    from_state = case.state
    due_at, on_time, elapsed = sla.measure(case, now, cal) if measured else (None, None, None)
    if t.target is not None:
        case.state = t.target
        sla.start_clock(case, now, cal, keep_start=keep_clock)
    kw = {"due_at": due_at, "on_time": on_time, "elapsed": elapsed}
    kw.update(event_kw or {})
    case.save()
    event = write_event(case, t.kind, actor, at=now, from_state=from_state, to_state=case.state, note=note,
                        data=data, **kw)
    if files:
        _attach(case, event, files, attachment_kind)
    audit.record(actor, f"cases.{t.name}", case, before={"state": from_state},
                 after={"state": case.state, **(data or {})}, reason=note[:300])
    notify_progress(case, event)
    return event


def _need(note, what):
    if not (note or "").strip():
        raise ValidationError({"note": f"请填写{what}"})


@action
def register_case(*, actor, case, note="", expected_state=CaseState.REPORTED, category=None, urgency=None):
    """立案: accept the report as a case (optionally correcting its class or urgency). The
    立案派遣 clock keeps running from the report: it covers both steps."""
    case, t = _lock(case, "register", actor, expected_state)
    if category is not None and category.is_minor:
        case.category = category
    if urgency:
        case.urgency = urgency
    case.registered_at = clock.now()
    _move(case, t, actor, note=note, keep_clock=True, measured=False)
    return case


@action
def reject_case(*, actor, case, note, expected_state=CaseState.REPORTED):
    """不予立案, with the reason."""
    _need(note, "不予立案的理由")
    case, t = _lock(case, "reject", actor, expected_state)
    _move(case, t, actor, note=note)
    return case


@action
def cancel_case(*, actor, case, note, expected_state=None):
    """撤销 a report or registered case (duplicate, mistaken), with the reason."""
    _need(note, "撤销理由")
    case, t = _lock(case, "cancel", actor, expected_state)
    _move(case, t, actor, note=note)
    return case


def route(case):
    """The department auto-routing gives: first matching active rule, else the class default."""
    for rule in RoutingRule.objects.filter(is_active=True).select_related("department"):
        if rule.category_id and rule.category_id not in (case.category_id, case.category.parent_id):
            continue
        if rule.division_prefix and not case.division_code.startswith(rule.division_prefix):
            continue
        return rule.department
    return case.category.default_department


@action
def dispatch_case(*, actor, case, department=None, note="", expected_state=CaseState.REGISTERED):
    """派遣 to a department: the one given (manual override) or the routing result."""
    case, t = _lock(case, "dispatch", actor, expected_state)
    target = department or route(case)
    if target is None:
        raise ValidationError({"department": "没有匹配的派遣规则，也没有默认部门，请手工选择处置部门"})
    now = clock.now()
    if case.registered_at is None:
        case.registered_at = now
    case.current_department = target
    case.dispatched_at = now
    _move(case, t, actor, note=note, data={"department": target.name, "manual": department is not None})
    notify_dispatch(case)
    return case


@action
def accept_case(*, actor, case, note="", expected_state=CaseState.DISPATCHED):
    """签收: the department takes the case; the handling clock starts."""
    case, t = _lock(case, "accept", actor, expected_state)
    case.accepted_at = clock.now()
    _move(case, t, actor, note=note)
    return case


@action
def return_case(*, actor, case, note, expected_state=None):
    """退回: "not ours" — back to the command centre for re-dispatch."""
    _need(note, "退回理由")
    case, t = _lock(case, "return", actor, expected_state)
    _move(case, t, actor, note=note)
    case.current_department = None
    case.save(update_fields=["current_department"])
    return case


@action
def handle_case(*, actor, case, note, photos=None, expected_state=CaseState.HANDLING):
    """处置反馈: the department reports what it did, with photos."""
    _need(note, "处置情况")
    case, t = _lock(case, "handle", actor, expected_state)
    # handling again after a failed verification (返工) is marked: evaluation counts a case
    # handled once per dispatch (处置率), however often it was reworked
    rework = case.events.filter(kind=EventKind.VERIFY_FAIL, at__gte=case.dispatched_at).exists() \
        if case.dispatched_at else False
    case.handled_at = clock.now()
    case.deferral_pending = False
    _move(case, t, actor, note=note, files=photos, attachment_kind=AttachmentKind.FEEDBACK,
          data={"rework": True} if rework else None)
    return case


@action
def request_deferral(*, actor, case, minutes, note, expected_state=CaseState.HANDLING):
    """缓办申请: the department asks for more working time, with the reason."""
    _need(note, "缓办理由")
    minutes = int(minutes or 0)
    if minutes <= 0:
        raise ValidationError({"minutes": "请填写需要延长的工作时间"})
    case, t = _lock(case, "defer_request", actor, expected_state)
    if case.deferral_pending:
        raise CaseConflict("已有待审批的缓办申请")
    case.deferral_pending = True
    case.save(update_fields=["deferral_pending"])
    write_event(case, t.kind, actor, note=note, data={"minutes": minutes})
    audit.record(actor, "cases.defer_request", case, after={"minutes": minutes}, reason=note[:300])
    return case


@action
def decide_deferral(*, actor, case, approve, note="", minutes=None, expected_state=CaseState.HANDLING):
    """Approve (the handling deadline moves by the granted working minutes; that time is not
    counted as overdue) or reject a pending deferral."""
    case, t = _lock(case, "defer_approve" if approve else "defer_reject", actor, expected_state)
    if not case.deferral_pending:
        raise CaseConflict("没有待审批的缓办申请")
    requested = case.events.filter(kind=EventKind.DEFER_REQUEST).order_by("-at", "-id").first()
    granted = int(minutes or (requested.data.get("minutes", 0) if requested else 0))
    case.deferral_pending = False
    data = {}
    if approve:
        case.deferred_minutes += granted
        sla.start_clock(case, clock.now(), keep_start=True)
        if case.due_at > clock.now():
            case.overdue = False
            case.warned = False
        data = {"minutes": granted, "new_due_at": case.due_at.isoformat()}
    case.save()
    write_event(case, t.kind, actor, note=note, data=data)
    audit.record(actor, f"cases.{t.name}", case, after=data, reason=note[:300])
    return case


@action
def verify_case(*, actor, case, passed, note="", photos=None, expected_state=CaseState.HANDLED):
    """核查 on site by the grid worker: pass → awaiting closure; fail → back to handling (返工)."""
    if not passed:
        _need(note, "核查不通过的原因")
    case, t = _lock(case, "verify_pass" if passed else "verify_fail", actor, expected_state)
    case.verified_at = clock.now() if passed else None
    if not passed:
        case.accepted_at = clock.now()
    _move(case, t, actor, note=note, files=photos, attachment_kind=AttachmentKind.VERIFY)
    return case


def _all_on_time(case):
    return not case.events.filter(on_time=False).exists()


@action
def close_case(*, actor, case, note="", expected_state=CaseState.VERIFIED):
    """结案. The close event's `on_time` says whether every timed step met its deadline."""
    case, t = _lock(case, "close", actor, expected_state)
    now = clock.now()
    due_at, step_ok, _ = sla.measure(case, now)
    on_time = bool(step_ok) and _all_on_time(case)
    elapsed = WorkCalendar().working_minutes_between(case.reported_at, now)
    case.closed_at = now
    _move(case, t, actor, note=note, now=now, event_kw={"on_time": on_time, "elapsed": elapsed, "due_at": due_at})
    return case


@action
def solve_in_grid(*, actor, case, note, photos=None, expected_state=CaseState.REPORTED):
    """简易程序: the grid worker solved it on the spot; closed with evidence."""
    _need(note, "处理情况")
    if not photos:
        raise ValidationError({"photos": "请上传处理后的照片作为证据"})
    case, t = _lock(case, "solve", actor, expected_state)
    now = clock.now()
    due_at, on_time, _ = sla.measure(case, now)
    elapsed = WorkCalendar().working_minutes_between(case.reported_at, now)
    case.registered_at = case.handled_at = case.verified_at = case.closed_at = now
    _move(case, t, actor, note=note, files=photos, attachment_kind=AttachmentKind.EVIDENCE, now=now,
          event_kw={"on_time": bool(on_time), "elapsed": elapsed, "due_at": due_at})
    return case


@action
def rate_case(*, actor, case, rating, comment="", token=None):
    """评价 by the reporter (logged in, or holding the case's public token)."""
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": "请选择 1 到 5 星"})
    case, t = _lock(case, "rate", actor, None, token=token)
    if case.rating:
        raise CaseConflict("该事件已评价")
    case.rating, case.rating_comment, case.rated_at = rating, comment[:300], clock.now()
    case.save(update_fields=["rating", "rating_comment", "rated_at"])
    write_event(case, t.kind, actor, note=comment, rating=rating)
    audit.record(actor, "cases.rate_case", case, after={"rating": rating})
    return case


@action
def reopen_case(*, actor, case, note, token=None):
    """重新办理: the reporter is not satisfied, within CASES_REOPEN_DAYS of closure."""
    _need(note, "重新办理的原因")
    case, t = _lock(case, "reopen", actor, None, token=token)
    if not conf.reopen_allowed(case):
        raise CaseConflict(f"结案超过 {conf.reopen_days()} 天，不能申请重新办理，请重新上报")
    case.closed_at = case.verified_at = case.handled_at = None
    case.rating, case.rating_comment, case.rated_at = None, "", None
    case.current_department = None
    _move(case, t, actor, note=note)
    return case


@action
def supervise_case(*, actor, case, note):
    """督办: a supervisor presses the case; level +1 and the handlers are notified."""
    _need(note, "督办意见")
    case, t = _lock(case, "supervise", actor, None)
    case.escalation_level += 1
    case.save(update_fields=["escalation_level"])
    write_event(case, t.kind, actor, note=note, data={"level": case.escalation_level})
    audit.record(actor, "cases.supervise_case", case, after={"level": case.escalation_level}, reason=note[:300])
    from gridgov.core.notify import notify

    from .notifications import handlers

    for user in handlers(case):
        notify(user, f"督办：{case.number} {case.title}", note, url=f"/cases/{case.pk}/", category="cases.supervise")
    return case


@action
def recategorise_case(*, actor, case, category, note=""):
    """更改分类: deadlines of the running step are recomputed from the new class's limits."""
    if not category.is_minor:
        raise ValidationError({"category": "请选择事件小类"})
    case, t = _lock(case, "recategorise", actor, None)
    old = case.category
    case.category = category
    sla.start_clock(case, clock.now(), keep_start=True)
    case.save()
    write_event(case, t.kind, actor, note=note, data={"from": str(old), "to": str(category)})
    audit.record(actor, "cases.recategorise_case", case, before={"category": old.pk}, after={"category": category.pk})
    return case


@action
def merge_case(*, actor, case, into, note=""):
    """合并: a duplicate joins an open case; its reporter then follows the parent's progress."""
    if into.pk == case.pk:
        raise ValidationError({"into": "不能合并到自己"})
    target = Case.objects.select_for_update().get(pk=into.pk)
    if target.state not in OPEN_STATES or target.parent_id:
        raise ValidationError({"into": "只能合并到未结案的主事件"})
    case, t = _lock(case, "merge", actor, None)
    require(actor, "cases.view_case", target.division_code)
    case.parent = target
    _move(case, t, actor, note=note or f"合并至 {target.number}", data={"into": target.number})
    Case.objects.filter(parent=case).update(parent=target)
    return case


# --- duplicates --------------------------------------------------------------------------------

def distance_m(lng1, lat1, lng2, lat2):
    rlat1, rlat2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((rlat2 - rlat1) / 2) ** 2
         + math.cos(rlat1) * math.cos(rlat2) * math.sin(math.radians(lng2 - lng1) / 2) ** 2)
    return 6371000 * 2 * math.asin(math.sqrt(a))


def duplicates(category, lng, lat, *, exclude_pk=None, limit=10):
    """Open cases of the same class within the class radius, nearest first (bbox in SQL)."""
    if category is None or lng is None or lat is None:
        return []
    radius = category.duplicate_radius_m or 50
    dlat = radius / 111000
    dlng = radius / (111000 * max(math.cos(math.radians(lat)), 0.01))
    qs = Case.objects.filter(category=category, state__in=OPEN_STATES, lng__range=(lng - dlng, lng + dlng),
                             lat__range=(lat - dlat, lat + dlat)).exclude(pk=exclude_pk)
    found = []
    for c in qs[:200]:
        d = distance_m(lng, lat, c.lng, c.lat)
        if d <= radius:
            c.distance = round(d)
            found.append(c)
    return sorted(found, key=lambda c: c.distance)[:limit]


# --- configuration -----------------------------------------------------------------------------

@action
def save_category(*, actor, category, data):
    """Create or edit a case class (district administrator)."""
    require(actor, "cases.change_category")
    before = audit.snapshot(category) if category.pk else None
    for k, v in data.items():
        setattr(category, k, v)
    category.full_clean()
    category.save()
    audit.record(actor, "cases.save_category", category, *audit.diff(before, audit.snapshot(category)))
    return category


@action
def create_api_key(*, actor, name):
    """A new Open311 key; returns (key row, the plain key — shown once, only its hash is kept)."""
    require(actor, "cases.manage_open311")
    if not (name or "").strip():
        raise ValidationError({"name": "请填写名称"})
    plain = "o311_" + secrets.token_urlsafe(24)
    key = Open311ApiKey.objects.create(name=name.strip()[:80], prefix=plain[5:13], key_hash=hash_key(plain),
                                       created_at=clock.now(), created_by=actor)
    audit.record(actor, "cases.create_api_key", key, after={"name": key.name, "prefix": key.prefix})
    return key, plain


@action
def revoke_api_key(*, actor, key):
    """Disable an Open311 key."""
    require(actor, "cases.manage_open311")
    key.is_active = False
    key.save(update_fields=["is_active"])
    audit.record(actor, "cases.revoke_api_key", key, after={"is_active": False})
    return key


def hash_key(plain):
    return hashlib.sha256(plain.encode()).hexdigest()
