"""Issue 11, release blocker 3: the public Open311 feed publishes only public classes from public
channels or approved cases, never a reporter's raw text, rounded positions for sensitive
classes, photos only after approval; texts bounded at 4,000 characters."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from gridgov.cases import actions
from gridgov.cases.choices import Channel
from gridgov.cases.models import CaseCategory
from gridgov.cases.publication import REDACTED, redact

from .conftest import POINT

pytestmark = pytest.mark.django_db
FEED = "/open311/v2/requests.json"
ID = "430702198001010011"
PHONE = "13807360001"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _feed(client, **params):
    r = client.get(FEED, params)
    assert r.status_code == 200
    return r.json(), r.content.decode()


def test_internal_counter_case_with_personal_numbers_is_not_published(client, new_case, dispatcher, department):
    dispute = CaseCategory.objects.get(name="邻里纠纷")  # internal class
    case = new_case(actor=dispatcher, category=dispute, channel=Channel.COUNTER, attributes={},
                    description=f"张三（身份证 {ID}，电话 {PHONE}）与邻居争吵", address="人民路1号3单元")
    rows, body = _feed(client)
    assert case.number not in body and ID not in body and PHONE not in body
    assert client.get(f"/open311/v2/requests/{case.number}.json").status_code == 404
    assert client.get(FEED, {"service_request_id": case.number}).json() == []


def test_public_channel_case_publishes_the_class_name_not_the_reporter_text(client, category, tree):
    case = actions.report_case(actor=AnonymousUser(), category=category, title=f"塌陷 {PHONE}",
                               description=f"我的身份证 {ID} 电话 {PHONE}", channel=Channel.WEB,
                               lng=POINT[0], lat=POINT[1], attributes={"depth": "deep"})
    rows, body = _feed(client)
    row = next(r for r in rows if r["service_request_id"] == case.number)
    assert row["description"] == category.name
    assert ID not in body and PHONE not in body


def test_approved_summary_is_published_redacted(client, new_case, dispatcher):
    case = new_case()  # a grid worker's case: published only once approved
    assert case.number not in _feed(client)[1]
    actions.publish_case(actor=dispatcher, case=case, summary=f"路面塌陷，联系 {PHONE}，已派城管处置")
    rows, body = _feed(client)
    row = next(r for r in rows if r["service_request_id"] == case.number)
    assert PHONE not in body and REDACTED in row["description"]


def test_grid_worker_may_not_approve(new_case, grid_worker):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.publish_case(actor=grid_worker, case=new_case(), summary="路面塌陷")


def test_sensitive_class_has_rounded_coordinates_and_no_address(client, new_case, dispatcher):
    noise = CaseCategory.objects.get(name="噪声扰民")  # public and sensitive (民生诉求)
    assert noise.is_public and noise.is_sensitive
    case = new_case(category=noise, attributes={}, address="人民路1号3单元502")
    actions.publish_case(actor=dispatcher, case=case, summary="夜间噪声")
    rows, body = _feed(client)
    row = next(r for r in rows if r["service_request_id"] == case.number)
    assert row["lat"] == round(POINT[1], 2) and row["long"] == round(POINT[0], 2)
    assert row["address"] == "" and "人民路" not in body and row["media_url"] == ""


def test_photos_are_public_only_after_approval(client, new_case, dispatcher, photo):
    case = new_case(photos=[photo()])
    url = case.attachments.get().file.url
    assert client.get(url).status_code == 404
    actions.publish_case(actor=dispatcher, case=case, summary="路面塌陷")
    row = next(r for r in _feed(client)[0] if r["service_request_id"] == case.number)
    assert row["media_url"].endswith(url)
    assert client.get(url).status_code == 200


def test_open311_description_is_limited_to_4000_characters(client, category, tree):
    key = actions.create_api_key(actor=__import__("gridgov.core.actors", fromlist=["x"]).system_actor(),
                                 name="t")[1]
    body = {"api_key": key, "service_code": category.code, "lat": POINT[1], "long": POINT[0],
            "attribute[depth]": "deep"}
    r = client.post("/open311/v2/requests.json", {**body, "description": "长" * 4001})
    assert r.status_code == 400 and "4000" in json.dumps(r.json(), ensure_ascii=False)
    assert client.post("/open311/v2/requests.json", {**body, "description": "长" * 4000}).status_code == 201


@pytest.mark.parametrize("text", [
    f"身份证{ID}", f"电话{PHONE}", "电话 138 0736 0001", "手机 +86 13807360001", "座机0736-7223456",
    "身份证４３０７０２１９８００１０１００１１", "电话１３８０７３６０００１", "旧证430702800101001",
])
def test_redaction_removes_id_and_phone_patterns(text):
    out = redact(text)
    assert REDACTED in out
    digits = "".join(ch for ch in out if ch.isdigit())
    assert len(digits) < 7, out


def test_redaction_keeps_ordinary_text():
    assert redact("3号楼前路面塌陷约2米，已围挡") == "3号楼前路面塌陷约2米，已围挡"


def test_publish_form_on_the_case_page(client, new_case, dispatcher):
    case = new_case()
    client.force_login(dispatcher)
    assert "公开内容审核" in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    r = client.post(reverse("cases:publish", args=[case.pk]), {"summary": "路面塌陷，已处置"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.published_at and case.public_summary == "路面塌陷，已处置"
