"""Two people dispatching the same case at once: one dispatch, one clear conflict (PostgreSQL)."""

import threading
import time

import pytest
from django.db import connection

from gridgov.cases import actions
from gridgov.cases.choices import CaseState, EventKind
from gridgov.cases.models import Case, CaseEvent


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_dispatchers_one_wins(new_case, walk, dispatcher, make_user, tree, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("行锁并发测试需要 PostgreSQL（设置 DATABASE_URL）")
    from gridgov.accounts.choices import RoleCode

    second = make_user(RoleCode.STREET_STAFF, tree["430702004000"], username="street-2")
    case = walk(new_case(), "registered")
    real_route = actions.route

    def slow_route(c):  # hold the row lock long enough for the other thread to queue behind it
        time.sleep(0.3)
        return real_route(c)

    monkeypatch.setattr(actions, "route", slow_route)
    barrier = threading.Barrier(2)
    results = {}

    def run(user):
        from django.db import connections

        try:
            barrier.wait()
            actions.dispatch_case(actor=user, case=Case(pk=case.pk), expected_state=CaseState.REGISTERED)
            results[user.username] = "ok"
        except actions.CaseConflict as exc:
            results[user.username] = exc.messages[0]
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(u,)) for u in (dispatcher, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    outcomes = sorted(results.values())
    assert outcomes.count("ok") == 1, results
    conflict = next(v for v in outcomes if v != "ok")
    assert "已变为“待签收”" in conflict and "请刷新页面后重试" in conflict
    assert CaseEvent.objects.filter(case_id=case.pk, kind=EventKind.DISPATCH).count() == 1
