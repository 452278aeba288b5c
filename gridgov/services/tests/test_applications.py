import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gridgov.core import clock
from gridgov.services import actions
from gridgov.services.choices import AppState, Channel, EventKind, RectificationState
from gridgov.services.models import Application, ApplicationEvent

from .conftest import A

RS001_ANSWERS = {"status": "失业登记", "since": "2026-01-05"}


def _file(actor, item, person, **kw):
    kw.setdefault("answers", RS001_ANSWERS)
    kw.setdefault("materials", [m["key"] for m in item.current.materials if m["required"]])
    return actions.submit_application(actor=actor, item=item, person=person, channel=kw.pop("channel", Channel.COUNTER),
                                      **kw)


def test_counter_filing_numbers_by_community_and_keeps_version(catalogue, clerk, make_person):
    person = make_person(age=40)
    app = _file(clerk, catalogue["RS001"], person)
    assert app.number.startswith(A) and app.state == AppState.SUBMITTED
    assert app.version == catalogue["RS001"].current and app.answers["name"] == person.name
    assert app.answers["id_number"] == "430702********1234"  # from the registry, masked
    assert ApplicationEvent.objects.filter(application=app, kind=EventKind.SUBMIT).count() == 1
    second = _file(clerk, catalogue["RS001"], person)
    assert int(second.number[-4:]) == int(app.number[-4:]) + 1


def test_missing_field_names_it_and_writes_nothing(catalogue, clerk, make_person):
    with pytest.raises(ValidationError) as exc:
        _file(clerk, catalogue["RS001"], make_person(age=40), answers={"status": "失业登记"})
    assert exc.value.message_dict["answers.since"] == ["请填写“就业/失业日期”"]
    assert not Application.objects.exists()


def test_bad_choice_and_date_are_named(catalogue, clerk, make_person):
    with pytest.raises(ValidationError) as exc:
        _file(clerk, catalogue["RS001"], make_person(age=40), answers={"status": "退休", "since": "昨天"})
    assert "须从给定选项中选择" in exc.value.message_dict["answers.status"][0]
    assert "须为日期" in exc.value.message_dict["answers.since"][0]


def test_missing_material_names_it(catalogue, clerk, make_person):
    with pytest.raises(ValidationError) as exc:
        _file(clerk, catalogue["RS001"], make_person(age=40), materials=[])
    assert exc.value.message_dict["materials.m1"] == ["缺少申请材料“居民身份证”"]
    assert not Application.objects.exists()


def test_ineligible_resident_names_the_rule(catalogue, clerk, make_person):
    item = catalogue["MZ002"]  # 高龄津贴: 80+
    with pytest.raises(ValidationError) as exc:
        _file(clerk, item, make_person(age=72), answers={})
    msg = exc.value.message_dict["eligibility"][0]
    assert "高龄津贴申领" in msg and "年龄须满 80 周岁（申请人 72 周岁）" in msg
    with pytest.raises(ValidationError) as exc:
        _file(clerk, catalogue["CL002"], make_person(age=50), answers={})
    assert "须属于关爱人群：残疾人" in exc.value.message_dict["eligibility"][0]
    with pytest.raises(ValidationError) as exc:
        _file(clerk, catalogue["GA001"], make_person(age=30), answers={})
    assert "人口类型须为流动人口、人户分离" in exc.value.message_dict["eligibility"][0]
    assert not Application.objects.exists()


def test_channel_not_allowed_and_clerk_out_of_scope(catalogue, clerk, clerk_b, make_person):
    with pytest.raises(ValidationError) as exc:
        _file(clerk, catalogue["CL001"], make_person(age=40), channel=Channel.KIOSK, answers={"kind": "肢体"})
    assert "自助终端" in exc.value.message_dict["channel"][0]
    with pytest.raises(PermissionDenied):
        _file(clerk_b, catalogue["RS001"], make_person(age=40))


def test_public_channel_accepts_anonymous(catalogue, make_person):
    from django.contrib.auth.models import AnonymousUser

    app = _file(AnonymousUser(), catalogue["RS001"], make_person(age=40), channel=Channel.KIOSK, device=7)
    assert app.channel == Channel.KIOSK and app.device_ref == "7" and app.filed_by is None


def test_full_flow_correction_pauses_clock_department_review_rating_rectification(
        catalogue, clerk, approver, other_approver, make_person):
    item = catalogue["MZ004"]  # 临时救助: forwarded to 民政局
    person = make_person(age=40)
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))  # Monday
    with clock.frozen(start):
        app = _file(clerk, item, person, answers={"event": "突发疾病", "amount": "3000", "reason": "住院"})
        app = actions.accept_application(actor=clerk, application=app)
    due = app.due_at
    assert due > start
    with clock.frozen(start + datetime.timedelta(hours=1)):
        app = actions.request_correction(actor=clerk, application=app, missing=["m3"], note="证明不清晰")
    assert app.state == AppState.CORRECTION and app.paused_at and app.remaining_minutes
    with clock.frozen(start + datetime.timedelta(days=7)):  # a week later: the clock did not run
        app = actions.correct_application(actor=clerk, application=app, materials=["m3"])
        assert app.state == AppState.ACCEPTED and app.due_at > due + datetime.timedelta(days=4)  # five working days later
        app = actions.forward_application(actor=clerk, application=app)
        assert app.state == AppState.REVIEW
        with pytest.raises(PermissionDenied):
            actions.complete_application(actor=other_approver, application=app, result="approved")
        with pytest.raises(ValidationError):
            actions.complete_application(actor=approver, application=app, result="denied")  # denial needs a reason
        app = actions.complete_application(actor=approver, application=app, result="approved", note="准予救助")
        assert app.state == AppState.COMPLETED and app.on_time is True and app.working_minutes is not None
        app = actions.deliver_application(actor=clerk, application=app, method="home")
        rating = actions.rate_application(actor=clerk, application=app, level=2, efficiency=3, quality=2,
                                          attitude=2, comment="等待太久")
    rect = rating.rectification
    assert rect.state == RectificationState.OPEN and rect.due_at > start + datetime.timedelta(days=21)
    with pytest.raises(ValidationError, match="只能评价一次"):
        actions.rate_application(actor=clerk, application=app, level=5, efficiency=5, quality=5, attitude=5)
    with pytest.raises(ValidationError):
        actions.callback_rectification(actor=clerk, rectification=rect, note="x", satisfied=True)
    rect = actions.answer_rectification(actor=clerk, rectification=rect, response="已优化转办流程")
    rect = actions.callback_rectification(actor=clerk, rectification=rect, note="电话回访，群众表示认可", satisfied=True)
    assert rect.state == RectificationState.CLOSED
    kinds = list(app.events.values_list("kind", flat=True))
    assert kinds == ["submit", "accept", "correction", "corrected", "forward", "complete", "deliver", "rate",
                     "rectify", "callback"]


def test_community_item_cannot_be_forwarded_and_forward_item_cannot_complete_at_community(
        catalogue, clerk, make_person):
    app = _file(clerk, catalogue["MZ004"], make_person(age=40),
                answers={"event": "突发疾病", "amount": "100", "reason": "x"})
    app = actions.accept_application(actor=clerk, application=app)
    with pytest.raises(ValidationError, match="须转主管部门"):
        actions.complete_application(actor=clerk, application=app, result="approved")


def test_reject_needs_reason_and_sweep_flags_overdue(catalogue, clerk, make_person, admin_user):
    app = _file(clerk, catalogue["RS001"], make_person(age=40))
    with pytest.raises(ValidationError):
        actions.reject_application(actor=clerk, application=app, reason=" ")
    app = actions.accept_application(actor=clerk, application=app)
    later = app.due_at + datetime.timedelta(minutes=1)
    assert actions.sweep_deadlines(actor=admin_user, now=later) == {"warned": 1, "overdue": 1}
    assert actions.sweep_deadlines(actor=admin_user, now=later) == {"warned": 0, "overdue": 0}
    app.refresh_from_db()
    assert app.overdue


def test_new_version_does_not_change_filed_application(catalogue, clerk, admin_user, make_person):
    item = catalogue["RS001"]
    app = _file(clerk, item, make_person(age=40))
    actions.save_item(actor=admin_user, item=item, data={"promised_days": 2})
    item.refresh_from_db()
    assert item.current.number == 2 and item.current.promised_days == 2
    app.refresh_from_db()
    assert app.version.number == 1 and app.version.promised_days == 1
