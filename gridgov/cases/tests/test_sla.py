"""SLA clocks with a fixed clock across a weekend and a public holiday; the sweep is idempotent."""

import datetime

import pytest
from django.utils import timezone

from gridgov.cases import actions, sla
from gridgov.cases.choices import EventKind
from gridgov.cases.models import Case
from gridgov.core.models import CalendarDay, Notification

pytestmark = pytest.mark.django_db


def local(*args):
    return timezone.make_aware(datetime.datetime(*args))


@pytest.fixture
def holiday(db):
    # Monday 2026-11-30 is made a holiday for the test: Friday 17:00 → next working time is Tuesday
    return CalendarDay.objects.create(date=datetime.date(2026, 11, 30), kind="holiday", name="测试假日")


def test_deadline_skips_weekend_and_holiday(new_case, walk, holiday, handler, frozen):
    # given a case accepted by the department on Friday 16:30 with a 240-minute handling limit
    with frozen(local(2026, 11, 27, 16, 0)):
        case = walk(new_case(), "dispatched")
    with frozen(local(2026, 11, 27, 16, 30)):
        actions.accept_case(actor=_handler(), case=case)
    case.refresh_from_db()
    # then: 60 min on Friday (16:30–17:30), Sat/Sun off, Monday holiday,
    # Tuesday 08:30–11:30 gives the remaining 180 minutes
    assert case.step == "handle"
    assert case.due_at == local(2026, 12, 1, 11, 30)
    assert case.warn_at == local(2026, 12, 1, 10, 42)  # 80 % of 240 = 192 minutes


def _handler():
    from gridgov.accounts.models import User

    return User.objects.get(username="handler-zjj")


def test_sweep_warns_flags_and_escalates_once(new_case, walk, holiday, handler, grid_worker, dispatcher, frozen,
                                              settings):
    settings.CASES_ESCALATE_AT = 1.0
    with frozen(local(2026, 11, 27, 16, 0)):
        case = walk(new_case(), "dispatched")
    with frozen(local(2026, 11, 27, 16, 30)):
        actions.accept_case(actor=handler, case=case)
    # Saturday: nothing is due yet (weekend not counted)
    with frozen(local(2026, 11, 28, 12, 0)) as now:
        assert sla.sweep(now) == {"warned": 0, "overdue": 0, "escalated": 0}
    # the holiday Monday evening: still nothing
    with frozen(local(2026, 11, 30, 20, 0)) as now:
        assert sla.sweep(now) == {"warned": 0, "overdue": 0, "escalated": 0}
    # Tuesday 11:00: warned only
    with frozen(local(2026, 12, 1, 11, 0)) as now:
        assert sla.sweep(now) == {"warned": 1, "overdue": 0, "escalated": 0}
        assert sla.sweep(now) == {"warned": 0, "overdue": 0, "escalated": 0}
    # Tuesday 11:31: overdue and escalated, each once even when the sweep runs twice
    with frozen(local(2026, 12, 1, 11, 31)) as now:
        assert sla.sweep(now) == {"warned": 0, "overdue": 1, "escalated": 1}
        assert sla.sweep(now) == {"warned": 0, "overdue": 0, "escalated": 0}
    case = Case.objects.get(pk=case.pk)
    assert case.overdue and case.escalation_level == 1
    assert list(case.events.filter(kind__in=[EventKind.WARN, EventKind.OVERDUE, EventKind.ESCALATE])
                .values_list("kind", flat=True)) == ["warn", "overdue", "escalate"]
    for user in (handler, grid_worker, dispatcher):
        assert Notification.objects.filter(recipient=user, category="cases.sla", title__startswith="事件超期").count() \
            == 1, user
    assert Notification.objects.filter(recipient=handler, title__startswith="临期预警").count() == 1
    # handling late records an overdue step; the close is then not on time
    with frozen(local(2026, 12, 1, 14, 40)):
        walk(case, "closed")
    h = case.events.get(kind=EventKind.HANDLE)
    assert h.on_time is False and h.elapsed_minutes == 60 + 210 + 10  # Fri 60, Tue 08:30–12:00 and 14:30–14:40
    assert case.events.get(kind=EventKind.CLOSE).on_time is False


def test_escalate_at_share_of_limit(new_case, walk, handler, frozen, settings):
    settings.CASES_ESCALATE_AT = 0.5
    with frozen(local(2026, 11, 24, 9, 0)):
        case = walk(new_case(), "dispatched")
        actions.accept_case(actor=handler, case=case)
    with frozen(local(2026, 11, 24, 11, 1)) as now:  # 121 of 240 minutes
        assert sla.sweep(now)["escalated"] == 1


def test_deferral_excludes_time(new_case, walk, handler, dispatcher, frozen):
    with frozen(local(2026, 11, 24, 9, 0)):
        case = walk(new_case(), "dispatched")
        actions.accept_case(actor=handler, case=case)
        actions.request_deferral(actor=handler, case=case, minutes=180, note="等待材料")
        actions.decide_deferral(actor=dispatcher, case=case, approve=True)
    case.refresh_from_db()
    # 240 + 180 working minutes from 09:00 Tuesday: 09:00–12:00 (180), 14:30–17:30 (180), Wed 08:30–09:30 (60)
    assert case.due_at == local(2026, 11, 25, 9, 30)
    with frozen(local(2026, 11, 24, 17, 0)) as now:
        assert sla.sweep(now)["overdue"] == 0


def test_periodic_task_is_registered():
    from huey.contrib.djhuey import HUEY

    import gridgov.cases.tasks  # noqa: F401

    assert any("sla_sweep_task" in str(t) for t in HUEY._registry._periodic_tasks)
