"""The case state machine as a table: transition name → allowed source states, target state,
the permission it needs, and the event kind it writes. `None` as target keeps the state."""

from dataclasses import dataclass

from .choices import OPEN_STATES, CaseState, EventKind, Step

S = CaseState


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple
    target: str | None
    perm: str | None  # None: only the reporter (rate, reopen)
    kind: str
    department_only: bool = False  # the actor must belong to the case's current department


TRANSITIONS = {t.name: t for t in [
    Transition("register", "立案", (S.REPORTED,), S.REGISTERED, "cases.register_case", EventKind.REGISTER),
    Transition("reject", "不予立案", (S.REPORTED,), S.REJECTED, "cases.register_case", EventKind.REJECT),
    Transition("cancel", "撤销", (S.REPORTED, S.REGISTERED), S.CANCELLED, "cases.register_case", EventKind.CANCEL),
    Transition("merge", "合并到其他事件", (S.REPORTED, S.REGISTERED), S.MERGED, "cases.register_case",
               EventKind.MERGE),
    Transition("solve", "网格内自行解决", (S.REPORTED,), S.CLOSED, "cases.solve_in_grid", EventKind.SOLVE),
    Transition("dispatch", "派遣", (S.REGISTERED,), S.DISPATCHED, "cases.dispatch_case", EventKind.DISPATCH),
    Transition("accept", "签收", (S.DISPATCHED,), S.HANDLING, "cases.handle_case", EventKind.ACCEPT, True),
    Transition("return", "退回（非本部门职责）", (S.DISPATCHED, S.HANDLING), S.REGISTERED, "cases.handle_case",
               EventKind.RETURN, True),
    Transition("handle", "处置反馈", (S.HANDLING,), S.HANDLED, "cases.handle_case", EventKind.HANDLE, True),
    Transition("defer_request", "申请缓办", (S.HANDLING,), None, "cases.handle_case", EventKind.DEFER_REQUEST, True),
    Transition("defer_approve", "批准缓办", (S.HANDLING,), None, "cases.supervise_case", EventKind.DEFER_APPROVE),
    Transition("defer_reject", "驳回缓办", (S.HANDLING,), None, "cases.supervise_case", EventKind.DEFER_REJECT),
    Transition("verify_pass", "核查通过", (S.HANDLED,), S.VERIFIED, "cases.verify_case", EventKind.VERIFY_PASS),
    Transition("verify_fail", "核查不通过（返工）", (S.HANDLED,), S.HANDLING, "cases.verify_case",
               EventKind.VERIFY_FAIL),
    Transition("close", "结案", (S.VERIFIED,), S.CLOSED, "cases.close_case", EventKind.CLOSE),
    Transition("supervise", "督办", tuple(OPEN_STATES), None, "cases.supervise_case", EventKind.SUPERVISE),
    Transition("recategorise", "更改分类", tuple(OPEN_STATES), None, "cases.change_category",
               EventKind.RECATEGORISE),
    Transition("rate", "评价", (S.CLOSED,), None, None, EventKind.RATE),
    Transition("reopen", "重新办理", (S.CLOSED,), S.REGISTERED, None, EventKind.REOPEN),
]}

# Chinese labels of this app's audit actions: every transition (`_move` writes "cases.<name>"),
# plus the actions outside the state machine. The audit log shows them.
AUDIT_LABELS = {
    **{f"cases.{t.name}": t.label for t in TRANSITIONS.values()},
    "cases.report_case": "上报事件", "cases.rate_case": "评价", "cases.recategorise_case": "更改分类",
    "cases.supervise_case": "督办", "cases.defer_request": "申请缓办", "cases.save_category": "保存事件分类",
    "cases.save_routing_rule": "保存派遣规则", "cases.delete_routing_rule": "删除派遣规则",
    "cases.create_api_key": "新建 Open311 接口密钥", "cases.revoke_api_key": "停用 Open311 接口密钥",
    "cases.export_evaluation": "导出综合评价", "cases.publish_case": "审核公开内容",
}

# Which clock runs in each state (受理派遣 covers 立案 + 派遣).
STEP_OF_STATE = {
    S.REPORTED: Step.ACCEPT, S.REGISTERED: Step.ACCEPT, S.DISPATCHED: Step.SIGN, S.HANDLING: Step.HANDLE,
    S.HANDLED: Step.VERIFY, S.VERIFIED: Step.CLOSE,
}


def state_label(state):
    return CaseState(state).label if state else ""


def available(case, user, *, is_reporter=False):
    """Transitions `user` may take on `case` now (for the detail page's forms)."""
    from gridgov.core.access import can

    from .conf import reopen_allowed

    result = []
    for t in TRANSITIONS.values():
        if case.state not in t.sources:
            continue
        if t.name == "defer_request" and case.deferral_pending:
            continue
        if t.name in ("defer_approve", "defer_reject") and not case.deferral_pending:
            continue
        if t.perm is None:
            if not is_reporter:
                continue
            if t.name == "rate" and case.rating:
                continue
            if t.name == "reopen" and not reopen_allowed(case):
                continue
        elif not can(user, t.perm, case.division_code):
            continue
        elif t.department_only and not in_department(user, case, t.perm):
            continue
        result.append(t)
    return result


def in_department(user, case, perm):
    """Department handlers act only on cases of their own department; users whose grant of
    `perm` is not bound to a department (district centre staff) act for any department (the
    department rule of `core.access`, the same one `Case.objects.visible_to` applies)."""
    from gridgov.core.access import can

    return can(user, perm, case.division_code, department=case.current_department_id)
