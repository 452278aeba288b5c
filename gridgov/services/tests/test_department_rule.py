"""The department rule of core.access on applications: a grant bound to a department (部门审批人员)
covers that department's applications only, in `visible_to`, in `can(…, department=)`, on the
review queue and in the review action alike (no side copy in the app)."""

import pytest
from django.core.exceptions import PermissionDenied

from gridgov.core.access import can
from gridgov.services import actions
from gridgov.services.choices import AppState, Channel
from gridgov.services.models import Application

ANSWERS = {"MZ004": {"event": "突发疾病", "amount": "3000", "reason": "住院"},
           "RS001": {"status": "失业登记", "since": "2026-01-05"}}


@pytest.fixture
def in_review(catalogue, clerk, make_person):
    def make(code):
        item = catalogue[code]
        app = actions.submit_application(
            actor=clerk, item=item, person=make_person(age=40), channel=Channel.COUNTER, answers=ANSWERS[code],
            materials=[m["key"] for m in item.current.materials if m["required"]])
        app = actions.accept_application(actor=clerk, application=app)
        return actions.forward_application(actor=clerk, application=app)

    return make


def test_a_department_grant_is_honoured_by_visible_to_and_can_alike(in_review, approver, other_approver, clerk,
                                                                  admin_user, client):
    mzj, rsj = in_review("MZ004"), in_review("RS001")
    assert mzj.state == rsj.state == AppState.REVIEW and mzj.department_id != rsj.department_id
    for user in (approver, other_approver, clerk, admin_user):
        for action in ("view", "review"):
            perm = f"services.{action}_application"
            seen = set(Application.objects.visible_to(user, action).values_list("pk", flat=True))
            for app in (mzj, rsj):
                assert (app.pk in seen) == can(user, perm, app.division_code, department=app.department_id), (
                    user.username, action, app.number)
    assert set(Application.objects.visible_to(approver).values_list("pk", flat=True)) == {mzj.pk}
    assert set(Application.objects.visible_to(other_approver).values_list("pk", flat=True)) == {rsj.pk}
    # territorially the approver holds the permission over the district (menus, install-wide checks)
    assert can(approver, "services.review_application", rsj.division_code)

    client.force_login(approver)
    queue = client.get("/services/review/").content.decode()
    assert mzj.number in queue and rsj.number not in queue
    assert client.get(f"/services/applications/{rsj.number}/").status_code == 404
    assert client.get(f"/services/applications/{mzj.number}/").status_code == 200

    with pytest.raises(PermissionDenied, match="不属于您所在部门"):
        actions.complete_application(actor=approver, application=rsj, result="approved")
    assert actions.complete_application(actor=approver, application=mzj, result="approved").state == AppState.COMPLETED
