"""The pages: staff lists and details, the counter, the import page, reconciliation, and the
public look-up with the sandbox provider page."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gridgov.utilities.models import Bill, Payment


@pytest.fixture
def setup(house, make_account, make_bill, make_user, tree, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    w = make_account(house, "water", "W77")
    bills = [make_bill(w, "2026-09", 4530), make_bill(w, "2026-10", 5120)]
    return {"account": w, "bills": bills, "op": make_user("utility_operator", tree["430702000000"]),
            "clerk": make_user("community_staff", tree["430702004001"])}


def test_staff_pages(client, setup):
    client.force_login(setup["op"])
    b = setup["bills"][0]
    for name, args in [("bill_list", []), ("account_list", []), ("payment_list", []), ("utility_list", []),
                       ("counter", []), ("import", []), ("recon_list", []), ("bill_detail", [b.pk]),
                       ("account_detail", [setup["account"].pk])]:
        r = client.get(reverse(f"utilities:{name}", args=args), follow=True)  # 账单导入 → the core import page
        assert r.status_code == 200, name
    r = client.get(reverse("utilities:bill_list"), {"q": "W77", "status": "unpaid", "period": "2026-10"})
    assert r.content.decode().count("/utilities/bills/") == 1


def test_counter_double_submit_is_one_payment(client, setup):
    client.force_login(setup["clerk"])
    r = client.get(reverse("utilities:counter"), {"account_no": "w77"})
    key = re.search(r'name="key" value="([0-9a-f]+)"', r.content.decode()).group(1)
    data = {"key": key, "bill": [b.pk for b in setup["bills"]], "account_no": "W77"}
    first = client.post(reverse("utilities:counter"), data)
    second = client.post(reverse("utilities:counter"), data)
    p = Payment.objects.get()
    assert first.url == second.url == p.get_absolute_url() and p.amount_fen == 9650 and p.provider == "cash"
    assert client.get(p.get_absolute_url()).status_code == 200


def test_other_community_sees_nothing(client, setup, make_user, tree):
    far = make_user("community_staff", tree["430702005001"])
    client.force_login(far)
    assert client.get(reverse("utilities:bill_detail", args=[setup["bills"][0].pk])).status_code == 404
    assert "W77" not in client.get(reverse("utilities:bill_list")).content.decode()
    assert client.get(reverse("utilities:recon_list")).status_code in (403, 404)


def test_public_lookup_and_sandbox(client, setup, settings):
    settings.UTILITIES_SANDBOX_AUTO_CONFIRM = False
    r = client.get(reverse("utilities:lookup"), {"account_no": "W77"})
    html = r.content.decode()
    assert "45.30" in html and "测试路" not in html
    key = re.search(r'name="key" value="([0-9a-f]+)"', html).group(1)
    r = client.post(reverse("utilities:lookup"), {"key": key, "account_no": "W77",
                                                  "bill": [b.pk for b in setup["bills"]]})
    assert r.status_code == 302
    page = client.get(r.url)
    assert "模拟支付成功" in page.content.decode()
    token = r.url.rstrip("/").rsplit("/", 1)[1]
    client.post(reverse("utilities:sandbox_pay", args=[token]), {"result": "ok"})
    assert set(Bill.objects.values_list("status", flat=True)) == {"paid"}
    assert "缴费成功" in client.get(r.url).content.decode()
    assert client.get(reverse("utilities:public_payment", args=["forged"])).status_code == 404


def test_import_page(client, setup, django_capture_on_commit_callbacks, settings, tmp_path):
    """账单导入 is the core import page: validate → preview → apply as a job (issue 10 §4)."""
    from gridgov.core.models import Job

    settings.MEDIA_ROOT = tmp_path
    client.force_login(setup["op"])
    r = client.get(reverse("utilities:import"))
    assert r.status_code == 302 and r.url == reverse("core:import") + "?kind=utility-bills"
    page = client.get(r.url).content.decode()
    assert 'value="utility-bills" selected' in page and 'id="kind-persons"' not in page  # only the operator's kinds
    body = "单位编码,户号,地址,账期,金额(元),缴费截止日\nwater,W77,,2026-11,33.00,2026-12-25\n".encode()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("core:import"), {"file": SimpleUploadedFile("b.csv", body), "kind": "utility-bills"})
    preview = Job.objects.latest("pk")
    assert r.status_code == 302 and preview.status == "succeeded", preview.error
    assert not Bill.objects.filter(period="2026-11").exists()  # the preview writes nothing
    assert "确认导入 1 行" in client.get(r.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("core:import_apply", args=[preview.pk]))
    assert "新增 1" in client.get(r.url).content.decode()
    assert Bill.objects.filter(period="2026-11", amount_fen=3300).exists()
    assert client.get(reverse("core:import_template", args=["utility-bills"])).status_code == 200
    # a bad amount: a Chinese row error on the preview, an error file, and nothing applied
    bad = "单位编码,户号,地址,账期,金额(元),缴费截止日\nwater,W77,,2026-12,3x,2026-12-25\n".encode()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("core:import"), {"file": SimpleUploadedFile("b.csv", bad), "kind": "utility-bills"})
    page = client.get(r.url).content.decode()
    assert "金额(元)" in page and 'id="import-error-file"' in page and "apply-import" not in page


def _bill_list_queries(client, params=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        r = client.get(reverse("utilities:bill_list"), params or {})
    assert r.status_code == 200
    return r, len(ctx.captured_queries)


def test_bill_list_query_count_does_not_grow_with_the_bills(client, setup, make_account, make_bill, tree):
    # given the list with two bills, then with a full page and more of several accounts and utilities
    from .conftest import _house

    client.force_login(setup["op"])
    _, few = _bill_list_queries(client)
    for i in range(30):
        account = make_account(_house(tree, "430702004001001", f"1{i:04d}", room=str(i)), ("water", "power", "gas")[i % 3])
        make_bill(account, "2026-10")
        make_bill(account, "2026-09")
    # then the page runs the same statements (no query per row), and shows 50 of 62 bills
    r, many = _bill_list_queries(client)
    assert many == few, (few, many)
    assert "共 62 条" in r.content.decode()
    _, second = _bill_list_queries(client, {"page": "2"})
    assert second == few


def test_bill_list_count_is_capped(client, setup, make_account, make_bill, monkeypatch):
    # given more bills than the cap: the count stops at the cap instead of counting every bill
    from gridgov.core.paging import CappedPaginator
    from gridgov.utilities.views import common

    for period in ("2026-01", "2026-02", "2026-03", "2026-04", "2026-05"):
        make_bill(setup["account"], period)
    client.force_login(setup["op"])
    monkeypatch.setattr(CappedPaginator, "cap", 4)
    monkeypatch.setattr(common, "PAGE_SIZE", 2)
    body = client.get(reverse("utilities:bill_list")).content.decode()
    assert "超过 4 条" in body and "下一页" in body and "共 7 条" not in body


def test_bill_list_order_has_an_index():
    # the list's order (newest period first, then id) is an index: the database walks it and
    # stops at the page instead of sorting every visible bill (issue 17)
    assert any(list(ix.fields) == ["-period", "id"] for ix in Bill._meta.indexes)


def test_bill_list_walks_the_index_on_sqlite(db):
    # the district-wide list (a county prefix) reads bills in the index's order and stops at the
    # page; PostgreSQL picks the same index from its statistics (docs/performance.md)
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's plan")
    qs = Bill.objects.filter(division_code__prefix="430702").select_related("account", "utility")
    sql, params = qs.order_by("-period", "id")[:50].query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = [row[-1] for row in cur.fetchall()]
    assert plan[0] == "SCAN utilities_bill USING INDEX bill_period_id", plan
    assert not any("TEMP B-TREE" in step for step in plan), plan
