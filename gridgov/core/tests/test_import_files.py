"""Hostile import files (issue 11): an XLSX bomb, oversized cells, too many columns, bad CSV."""

import io
import time
import tracemalloc
import zipfile

import pytest

from gridgov.core import tabular
from gridgov.core.importing import Column, ImportSpec, parse_past_date, validate_file
from gridgov.core.tabular import ImportFileError, open_table


class NoteSpec(ImportSpec):
    kind, title, permission = "notes", "备注", ""
    columns = [Column("name", "名称", required=True, max_length=20), Column("day", "日期", parse=parse_past_date)]


def _xlsx(rows):
    from openpyxl import Workbook

    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "t.xlsx"
    return out


def _bomb(megabytes=150):
    """A valid-looking workbook of ~200 KB whose sheet inflates to `megabytes` MB."""
    good = _xlsx([["名称"], ["甲"]]).getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info, src.read(info))
                continue
            with dst.open(info.filename, "w", force_zip64=True) as fh:
                fh.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                         b'spreadsheetml/2006/main"><sheetData>')
                row = b'<row><c t="inlineStr"><is><t>' + b"A" * 1000 + b"</t></is></c></row>"
                chunk = row * 1024  # ~1 MB
                for _ in range(megabytes):
                    fh.write(chunk)
                fh.write(b"</sheetData></worksheet>")
    out.seek(0)
    out.name = "bomb.xlsx"
    return out


def test_an_xlsx_bomb_is_refused_quickly_in_chinese_with_little_memory():
    bomb = _bomb(150)
    assert len(bomb.getvalue()) < 2 * 1024 * 1024
    tracemalloc.start()
    started = time.perf_counter()
    report, rows = validate_file(NoteSpec(), bomb)
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert rows == [] and report.file_errors
    assert "解压后过大" in report.errors[0].reason
    assert elapsed < 2.0, elapsed
    assert peak < 30 * 1024 * 1024, peak


def test_the_uncompressed_size_cap_holds_whatever_the_ratio(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_XLSX_UNCOMPRESSED", 2000)
    with pytest.raises(ImportFileError, match="解压后过大"):
        open_table(_xlsx([["名称"], *[["甲" * 50] for _ in range(200)]]))


def test_xlsx_rows_are_streamed_and_capped(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_ROWS", 5)
    headers, rows, _estimate = open_table(_xlsx([["名称"], *[[f"行{i}"] for i in range(10)]]))
    assert headers == ["名称"]
    first = next(rows)  # an iterator: nothing is listed up front
    assert first == ["行0"]
    with pytest.raises(ImportFileError, match="行数过多"):
        list(rows)


def test_xlsx_too_many_columns_and_huge_cells_are_refused(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_COLUMNS", 3)
    report, _rows = validate_file(NoteSpec(), _xlsx([["名称"], ["甲", "", "", "", "多余"]]))
    assert "第 2 行列数过多" in report.errors[0].reason
    monkeypatch.setattr(tabular, "MAX_XLSX_CELL", 10)
    report, _rows = validate_file(NoteSpec(), _xlsx([["名称"], ["甲" * 11]]))
    assert "第 2 行第 A 列单元格内容过大" in report.errors[0].reason


def test_a_megabyte_csv_cell_names_its_row_and_column_in_chinese():
    big = io.BytesIO(("名称,日期\n甲,2020-01-01\n" + "乙" * 1_000_000 + ",2020-01-01\n").encode("utf-8"))
    big.name = "big.csv"
    report, rows = validate_file(NoteSpec(), big)
    assert [(e.row, e.column) for e in report.errors] == [(3, "名称")]
    assert "内容过长" in report.errors[0].reason and "field" not in str(report.errors[0])
    assert rows[0]["name"] == "甲"


def test_future_dates_for_past_events_are_refused():
    f = io.BytesIO("名称,日期\n甲,2099-01-01\n乙,2020-01-01\n".encode())
    f.name = "d.csv"
    report, rows = validate_file(NoteSpec(), f)
    assert [(e.row, e.column) for e in report.errors] == [(2, "日期")]
    assert "不能晚于今天" in report.errors[0].reason and len(rows) == 1
