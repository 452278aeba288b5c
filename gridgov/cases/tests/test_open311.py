"""Open311 GeoReport v2: every endpoint in XML and JSON, including the error bodies."""

import json
import xml.etree.ElementTree as ET

import pytest

from gridgov.cases import actions
from gridgov.cases.models import Case
from gridgov.core.actors import system_actor

from .conftest import POINT

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"


@pytest.fixture
def api_key(db, tree):
    return actions.create_api_key(actor=system_actor(), name="测试客户端")[1]


def xml(response):
    return ET.fromstring(response.content)


def js(response):
    return json.loads(response.content)


def test_discovery(client):
    r = client.get(f"{BASE}/discovery.json")
    assert r.status_code == 200 and js(r)["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    root = xml(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == ["text/xml", "application/json"]


def test_services_list(client, category):
    data = js(client.get(f"{BASE}/services.json"))
    s = next(s for s in data if s["service_code"] == "A0401")
    assert s["metadata"] is True and s["type"] == "realtime" and s["group"] == "突发事件"
    root = xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services" and root.find("service/service_code") is not None
    node = next(n for n in root.findall("service") if n.findtext("service_code") == "A0401")
    assert node.findtext("metadata") == "true"


def test_service_definition_and_alias(client, category):
    data = js(client.get(f"{BASE}/services/A0401.json"))
    assert data["service_code"] == "A0401"
    attr = data["attributes"][0]
    assert attr["code"] == "depth" and attr["required"] is True and attr["variable"] is True
    assert attr["values"] == [{"key": "shallow", "name": "浅"}, {"key": "deep", "name": "深"}]
    root = xml(client.get(f"{BASE}/service/A0401.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("attributes/attribute/values/value/key") == "shallow"
    r = client.get(f"{BASE}/services/NOPE.xml")
    assert r.status_code == 404 and xml(r).findtext("error/code") == "404"


def test_post_request_json_and_xml(client, category, api_key):
    r = client.post(f"{BASE}/requests.json", {
        "api_key": api_key, "service_code": "A0401", "lat": POINT[1], "long": POINT[0],
        "description": "人行道塌陷约一米", "attribute[depth]": "deep", "phone": "13812345678", "first_name": "",
    })
    assert r.status_code == 201, r.content
    sid = js(r)[0]["service_request_id"]
    case = Case.objects.get(number=sid)
    assert case.channel == "open311" and case.attributes == {"depth": "deep"}
    assert case.reporter_phone_masked == "138****5678"
    # api_key in the query string, body in XML
    r = client.post(f"{BASE}/requests.xml?api_key={api_key}", {
        "service_code": "A0401", "lat": POINT[1], "long": POINT[0], "attribute[depth]": "shallow"})
    assert r.status_code == 201 and xml(r).findtext("request/service_request_id")


def test_post_errors(client, category, api_key):
    r = client.post(f"{BASE}/requests.json", {"service_code": "A0401", "lat": POINT[1], "long": POINT[0]})
    assert r.status_code == 403 and js(r)[0]["code"] == 403
    r = client.post(f"{BASE}/requests.xml", {"api_key": "bad", "service_code": "A0401"})
    assert r.status_code == 403 and xml(r).tag == "errors"
    r = client.post(f"{BASE}/requests.json", {"api_key": api_key, "service_code": "", "lat": 1, "long": 1})
    assert r.status_code == 400 and "service_code" in js(r)[0]["description"]
    r = client.post(f"{BASE}/requests.json", {"api_key": api_key, "service_code": "A0401"})
    assert r.status_code == 400 and "位置" in js(r)[0]["description"]
    r = client.post(f"{BASE}/requests.json", {"api_key": api_key, "service_code": "A0401", "lat": POINT[1],
                                              "long": POINT[0]})
    assert r.status_code == 400 and "深度" in js(r)[0]["description"]  # required attribute
    r = client.post(f"{BASE}/requests.json", {"api_key": api_key, "service_code": "A0401", "lat": 10, "long": 100,
                                              "attribute[depth]": "deep"})
    assert r.status_code == 400 and "网格" in js(r)[0]["description"]
    r = client.post(f"{BASE}/requests.json", {"api_key": api_key, "service_code": "A0401",
                                              "address_string": "A社区第一网格", "attribute[depth]": "deep"})
    assert r.status_code == 201


def test_get_requests_filters_and_no_personal_data(client, new_case, walk, category, dispatcher):
    a = new_case(reporter_name="张三", reporter_phone="13812345678", address="人民路1号")
    b = walk(new_case(title="第二件"), "closed")
    for case in (a, b):  # grid-worker cases are published only after approval (cases/publication.py)
        actions.publish_case(actor=dispatcher, case=case, summary="路面塌陷，已安排处置")
    data = js(client.get(f"{BASE}/requests.json"))
    assert {r["service_request_id"] for r in data} == {a.number, b.number}
    body = json.dumps(data, ensure_ascii=False)
    assert "张三" not in body and "1381234" not in body and "5678" not in body
    row = next(r for r in data if r["service_request_id"] == b.number)
    assert row["status"] == "closed" and row["agency_responsible"] == "区住房和城乡建设局"
    assert row["requested_datetime"].endswith("+08:00")
    assert [r["service_request_id"] for r in js(client.get(f"{BASE}/requests.json?status=open"))] == [a.number]
    assert [r["service_request_id"] for r in js(client.get(f"{BASE}/requests.json?status=closed&service_code="))] \
        == [b.number]
    assert js(client.get(f"{BASE}/requests.json?service_request_id={a.number}"))[0]["status"] == "open"
    assert js(client.get(f"{BASE}/requests.json?start_date=2000-01-01T00:00:00Z&end_date=2000-02-01T00:00:00Z")) == []
    assert js(client.get(f"{BASE}/requests.json?service_code=B0101")) == []
    root = xml(client.get(f"{BASE}/requests.xml"))
    assert root.tag == "service_requests" and len(root.findall("request")) == 2
    r = client.get(f"{BASE}/requests.json?start_date=yesterday")
    assert r.status_code == 400
    r = client.get(f"{BASE}/requests.xml?status=pending")
    assert r.status_code == 400 and xml(r).findtext("error/code") == "400"


def test_single_request_and_token(client, new_case, dispatcher):
    case = new_case()
    assert client.get(f"{BASE}/requests/{case.number}.json").status_code == 404  # not approved yet
    actions.publish_case(actor=dispatcher, case=case, summary="路面塌陷")
    assert js(client.get(f"{BASE}/requests/{case.number}.json"))[0]["service_request_id"] == case.number
    assert xml(client.get(f"{BASE}/requests/{case.number}.xml")).findtext("request/status") == "open"
    r = client.get(f"{BASE}/requests/999.json")
    assert r.status_code == 404 and js(r)[0]["code"] == 404
    assert js(client.get(f"{BASE}/tokens/{case.public_token}.json")) == [
        {"service_request_id": case.number, "token": case.public_token}]
    assert xml(client.get(f"{BASE}/tokens/{case.public_token}.xml")).findtext("request/token") == case.public_token
    assert client.get(f"{BASE}/tokens/nope.xml").status_code == 404


def test_jurisdiction_and_format(client, category):
    assert client.get(f"{BASE}/services.json?jurisdiction_id=430702").status_code == 200
    assert client.get(f"{BASE}/services.json?jurisdiction_id=").status_code == 200
    r = client.get(f"{BASE}/services.json?jurisdiction_id=999999")
    assert r.status_code == 404
    assert client.get(f"{BASE}/services.csv").status_code == 404


def test_management_command(capsys):
    from django.core.management import call_command

    call_command("open311_key", "热线对接")
    out = capsys.readouterr().out
    assert "o311_" in out
    call_command("open311_key", "--list")
    assert "热线对接" in capsys.readouterr().out


def test_post_writes_once_and_touches_the_key_once_a_minute(client, category, api_key, frozen):
    import datetime

    from django.db import connection

    from gridgov.cases.models import CaseEvent, Open311ApiKey

    from .conftest import MONDAY_9

    body = {"api_key": api_key, "service_code": "A0401", "lat": POINT[1], "long": POINT[0], "attribute[depth]": "deep"}
    with frozen(MONDAY_9):
        assert client.post(f"{BASE}/requests.json", body).status_code == 201
    key = Open311ApiKey.objects.get()
    assert key.last_used_at == MONDAY_9
    case = Case.objects.get()
    assert case.number == f"20261123{case.pk:07d}" and CaseEvent.objects.filter(case=case, kind="report").count() == 1
    statements = []
    with frozen(MONDAY_9 + datetime.timedelta(seconds=30)):
        with connection.execute_wrapper(lambda ex, sql, *a: statements.append(sql) or ex(sql, *a)):
            assert client.post(f"{BASE}/requests.json", body).status_code == 201
    updates = [s for s in statements if s.startswith("UPDATE")]
    assert not [s for s in updates if "open311apikey" in s]  # the key was touched less than a minute ago
    if connection.vendor == "postgresql":  # the case number comes from the sequence: no second write
        assert updates == []
    assert Open311ApiKey.objects.get().last_used_at == MONDAY_9
    with frozen(MONDAY_9 + datetime.timedelta(minutes=2)):
        assert client.post(f"{BASE}/requests.json", body).status_code == 201
    assert Open311ApiKey.objects.get().last_used_at == MONDAY_9 + datetime.timedelta(minutes=2)
    numbers = list(Case.objects.order_by("pk").values_list("pk", "number"))
    assert all(n == f"20261123{pk:07d}" for pk, n in numbers) and len(numbers) == 3
