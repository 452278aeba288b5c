"""The application list's search (a prefix of the number or of the applicant's name) is answered
from indexes on PostgreSQL, not by reading every application: at 500,000 applications the scan
cost 89 ms of the 100 ms budget (bench/services figure 1)."""

import pytest
from django.db import connection
from django.db.models import Q

from gridgov.core.testing import require_postgresql
from gridgov.services.models import Application

pytestmark = pytest.mark.django_db


def test_the_search_has_an_index_path_on_both_columns():
    require_postgresql("查询计划测试需要 PostgreSQL（设置 DATABASE_URL）")
    # the search condition of queries.application_list alone (a district admin adds nothing else)
    q = "B4307020"
    qs = Application.objects.filter(Q(number__startswith=q) | Q(applicant_name__startswith=q)).order_by()[:10001]
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a scan then only if no index can answer
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan on services_application" not in plan, plan
    assert "svc_app_name_prefix" in plan and "services_application_number" in plan, plan
