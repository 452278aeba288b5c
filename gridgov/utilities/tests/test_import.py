"""Bill import: validated, all-or-nothing, idempotent, Chinese row errors naming row and column."""

import io

import pytest

from gridgov.core.importing import run_import
from gridgov.utilities.importers import BillImport, parse_amount_fen, parse_period
from gridgov.utilities.models import Bill

HEAD = "单位编码,户号,地址,账期,金额(元),缴费截止日\n"


def _file(text):
    f = io.BytesIO((HEAD + text).encode("utf-8"))
    f.name = "bills.csv"
    return f


@pytest.mark.parametrize("text,fen", [("86.5", 8650), ("86.50", 8650), ("0.01", 1), ("120", 12000), ("¥3.20", 320)])
def test_amounts_are_fen_from_decimal_strings(text, fen):
    assert parse_amount_fen(text) == fen


@pytest.mark.parametrize("text,reason", [("86.505", "最多两位小数"), ("abc", "金额格式不正确"), ("-5", "金额格式不正确"),
                                         ("0", "应大于 0"), ("1e3", "金额格式不正确"), ("1,000.00", "金额格式不正确")])
def test_bad_amounts(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_amount_fen(text)


def test_periods():
    assert parse_period("2026-1") == "2026-01" and parse_period("202610") == "2026-10"
    assert parse_period("2026年10月") == "2026-10"
    with pytest.raises(ValueError):
        parse_period("2026-13")


@pytest.fixture
def op(make_user, tree):
    return make_user("utility_operator", tree["430702000000"])


def test_import_is_all_or_nothing_and_idempotent(house, make_account, op):
    w, e = make_account(house, "water", "W1"), make_account(house, "power", "E1")
    good = f"water,{w.account_no},地址1,2026-10,45.30,2026-11-25\npower,{e.account_no},,2026-10,160.88,2026-11-25\n"
    bad = good + "water,W404,地址,2026-10,1.00,2026-11-25\npower,E1,,2026-09,12.345,2026-10-25\n"
    report = run_import(BillImport(op), _file(bad), actor=op, apply=True)
    assert not report.applied and Bill.objects.count() == 0
    messages = [str(e) for e in report.errors]
    assert any("第 4 行「户号」" in m and "户号不存在" in m for m in messages), messages
    assert any("第 5 行「金额(元)」" in m and "两位小数" in m for m in messages), messages
    report = run_import(BillImport(op), _file(good), actor=op, apply=True)
    assert report.applied and report.counts["created"] == 2
    assert sorted(Bill.objects.values_list("amount_fen", flat=True)) == [4530, 16088]
    report = run_import(BillImport(op), _file(good), actor=op, apply=True)
    assert report.counts == {"created": 0, "updated": 0, "unchanged": 2} and Bill.objects.count() == 2
    changed = good.replace("45.30", "46.00")
    assert run_import(BillImport(op), _file(changed), actor=op, apply=True).counts["updated"] == 1
    assert Bill.objects.get(account=w).amount_fen == 4600


def test_import_duplicates_in_file_and_paid_bills(house, make_account, make_bill, op):
    w = make_account(house, "water", "W1")
    make_bill(w, "2026-09", 3000, status="paid")
    dup = "water,W1,,2026-10,1.00,2026-11-25\nwater,W1,,2026-10,2.00,2026-11-25\nwater,W1,,2026-09,31.00,2026-10-25\n"
    report = run_import(BillImport(op), _file(dup), actor=op, apply=True)
    messages = [str(e) for e in report.errors]
    assert not report.applied and any("重复" in m for m in messages) and any("已缴" in m for m in messages)


def test_import_scope(house, other_house, make_account, make_user, tree):
    make_account(house, "water", "W1")
    make_account(other_house, "water", "W2")
    staff = make_user("street_staff", tree["430702004000"])  # 丹阳街道: A社区 yes, C社区 no
    text = "water,W1,,2026-10,1.00,2026-11-25\nwater,W2,,2026-10,1.00,2026-11-25\n"
    report = run_import(BillImport(staff), _file(text), actor=staff, apply=True)
    assert not report.applied and [e.row for e in report.errors] == [3]
    assert "管辖范围" in report.errors[0].reason


def test_account_import_links_houses(house, utilities, op):
    from gridgov.utilities.account_import import AccountImport
    from gridgov.utilities.models import UtilityAccount

    head = "单位编码,户号,户名,网格编码,楼栋编码,单元,房号,地址\n"
    good = "water,W900,张三,430702004001001,00001,1,101,测试路1号101室\n"
    bad = good + "gas,G900,李四,430702004001001,00001,1,999,\n"

    def f(text):
        data = io.BytesIO((head + text).encode())
        data.name = "accounts.csv"
        return data

    report = run_import(AccountImport(op), f(bad), actor=op, apply=True)
    assert not report.applied and "第 3 行「房号」" in str(report.errors[0]) and UtilityAccount.objects.count() == 0
    report = run_import(AccountImport(op), f(good), actor=op, apply=True)
    assert report.counts["created"] == 1 and UtilityAccount.objects.get().house_id == house.pk
    assert run_import(AccountImport(op), f(good), actor=op, apply=True).counts["unchanged"] == 1
