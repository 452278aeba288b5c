"""The department rule of core.access on cases: a grant bound to a department (部门处置人员)
covers the cases currently dispatched to that department within the grant's division — in
`visible_to`, in `can(…, department=)` and in the department-only transitions alike."""

from django.core.exceptions import PermissionDenied

from gridgov.accounts.choices import RoleCode
from gridgov.accounts.models import Department
from gridgov.cases import actions
from gridgov.cases.models import Case
from gridgov.cases.workflow import available
from gridgov.core.access import can


def test_a_department_grant_is_honoured_by_visible_to_and_can_alike(new_case, walk, handler, dispatcher, make_user,
                                                                  department, tree):
    ours, theirs = walk(new_case(), "dispatched"), walk(new_case(title="另一处塌陷"), "dispatched")
    other = Department.objects.exclude(pk=department.pk).first()
    Case.objects.filter(pk=theirs.pk).update(current_department=other)
    theirs.refresh_from_db()
    elsewhere = make_user(RoleCode.DEPARTMENT_HANDLER, tree["430702005000"], department=department,
                          username="handler-zjj-other-street")
    for user in (handler, dispatcher, elsewhere):
        for perm, action in (("cases.view_case", "view"), ("cases.handle_case", "handle")):
            seen = set(Case.objects.visible_to(user, action).values_list("pk", flat=True))
            for case in (ours, theirs):
                assert (case.pk in seen) == can(user, perm, case.division_code,
                                                department=case.current_department_id), (user.username, perm)
    assert set(Case.objects.visible_to(handler).values_list("pk", flat=True)) == {ours.pk}
    assert not Case.objects.visible_to(elsewhere).exists()  # the department, but another street
    assert {ours.pk, theirs.pk} <= set(Case.objects.visible_to(dispatcher).values_list("pk", flat=True))

    assert "accept" in {t.name for t in available(ours, handler)}
    assert "accept" not in {t.name for t in available(theirs, handler)}
    try:
        actions.accept_case(actor=handler, case=theirs)
    except PermissionDenied:
        pass
    else:
        raise AssertionError("a handler accepted another department's case")
    assert actions.accept_case(actor=handler, case=ours).state == "handling"
