"""The workflow transitions (立案 → 派遣 → 签收 → 处置 → 核查 → 结案 …, table in `workflow.py`).

Transitions lock the case row (`select_for_update`) and compare the state the actor saw
(`expected_state`) with the state now: two people dispatching the same case at once give one
dispatch and one clear conflict error.
"""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError

from gridgov.core import audit, clock
from gridgov.core.access import require
from gridgov.core.actors import action
from gridgov.core.workcalendar import WorkCalendar

from .. import conf, sla
from ..choices import OPEN_STATES, AttachmentKind, CaseState, EventKind
from ..history import attach, write_event
from ..models import Case, RoutingRule
from ..notifications import notify_dispatch, notify_progress
from ..workflow import TRANSITIONS, in_department, state_label


class CaseConflict(ValidationError):
    """The case moved on since the actor looked at it (or the transition is not allowed now)."""



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
        if t.department_only and not in_department(actor, locked, t.perm):
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
        attach(case, event, files, attachment_kind)
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

    from ..notifications import handlers

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
