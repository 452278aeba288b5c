"""`__prefix` (core/lookups.py) returns the rows `startswith` returns at every level, and on
SQLite a county-wide prefix leaves the column's index out of the plan so that an ORDER BY …
LIMIT walks its own index (the district's case list: 340 ms → 0.1 ms at 200,000 cases)."""

import pytest
from django.db import connection

from gridgov.divisions.models import Division

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("prefix", ["430702", "430702004", "430702004001", "430702004001001", "4307020049", ""])
def test_prefix_matches_startswith(tree, prefix):
    assert set(Division.objects.filter(code__prefix=prefix)) == set(Division.objects.filter(code__startswith=prefix))


def test_county_prefix_takes_the_index_out_of_the_plan_on_sqlite(tree):
    county = str(Division.objects.filter(code__prefix="430702").query)
    street = str(Division.objects.filter(code__prefix="430702004").query)
    if connection.vendor == "sqlite":
        assert '+"divisions_division"."code" >=' in county
        assert '+"divisions_division"."code"' not in street
    else:  # PostgreSQL: a division code is a range the plain B-tree answers in its order
        assert "LIKE" not in county and "LIKE" not in street and ">=" in street and "+" not in street


def test_a_text_prefix_stays_like_on_postgresql(tree):
    """Only digits get the range on PostgreSQL: a name's order depends on the collation."""
    from gridgov.registry.models import Person

    sql = str(Person.objects.filter(name__prefix="王").query)
    assert ("LIKE" in sql) == (connection.vendor == "postgresql")


def test_a_short_text_prefix_keeps_its_index_on_sqlite(tree):
    """A person's name is two or three characters: the county rule must not take its index away."""
    from gridgov.registry.models import Person

    for field, value in (("name", "王"), ("name", "王小"), ("name_pinyin", "wang")):
        sql, params = Person.objects.filter(**{f"{field}__prefix": value}).query.sql_with_params()
        if connection.vendor != "sqlite":
            continue
        assert f'+"registry_person"."{field}"' not in sql
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, (field, plan)
