"""Every path of the case state machine, with role restrictions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gridgov.accounts.choices import RoleCode
from gridgov.cases import actions, queries
from gridgov.cases.choices import CaseState, Channel, EventKind
from gridgov.cases.models import Case, CaseEvent, RoutingRule
from gridgov.core import clock
from gridgov.core.models import Notification

from .conftest import MONDAY_9, POINT

pytestmark = pytest.mark.django_db


def kinds(case):
    return list(case.events.values_list("kind", flat=True))


def test_report_resolves_grid_and_starts_accept_clock(new_case, frozen):
    # given / when
    with frozen(MONDAY_9):
        case = new_case()
    # then
    assert case.grid.code == "430702004001001" and case.division_code == "430702004001001"
    assert case.state == CaseState.REPORTED and case.step == "accept"
    assert case.due_at == MONDAY_9 + datetime.timedelta(minutes=30)
    assert case.number.startswith("20261123")
    assert kinds(case) == [EventKind.REPORT]


def test_report_outside_any_grid_is_a_clear_error(new_case):
    with pytest.raises(ValidationError, match="不在本区任何网格内"):
        new_case(lng=100.0, lat=10.0)


def test_extra_questions_are_validated(new_case):
    with pytest.raises(ValidationError, match="深度"):
        new_case(attributes={})


def test_full_path_report_to_rating(new_case, walk, resident, frozen, department):
    # given a resident's report
    with frozen(MONDAY_9):
        case = new_case(actor=resident, channel=Channel.WEB)
    # when it goes through every step, then is rated
    with frozen(MONDAY_9 + datetime.timedelta(minutes=5)):
        walk(case, "closed")
    actions.rate_case(actor=resident, case=case, rating=5, comment="很及时")
    case.refresh_from_db()
    # then
    assert case.state == CaseState.CLOSED and case.rating == 5
    assert case.current_department == department
    assert kinds(case) == ["report", "register", "dispatch", "accept", "handle", "verify_pass", "close", "rate"]
    close = case.events.get(kind=EventKind.CLOSE)
    assert close.on_time is True
    assert Notification.objects.filter(recipient=resident, category="cases.progress").count() >= 6


def test_rework_goes_back_to_handling(new_case, walk, grid_worker, handler, photo):
    case = walk(new_case(), "handled")
    actions.verify_case(actor=grid_worker, case=case, passed=False, note="仍有坑洼")
    case.refresh_from_db()
    assert case.state == CaseState.HANDLING and case.step == "handle"
    actions.handle_case(actor=handler, case=case, note="二次修复", photos=[photo()])
    actions.verify_case(actor=grid_worker, case=case, passed=True)
    case.refresh_from_db()
    assert case.state == CaseState.VERIFIED
    assert kinds(case).count(EventKind.VERIFY_FAIL) == 1


def test_verify_fail_needs_a_reason(new_case, walk, grid_worker):
    case = walk(new_case(), "handled")
    with pytest.raises(ValidationError, match="原因"):
        actions.verify_case(actor=grid_worker, case=case, passed=False, note="")


def test_reject_and_cancel_need_reasons(new_case, dispatcher):
    case = new_case()
    with pytest.raises(ValidationError):
        actions.reject_case(actor=dispatcher, case=case, note="")
    actions.reject_case(actor=dispatcher, case=case, note="不属于受理范围")
    case.refresh_from_db()
    assert case.state == CaseState.REJECTED and case.step == "" and case.due_at is None
    other = new_case(title="另一处")
    actions.cancel_case(actor=dispatcher, case=other, note="误报")
    assert Case.objects.get(pk=other.pk).state == CaseState.CANCELLED


def test_return_not_ours_and_redispatch_by_rule(new_case, walk, handler, dispatcher, make_user, tree):
    from gridgov.accounts.models import Department

    case = walk(new_case(), "dispatched")
    actions.return_case(actor=handler, case=case, note="属于供水管网问题")
    case.refresh_from_db()
    assert case.state == CaseState.REGISTERED and case.current_department is None
    water = Department.objects.get(code="zlsgs")
    RoutingRule.objects.create(order=1, category=case.category.parent, division_prefix="430702004", department=water)
    actions.dispatch_case(actor=dispatcher, case=case)
    case.refresh_from_db()
    assert case.current_department == water
    # the first handler's department no longer sees it
    assert not Case.objects.visible_to(handler).filter(pk=case.pk).exists()


def test_manual_dispatch_overrides_routing(new_case, walk, dispatcher):
    from gridgov.accounts.models import Department

    case = walk(new_case(), "registered")
    police = Department.objects.get(code="gaj")
    actions.dispatch_case(actor=dispatcher, case=case, department=police)
    case.refresh_from_db()
    assert case.current_department == police
    assert case.events.get(kind=EventKind.DISPATCH).data["manual"] is True


def test_deferral_request_approve_moves_deadline(new_case, walk, handler, dispatcher, frozen):
    with frozen(MONDAY_9):
        case = walk(new_case(), "handling")
    due_before = case.due_at
    actions.request_deferral(actor=handler, case=case, minutes=390, note="需要协调管线单位")
    case.refresh_from_db()
    assert case.deferral_pending
    with pytest.raises(ValidationError):
        actions.request_deferral(actor=handler, case=case, minutes=60, note="再次申请")
    actions.decide_deferral(actor=dispatcher, case=case, approve=True, note="同意")
    case.refresh_from_db()
    assert not case.deferral_pending and case.deferred_minutes == 390
    assert case.due_at == due_before + datetime.timedelta(days=1)  # one full working day later
    assert kinds(case)[-2:] == [EventKind.DEFER_REQUEST, EventKind.DEFER_APPROVE]


def test_deferral_reject(new_case, walk, handler, dispatcher):
    case = walk(new_case(), "handling")
    actions.request_deferral(actor=handler, case=case, minutes=60, note="x")
    actions.decide_deferral(actor=dispatcher, case=case, approve=False, note="不同意")
    case.refresh_from_db()
    assert not case.deferral_pending and case.deferred_minutes == 0


def test_supervise_raises_level_and_notifies_handler(new_case, walk, dispatcher, handler):
    case = walk(new_case(), "handling")
    actions.supervise_case(actor=dispatcher, case=case, note="请今天内处理")
    case.refresh_from_db()
    assert case.escalation_level == 1
    assert Notification.objects.filter(recipient=handler, category="cases.supervise").exists()


def test_merge_duplicates_and_notify_child_reporters(new_case, walk, dispatcher, resident, make_user):
    parent = new_case()
    other_resident = make_user(RoleCode.RESIDENT, None, username="resident-2")
    child = new_case(actor=other_resident, channel=Channel.WEB, title="同一处塌陷")
    assert [c.pk for c in queries.duplicates(parent.category, *POINT, exclude_pk=parent.pk)] == [child.pk]
    actions.merge_case(actor=dispatcher, case=child, into=parent)
    child.refresh_from_db()
    assert child.state == CaseState.MERGED and child.parent_id == parent.pk
    walk(parent, "dispatched")
    assert Notification.objects.filter(recipient=other_resident, title__contains="派遣").exists()
    with pytest.raises(ValidationError):
        actions.merge_case(actor=dispatcher, case=parent, into=parent)


def test_reopen_within_days_by_reporter_only(new_case, walk, resident, dispatcher, frozen, settings):
    settings.CASES_REOPEN_DAYS = 7
    with frozen(MONDAY_9):
        case = walk(new_case(actor=resident, channel=Channel.WEB), "closed")
    with pytest.raises(PermissionDenied):
        actions.reopen_case(actor=dispatcher, case=case, note="x")
    with frozen(MONDAY_9 + datetime.timedelta(days=8)):
        with pytest.raises(ValidationError, match="超过 7 天"):
            actions.reopen_case(actor=resident, case=case, note="又坏了")
    with frozen(MONDAY_9 + datetime.timedelta(days=2)):
        actions.reopen_case(actor=resident, case=case, note="又坏了")
    case.refresh_from_db()
    assert case.state == CaseState.REGISTERED and case.closed_at is None and case.step == "accept"


def test_rate_by_public_token_and_only_once(new_case, walk):
    from django.contrib.auth.models import AnonymousUser

    case = walk(new_case(), "closed")
    with pytest.raises(PermissionDenied):
        actions.rate_case(actor=AnonymousUser(), case=case, rating=4, token="wrong")
    actions.rate_case(actor=AnonymousUser(), case=case, rating=4, token=case.public_token)
    with pytest.raises(ValidationError, match="已评价"):
        actions.rate_case(actor=AnonymousUser(), case=case, rating=1, token=case.public_token)


def test_solve_in_grid_needs_evidence(new_case, grid_worker, photo):
    case = new_case()
    with pytest.raises(ValidationError, match="照片"):
        actions.solve_in_grid(actor=grid_worker, case=case, note="已清理")
    actions.solve_in_grid(actor=grid_worker, case=case, note="已清理", photos=[photo()])
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED and kinds(case) == ["report", "solve"]
    assert case.attachments.filter(kind="evidence").count() == 1


def test_report_with_solve_evidence_closes_at_once(new_case, photo):
    case = new_case(solve_evidence=[photo()], solve_note="当场处理")
    assert case.state == CaseState.CLOSED


def test_recategorise_recomputes_deadline(new_case, dispatcher, frozen):
    from gridgov.cases.models import CaseCategory

    with frozen(MONDAY_9):
        case = new_case()
        other = CaseCategory.objects.get(code="A0101")
        other.accept_minutes = 60
        other.save()
        actions.recategorise_case(actor=dispatcher, case=case, category=other)
    case.refresh_from_db()
    assert case.category == other and case.due_at == MONDAY_9 + datetime.timedelta(minutes=60)


def test_conflict_when_state_moved_on(new_case, walk, dispatcher):
    case = walk(new_case(), "registered")
    stale = Case.objects.get(pk=case.pk)
    actions.dispatch_case(actor=dispatcher, case=case, expected_state=CaseState.REGISTERED)
    with pytest.raises(actions.CaseConflict, match="已有其他人处理"):
        actions.dispatch_case(actor=dispatcher, case=stale, expected_state=CaseState.REGISTERED)
    assert CaseEvent.objects.filter(case=case, kind=EventKind.DISPATCH).count() == 1


def test_illegal_transition(new_case, handler):
    case = new_case()
    with pytest.raises(actions.CaseConflict, match="不能执行"):
        actions.accept_case(actor=handler, case=case, expected_state=None)


class TestRoles:
    def test_grid_worker_cannot_dispatch(self, new_case, walk, grid_worker):
        case = walk(new_case(), "registered")
        with pytest.raises(PermissionDenied):
            actions.dispatch_case(actor=grid_worker, case=case)

    def test_handler_of_other_department_cannot_accept(self, new_case, walk, make_user):
        from gridgov.accounts.models import Department

        other = make_user(RoleCode.DEPARTMENT_HANDLER, None, department=Department.objects.get(code="gaj"))
        case = walk(new_case(), "dispatched")
        with pytest.raises(PermissionDenied):
            actions.accept_case(actor=other, case=case)
        assert not Case.objects.visible_to(other).filter(pk=case.pk).exists()

    def test_handler_sees_only_department_cases(self, new_case, walk, handler):
        case = new_case()
        assert not Case.objects.visible_to(handler).filter(pk=case.pk).exists()
        walk(case, "dispatched")
        assert Case.objects.visible_to(handler).filter(pk=case.pk).exists()

    def test_other_street_cannot_register(self, new_case, make_user, tree):
        outsider = make_user(RoleCode.STREET_STAFF, tree["430702005000"])
        case = new_case()
        with pytest.raises(PermissionDenied):
            actions.register_case(actor=outsider, case=case)
        assert not Case.objects.visible_to(outsider).filter(pk=case.pk).exists()

    def test_grid_worker_files_outside_own_grid_for_that_grid(self, new_case, grid_worker):
        # issue 12: she may report anywhere in the district; the case belongs to the grid of the
        # point, and she cannot see it in her lists (she follows it by its public page)
        case = new_case(actor=grid_worker, lng=111.70 + 0.002 * 9 + 0.001, lat=29.041)  # 白马湖 grid
        assert case.division_code == "430702005001001"
        assert actions.outside_own_area(grid_worker, case)
        assert not Case.objects.visible_to(grid_worker).filter(pk=case.pk).exists()

    def test_public_rate_limit(self, category, tree, settings):
        from django.contrib.auth.models import AnonymousUser

        settings.CASES_PUBLIC_RATE_LIMIT = (2, 10)
        for _ in range(2):
            actions.report_case(actor=AnonymousUser(), category=category, title="t", channel=Channel.WEB,
                                lng=POINT[0], lat=POINT[1], ip="10.0.0.1", attributes={"depth": "deep"})
        with pytest.raises(ValidationError, match="过于频繁"):
            actions.report_case(actor=AnonymousUser(), category=category, title="t", channel=Channel.WEB,
                                lng=POINT[0], lat=POINT[1], ip="10.0.0.1", attributes={"depth": "deep"})


def test_audit_written_for_every_transition(new_case, walk):
    from gridgov.core.models import AuditEntry

    case = walk(new_case(), "closed")
    actions_logged = set(AuditEntry.objects.filter(object_id=str(case.pk), object_type="cases.case")
                         .values_list("action", flat=True))
    assert {"cases.report_case", "cases.register", "cases.dispatch", "cases.accept", "cases.handle",
            "cases.verify_pass", "cases.close"} <= actions_logged
    assert clock.now()
