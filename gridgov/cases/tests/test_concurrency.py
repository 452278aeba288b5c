"""Two people dispatching the same case at once: one dispatch, one clear conflict (PostgreSQL)."""

import time

import pytest

from gridgov.cases import actions
from gridgov.cases.choices import CaseState, EventKind
from gridgov.cases.models import Case, CaseEvent
from gridgov.core.testing import race, require_postgresql


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_dispatchers_one_wins(new_case, walk, dispatcher, make_user, tree, monkeypatch):
    require_postgresql("行锁并发测试需要 PostgreSQL（设置 DATABASE_URL）")
    from gridgov.accounts.choices import RoleCode

    second = make_user(RoleCode.STREET_STAFF, tree["430702004000"], username="street-2")
    case = walk(new_case(), "registered")
    real_route = actions.route

    def slow_route(c):  # hold the row lock long enough for the other thread to queue behind it
        time.sleep(0.3)
        return real_route(c)

    monkeypatch.setattr(actions, "route", slow_route)
    r = race(lambda user: actions.dispatch_case(actor=user, case=Case(pk=case.pk),
                                                expected_state=CaseState.REGISTERED),
             (dispatcher, second), refused=(actions.CaseConflict,), timeout=10)
    assert not r.errors and len(r.ok) == 1 and len(r.refused) == 1, r.outcomes
    conflict = r.messages[0]
    assert "已变为“待签收”" in conflict and "请刷新页面后重试" in conflict
    assert CaseEvent.objects.filter(case_id=case.pk, kind=EventKind.DISPATCH).count() == 1
