"""Reading an uploaded table (CSV or XLSX) for the import framework, with hostile files in mind
(docs/security.md, "Imports").

    headers, rows, estimate = open_table(upload_or_path, filename)   # rows: an iterator of cell lists

- **CSV:** UTF-8 (with or without BOM) or GB18030, parsed as it is iterated. A cell of any size is
  read (it is never larger than the file, which the upload form caps) so that the importer's
  per-column length check names its row and column in Chinese; malformed quoting or a NUL byte is
  a Chinese file error naming the line.
- **XLSX:** before openpyxl sees the file, the zip's members are inspected: too many members, a
  total uncompressed size over `MAX_XLSX_UNCOMPRESSED` or a member inflating more than
  `MAX_XLSX_RATIO` times (a "zip bomb") is refused unread. The sheet is then streamed in
  read-only mode, row by row, with caps on rows, columns and characters per cell, so a 580 KB
  workbook that inflates to 132 MB is refused in milliseconds instead of taking a minute and
  half a gigabyte.
"""

import csv
import datetime
import io
import os
import zipfile
from pathlib import Path


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, format, empty, header, limits)."""


MAX_XLSX_UNCOMPRESSED = 512 * 1024 * 1024  # bytes, all members together (a district's 1M-row sheet is ~300 MB)
MAX_XLSX_RATIO = 100  # uncompressed / compressed for a member over 1 MB; real sheets compress 5-20×
RATIO_FLOOR = 1024 * 1024  # small members may compress better (styles, empty sheets)
MAX_XLSX_MEMBERS = 1000
MAX_ROWS = 2_000_000  # data rows of one file, CSV or XLSX
MAX_COLUMNS = 200
MAX_XLSX_CELL = 32_767  # Excel's own limit of characters in a cell

# A CSV cell may be as large as the file; the importer's column limit then names row and column.
csv.field_size_limit(2**31 - 1)


def _decode(data):
    """UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK and GB2312)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ImportFileError("无法识别文件编码：请保存为 UTF-8 或 GBK 编码的 CSV，或 XLSX 文件")


def _read_bytes(source):
    if isinstance(source, str | os.PathLike):
        return Path(source).read_bytes(), str(source)
    name = getattr(source, "name", "") or ""
    if hasattr(source, "chunks"):
        data = b"".join(source.chunks())
    else:
        data = source.read()
        if isinstance(data, str):
            data = data.encode("utf-8")
    return data, name


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S") if value.time() != datetime.time() else value.strftime("%Y-%m-%d")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_table(source, filename=None):
    """Return (headers, rows) where rows are lists of cell strings. Raises ImportFileError."""
    headers, rows, _estimate = open_table(source, filename)
    return headers, list(rows)


def open_table(source, filename=None):
    """(headers, rows, estimated row count): `rows` is an iterator of lists of cell strings
    (blank rows skipped), parsed as it is iterated — a population file is never held as cells
    all at once — so ImportFileError may also come while iterating."""
    data, name = _read_bytes(source)
    name = (filename or name or "").lower()
    if not data.strip():
        raise ImportFileError("文件为空")
    if name.endswith(".xlsx") or data[:2] == b"PK":
        return _open_xlsx(data)
    if name.endswith(".xls"):
        raise ImportFileError("不支持旧版 .xls 文件，请另存为 .xlsx 或 CSV")
    text = _decode(data)
    del data  # the bytes are not needed any more (a population file is a few hundred MB)
    estimate = text.count("\n")
    rows = _csv_rows(text)
    del text  # the generator holds it until the last row
    headers = next(rows, None)
    if headers is None:
        raise ImportFileError("文件为空")
    return headers, rows, estimate


def _csv_error(exc, line):
    text = str(exc)
    if "NUL" in text:
        reason = "含有空字符（NUL），请确认是文本格式的 CSV 文件"
    elif "field limit" in text:
        reason = "单元格内容过大"
    else:
        reason = "引号或换行不匹配（含换行或逗号的单元格须用英文双引号括起）"
    return ImportFileError(f"CSV 格式错误：第 {line} 行{reason}")


def _csv_rows(text):
    # lines sliced one at a time, not io.StringIO (which copies the text at 4 bytes a character)
    strip = str.strip
    reader = csv.reader(_lines(text))
    rows = 0
    try:
        for r in reader:
            cells = list(map(strip, r))
            if any(cells):
                rows += 1
                if rows > MAX_ROWS + 1:
                    raise ImportFileError(f"文件行数过多（最多 {MAX_ROWS} 行数据），请分批导入")
                if len(cells) > MAX_COLUMNS:
                    raise ImportFileError(f"第 {reader.line_num} 行列数过多（最多 {MAX_COLUMNS} 列）")
                yield cells
    except csv.Error as exc:
        raise _csv_error(exc, reader.line_num) from None


def _lines(text):
    """The lines of `text` with their line ends, as `csv.reader` wants them from a file opened
    with newline="". A file with lone \r line ends (rare) goes through io.StringIO as before."""
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        yield from io.StringIO(text, newline="")
        return
    find, start, end = text.find, 0, len(text)
    while start < end:
        stop = find("\n", start)
        if stop < 0:
            yield text[start:]
            return
        yield text[start : stop + 1]
        start = stop + 1


def check_xlsx_archive(data):
    """Refuse a workbook whose zip would inflate beyond the caps, before anything is inflated."""
    bomb = ImportFileError(
        f"XLSX 文件解压后过大或压缩比异常（最多 {MAX_XLSX_UNCOMPRESSED // (1024 * 1024)} MB），"
        "可能是恶意构造的文件；请另存为 CSV 或拆分后再导入")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportFileError("无法读取 XLSX 文件：文件已损坏或不是 Excel 文件") from None
    if len(members) > MAX_XLSX_MEMBERS:
        raise ImportFileError("XLSX 文件结构异常（包含的部件过多）")
    total = 0
    for info in members:
        total += info.file_size
        if total > MAX_XLSX_UNCOMPRESSED:
            raise bomb
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_XLSX_RATIO * max(info.compress_size, 1):
            raise bomb
    return total


def _open_xlsx(data):
    from openpyxl import load_workbook

    check_xlsx_archive(data)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.worksheets[0]
    except Exception:
        raise ImportFileError("无法读取 XLSX 文件：文件已损坏或不是 Excel 文件") from None
    rows = _xlsx_rows(wb, ws)
    try:
        headers = next(rows, None)
    except ImportFileError:
        wb.close()
        raise
    if headers is None:
        raise ImportFileError("文件为空")
    try:
        estimate = min(int(ws.max_row or 0), MAX_ROWS)  # from the sheet's <dimension>; a hint only
    except (TypeError, ValueError):
        estimate = 0
    return headers, rows, estimate


def _xlsx_rows(wb, ws):
    """Stream the sheet's non-blank rows as lists of stripped strings, enforcing the caps."""
    from openpyxl.utils import get_column_letter

    count = 0
    try:
        for number, values in enumerate(ws.iter_rows(values_only=True), 1):
            if len(values) > MAX_COLUMNS and any(v not in (None, "") for v in values[MAX_COLUMNS:]):
                raise ImportFileError(f"第 {number} 行列数过多（最多 {MAX_COLUMNS} 列）")
            cells = [_cell_text(v).strip() for v in values[:MAX_COLUMNS]]
            if not any(cells):
                continue
            for i, cell in enumerate(cells):
                if len(cell) > MAX_XLSX_CELL:
                    raise ImportFileError(
                        f"第 {number} 行第 {get_column_letter(i + 1)} 列单元格内容过大（{len(cell)} 字，最多 {MAX_XLSX_CELL} 字）")
            count += 1
            if count > MAX_ROWS + 1:
                raise ImportFileError(f"文件行数过多（最多 {MAX_ROWS} 行数据），请分批导入")
            yield cells
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError("无法读取 XLSX 文件：文件已损坏或不是 Excel 文件") from None
    finally:
        wb.close()
