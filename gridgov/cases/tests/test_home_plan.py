"""The department card on the home page (cases/home.py) counts a department's waiting cases from
the (department, state) index: its closed cases (59,000 of 59,250 for 城管局 at district scale)
are not read (cgj01's home on PostgreSQL: 46 ms for this count → 0.4 ms)."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from gridgov.cases.home import department_queue

pytestmark = pytest.mark.django_db


def test_the_department_card_reads_only_waiting_cases(new_case, walk, handler):
    for state in ("dispatched", "handling", "closed", "closed"):
        walk(new_case(), state)
    request = RequestFactory().get("/")
    request.user = handler
    with CaptureQueriesContext(connection) as ctx:
        card = department_queue(request)
    assert [s["num"] for s in card["stats"]] == [1, 1, 0]
    (sql,) = [q["sql"] for q in ctx.captured_queries if '"cases_case"' in q["sql"]]
    where = sql[sql.index(" WHERE "):]
    assert '"cases_case"."state" IN' in where, sql  # in the WHERE, not only in the FILTERs
