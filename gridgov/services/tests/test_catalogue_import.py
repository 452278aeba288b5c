"""The catalogue as XLSX (issue 14): export, edit, import back through the core pipeline; an
import that changes an item publishes a new version and applications keep theirs; row-level
Chinese errors, all or nothing; district-wide permission only."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from gridgov.core.importing import run_import
from gridgov.services.choices import Channel
from gridgov.services.imports import ItemImport, export_table
from gridgov.services.models import ServiceItem, ServiceItemVersion

from .test_applications import _file


def _xlsx(headers, rows):
    wb = Workbook()
    wb.active.append(headers)
    for r in rows:
        wb.active.append(r)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "事项.xlsx"
    return out


def _exported(client):
    r = client.get(reverse("services:item_export"))
    assert r.status_code == 200
    body = b"".join(r.streaming_content) if r.streaming else r.content
    rows = [list(row) for row in load_workbook(io.BytesIO(body)).worksheets[0].iter_rows(values_only=True)]
    return rows[0], rows[1:]


def test_export_then_import_changes_nothing_and_an_edit_publishes_a_version(client, admin_user, catalogue, clerk,
                                                                            make_person):
    client.force_login(admin_user)
    headers, rows = _exported(client)
    assert headers == [c.header for c in ItemImport.columns] and len(rows) == len(catalogue) >= 30
    versions = ServiceItemVersion.objects.count()
    report = run_import(ItemImport(admin_user), _xlsx(headers, rows), actor=admin_user, apply=True)
    assert report.applied and report.counts == {"created": 0, "updated": 0, "unchanged": len(rows)}, report.errors
    assert ServiceItemVersion.objects.count() == versions
    # an application filed under version 1 …
    app = _file(clerk, catalogue["RS001"], make_person(age=40))
    v1 = app.version
    # … then the import changes the item's promised time and adds a new item
    col = headers.index("承诺时限(工作日)")
    row = next(r for r in rows if r[0] == "RS001")
    row[col] = 3
    new = list(row)
    new[0], new[1] = "RS999", "新增测试事项"
    report = run_import(ItemImport(admin_user), _xlsx(headers, [row, new]), actor=admin_user, apply=True)
    assert report.counts == {"created": 1, "updated": 1, "unchanged": 0}, report.errors
    item = ServiceItem.objects.get(code="RS001")
    assert item.current.number == v1.number + 1 and item.current.promised_days == 3
    app.refresh_from_db()
    assert app.version == v1 and app.version.promised_days != 3  # the application keeps its version
    assert ServiceItem.objects.get(code="RS999").current.materials == item.current.materials


def test_bad_rows_get_chinese_errors_and_nothing_is_written(admin_user, catalogue):
    headers = [c.header for c in ItemImport.columns]
    base = dict.fromkeys(headers, "")
    base.update({"事项编码": "RS001", "事项名称": "就业失业登记", "主管部门": catalogue["RS001"].department.name,
                 "办理渠道": "窗口", "承诺时限(工作日)": 3, "法定时限(工作日)": 10})
    good = dict(base)
    bad_dept = {**base, "事项编码": "X1", "主管部门": "不存在局"}
    bad_channel = {**base, "事项编码": "X2", "办理渠道": "邮寄"}
    bad_json = {**base, "事项编码": "X3", "申请材料": "[{"}
    bad_rule = {**base, "事项编码": "X4", "承诺时限(工作日)": 30}
    bad_field = {**base, "事项编码": "X5", "表单字段": '[{"key": "a", "label": "甲", "type": "颜色"}]'}
    rows = [[r[h] for h in headers] for r in (good, bad_dept, bad_channel, bad_json, bad_rule, bad_field)]
    before = ServiceItemVersion.objects.count()
    report = run_import(ItemImport(admin_user), _xlsx(headers, rows), actor=admin_user, apply=True)
    reasons = {(e.row, e.column): e.reason for e in report.errors}
    assert "部门不存在" in reasons[(3, "主管部门")]
    assert "不是有效渠道" in reasons[(4, "办理渠道")]
    assert "JSON" in reasons[(5, "申请材料")]
    assert "承诺时限不能长于法定时限" in reasons[(6, "承诺时限(工作日)")]
    assert "类型不正确" in reasons[(7, "表单字段")]
    assert not report.applied and ServiceItemVersion.objects.count() == before
    assert not ServiceItem.objects.filter(code__startswith="X").exists()
    assert catalogue["RS001"].current.promised_days != 3 or ServiceItem.objects.get(code="RS001").current_id == \
        catalogue["RS001"].current_id


def test_only_district_wide_publishers_may_import(make_user, tree, catalogue, client):
    street = make_user("district_admin", tree["430702004000"], username="street-admin")
    headers, rows = export_table()
    report = run_import(ItemImport(street), _xlsx(headers, rows[:1]), actor=street, apply=True)
    assert not report.applied and "全区范围" in report.errors[0].reason


def test_the_catalogue_page_links_to_the_core_import_page(client, admin_user, catalogue,
                                                          django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(admin_user)
    page = client.get(reverse("services:item_list")).content.decode()
    url = reverse("core:import") + "?kind=service-items"
    assert url in page and reverse("services:item_export") in page
    assert 'value="service-items" selected' in client.get(url).content.decode()
    headers, rows = export_table()
    rows[0][headers.index("法定时限(工作日)")] = 99
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("core:import"), {"kind": "service-items", "file": _xlsx(headers, rows[:1])})
    assert r.status_code == 302
    from gridgov.core.models import Job

    job = Job.objects.latest("pk")
    assert job.status == "succeeded", job.error
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:import_apply", args=[job.pk]))
    assert ServiceItem.objects.get(code=rows[0][0]).current.statutory_days == 99


def test_channel_labels_parse():
    from gridgov.services.imports import parse_channels

    assert parse_channels("窗口、自助终端，网上办") == [Channel.COUNTER, Channel.KIOSK, Channel.WEB]
    with pytest.raises(ValueError):
        parse_channels("快递")
