"""The shared import framework: encodings, header checks, row errors, all-or-nothing."""

import io

import pytest

from gridgov.core.importing import (
    Column,
    ImportSpec,
    parse_date,
    parse_int,
    read_table,
    run_import,
    write_error_file,
    write_template,
)
from gridgov.core.models import CalendarDay


@pytest.fixture(autouse=True)
def _empty_calendar(db):
    """Migration core 0002 preloads the 2026/2027 holidays; these tests count rows from zero."""
    CalendarDay.objects.all().delete()


class DaySpec(ImportSpec):
    kind, title, permission = "days", "日历", "core.add_calendarday"
    natural_key = ("date",)
    columns = [
        Column("date", "日期", required=True, parse=parse_date, example="2031-10-01"),
        Column("name", "名称", required=True, max_length=10),
        Column("weight", "权重", parse=parse_int(0, 9)),
    ]

    def validate(self, rows, report):
        existing = set(CalendarDay.objects.values_list("date", flat=True))
        for row in rows:
            if row["date"] in existing:
                report.add_error(row.number, "日期", row["date"], "已存在")

    def apply(self, rows, *, actor, run):
        CalendarDay.objects.bulk_create(
            [CalendarDay(date=r["date"], name=r["name"], kind="holiday") for r in rows]
        )
        return {"created": len(rows)}


def _csv(text, encoding="utf-8"):
    f = io.BytesIO(text.encode(encoding))
    f.name = "x.csv"
    return f


def test_gbk_and_bom_files_read_the_same():
    text = "日期,名称\n2031-10-01,国庆节\n"
    for enc in ("utf-8", "utf-8-sig", "gbk", "gb18030"):
        headers, rows = read_table(_csv(text, enc))
        assert headers == ["日期", "名称"] and rows == [["2031-10-01", "国庆节"]]


def test_bad_rows_are_reported_and_nothing_is_written(admin_user):
    # given a file with a bad date, a missing name, an out-of-range number and a duplicate
    text = "日期,名称,权重\n2031-10-01,国庆节,1\n2031-13-01,坏日期,1\n2031-10-02,,1\n2031-10-03,好,99\n2031-10-01,重复,1\n"
    report = run_import(DaySpec(), _csv(text), actor=admin_user, apply=True)
    # then every bad row is named with its column and reason, and nothing was applied
    reasons = {(e.row, e.column): e.reason for e in report.errors}
    assert "日期格式不正确" in reasons[(3, "日期")]
    assert reasons[(4, "名称")] == "必填项为空"
    assert "不能大于 9" in reasons[(5, "权重")]
    assert "与第 2 行" in reasons[(6, "日期")]
    assert not report.applied and not CalendarDay.objects.filter(date__year=2031).exists()


def test_apply_valid_keeps_rejected_rows_in_error_file(admin_user, tmp_path):
    text = "日期,名称\n2031-10-01,国庆节\n2031-10-02,\n"
    report = run_import(DaySpec(), _csv(text), actor=admin_user, apply=True, apply_valid=True)
    assert report.applied and CalendarDay.objects.filter(date__year=2031).count() == 1
    out = tmp_path / "errors.csv"
    write_error_file(report, out)
    content = out.read_text(encoding="utf-8-sig")
    assert "2031-10-02" in content and "必填项为空" in content


@pytest.mark.parametrize("text,reason", [
    ("", "文件为空"),
    ("日期,名称\n", "没有数据行"),
    ("名称\n国庆\n", "缺少必填列"),
])
def test_file_level_errors(admin_user, text, reason):
    report = run_import(DaySpec(), _csv(text), actor=admin_user, apply=True)
    assert any(reason in e.reason for e in report.errors) and not report.applied


def test_huge_cell_is_rejected_not_truncated(admin_user):
    text = "日期,名称\n2031-10-01," + "长" * 5000 + "\n"
    report = run_import(DaySpec(), _csv(text), actor=admin_user, apply=True)
    assert "内容过长" in report.errors[0].reason and not CalendarDay.objects.filter(date__year=2031).exists()


def test_template_round_trip(tmp_path, admin_user):
    path = tmp_path / "t.xlsx"
    write_template(DaySpec(), path)
    headers, rows = read_table(path)
    assert headers == ["日期*", "名称*", "权重"] and rows[0][0] == "2031-10-01"
    report = run_import(DaySpec(), path, actor=admin_user, apply=False)
    assert report.errors and report.errors[0].column == "名称"


def test_import_requires_permission(grid_worker):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run_import(DaySpec(), _csv("日期,名称\n2031-10-01,x\n"), actor=grid_worker, apply=True)


def test_line_ends_and_quoted_newlines_read_as_before():
    # CRLF, lone CR (old Mac files), LF and newlines inside quoted cells all give the same rows
    for end in ("\r\n", "\r", "\n"):
        headers, rows = read_table(_csv(f'日期,名称{end}2031-10-01,"国庆{end}节"{end}{end},{end}2031-10-02,元旦'))
        assert headers == ["日期", "名称"] and rows == [["2031-10-01", f"国庆{end}节"], ["2031-10-02", "元旦"]]


def test_an_oversized_csv_cell_far_down_is_a_row_error_naming_its_column(admin_user):
    # given a file whose rows are fine until a cell over the old CSV field limit (128 K) far
    # down, after a bad row (the file is parsed as it is read)
    text = ("日期,名称\n" + "".join(f"2031-10-{d:02},节{d}\n" for d in range(1, 20)) + "2031-13-01,坏\n"
            + "2031-11-01," + "长" * 200_000 + "\n")
    report = run_import(DaySpec(), _csv(text), actor=admin_user, apply=True)
    # then both rows are named with their column in Chinese (issue 11: it was an English file
    # error "field larger than field limit"), and nothing is written
    assert [(e.row, e.column) for e in report.errors] == [(21, "日期"), (22, "名称")]
    assert "内容过长" in report.errors[1].reason
    assert report.total_rows == 21 and not report.applied and not CalendarDay.objects.exists()


def test_header_error_still_counts_the_rows(admin_user):
    report = run_import(DaySpec(), _csv("名称\n甲\n乙\n"), actor=admin_user, apply=True)
    assert report.total_rows == 2 and [e.reason for e in report.errors] == ["缺少必填列"]
    assert "共 2 行" in report.summary() and not report.applied


def test_valid_rows_keep_their_values_and_rejected_rows_their_cells(admin_user):
    from gridgov.core.importing import validate_file

    # given repeated cells in a cached column and one bad row
    spec = DaySpec()
    spec.columns = [*DaySpec.columns[:2], Column("weight", "权重", parse=parse_int(0, 9), cache=True)]
    text = "日期,名称,权重\n2031-10-01,甲, 3\n2031-10-02,乙,3\n2031-10-03,丙,x\n"
    report, rows = validate_file(spec, _csv(text))
    # then the parsed values are there, the raw cells of the rejected row are kept as read
    assert [(r.number, r["name"], r["weight"]) for r in rows] == [(2, "甲", 3), (3, "乙", 3)]
    assert list(report.rejected[4]) == ["2031-10-03", "丙", "x"]
