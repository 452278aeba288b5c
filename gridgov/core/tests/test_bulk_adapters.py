"""core.bulk's value adapters write exactly what the ORM's own adaptation writes."""

import datetime
import json
import zoneinfo

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from gridgov.core import bulk

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("value", [
    datetime.datetime(2026, 3, 4, 5, 6, 7, 123456, tzinfo=datetime.UTC),
    datetime.datetime(2026, 3, 4, 5, 6, 7, tzinfo=datetime.UTC),
    datetime.datetime(2026, 3, 4, 23, 59, 59, 999999, tzinfo=SHANGHAI),
    datetime.datetime(2026, 3, 4, 0, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))),
])
def test_sqlite_datetime_adapter_equals_the_backends(value):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite adapter")
    adapt = bulk._sqlite_datetime(connection.timezone)
    assert adapt(value) == str(connection.ops.adapt_datetimefield_value(value))


@pytest.mark.parametrize("value", [{}, [], {"a": 1, "b": "名"}, [1, {"x": None}], "", 0, None,
                                   {"at": datetime.date(2026, 1, 2)}])
def test_json_adapter_equals_json_dumps(value):
    assert bulk._json_adapter(DjangoJSONEncoder)(value) == json.dumps(value, cls=DjangoJSONEncoder)
    if "at" not in (value if isinstance(value, dict) else {}):
        assert bulk._json_adapter(None)(value) == json.dumps(value)
