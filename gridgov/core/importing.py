"""The shared import framework (docs/architecture.md §4, “Bad input gets a clear error and loses nothing”).

An import is described by an `ImportSpec` subclass: its Chinese column headers, how each cell is
parsed, the natural key, the domain checks (`validate`) and the bulk write (`apply`). The
framework reads CSV (UTF-8, UTF-8 with BOM, GBK/GB18030 detected) or XLSX, checks the header,
parses and checks every cell, finds duplicates inside the file, runs the spec's checks, and only
then applies — all or nothing, unless the user explicitly asks to apply the valid rows, in which
case the rejected rows are kept in the error file.

    class BuildingImport(ImportSpec):
        kind, title, permission = "buildings", "楼栋", "registry.add_building"
        natural_key = ("grid", "code")
        columns = [Column("grid", "网格编码", required=True, parse=parse_code), ...]

        def validate(self, rows, report): ...      # report.add_error(row.number, "网格编码", value, "原因")
        def apply(self, rows, *, actor, run): ...  # bulk writes; returns {"created": n, "updated": m, ...}

    report = run_import(BuildingImport(), "楼栋.xlsx", actor=user, apply=True)
"""

import csv
import datetime
import os
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction

from .actors import action
from .exports import escape_row
from .tabular import ImportFileError, open_table, read_table  # noqa: F401 (re-exported)

DEFAULT_MAX_CELL = 1000  # characters; a longer cell is rejected, never truncated silently
MAX_ERRORS_KEPT = 100_000


@dataclass
class Column:
    """One column of an import file. `parse(text) -> value` raises ValueError with a Chinese
    reason for a bad cell; it is not called for empty cells."""

    key: str
    header: str
    required: bool = False
    max_length: int | None = None
    parse: object = None
    help: str = ""
    example: str = ""
    aliases: tuple = ()
    cache: bool = False  # `parse` is pure and the column has few distinct values: parse each once


@dataclass
class RowError:
    row: int  # the row number a spreadsheet shows (header is row 1)
    column: str
    value: str
    reason: str

    def __str__(self):
        where = f"第 {self.row} 行" if self.row else "文件"
        col = f"「{self.column}」" if self.column else ""
        val = f"（值：{self.value[:50]}）" if self.value else ""
        return f"{where}{col}{val}：{self.reason}"


class Row:
    """A parsed data row: its spreadsheet row number, parsed values and the raw cells."""

    __slots__ = ("number", "values", "raw")

    def __init__(self, number, values, raw):
        self.number, self.values, self.raw = number, values, raw

    def __getitem__(self, key):
        return self.values.get(key)

    def get(self, key, default=None):
        value = self.values.get(key)
        return default if value in (None, "") else value


@dataclass
class ImportReport:
    kind: str
    title: str = ""
    headers: list = field(default_factory=list)
    total_rows: int = 0
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    applied: bool = False
    counts: dict = field(default_factory=dict)
    rejected: dict = field(default_factory=dict)  # row number → raw cells of rejected rows (error file)
    seconds: float = 0.0

    def add_error(self, row, column, value, reason):
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(RowError(row, column, "" if value is None else str(value), reason))

    @property
    def error_rows(self):
        return {e.row for e in self.errors if e.row}

    @property
    def file_errors(self):
        return [e for e in self.errors if not e.row]

    @property
    def valid_rows(self):
        return self.total_rows - len(self.error_rows)

    @property
    def ok(self):
        return not self.errors

    def summary(self):
        parts = [f"共 {self.total_rows} 行", f"有效 {self.valid_rows} 行", f"错误 {len(self.error_rows)} 行"]
        if self.applied:
            labels = {"created": "新增", "updated": "更新", "unchanged": "未变化", "skipped": "跳过"}
            parts += [f"{labels.get(k, k)} {v}" for k, v in self.counts.items()]
        else:
            parts.append("未写入任何数据")
        return "，".join(parts)

    def as_dict(self, max_errors=500):
        return {
            "kind": self.kind, "title": self.title, "total_rows": self.total_rows, "valid_rows": self.valid_rows,
            "error_rows": len(self.error_rows), "applied": self.applied, "counts": self.counts,
            "seconds": round(self.seconds, 3), "summary": self.summary(),
            "errors": [e.__dict__ for e in self.errors[:max_errors]],
            "warnings": self.warnings[:50],
        }


class ImportSpec:
    """Describe one kind of import. Subclasses set the attributes and override the hooks."""

    kind = ""
    title = ""
    permission = ""
    help = ""  # a sentence for the import page (order of imports, units, what identifies a row)
    columns: list = []
    natural_key: tuple = ()
    # keys `validate` adds to `row.values`, in the order it adds them: declaring them lets every
    # row's values share one key table (memory, see `_parse_rows`); anything else still works
    derived_keys: tuple = ()

    def validate(self, rows, report):
        """Domain checks across rows and against the database (references, duplicates with
        existing rows …). Call `report.add_error`; never write."""

    def apply(self, rows, *, actor, run):
        """Write the valid rows in bulk; return counts like {"created": n, "updated": m,
        "unchanged": k}. Runs inside one transaction."""
        raise NotImplementedError

    def columns_by_header(self):
        mapping = {}
        for col in self.columns:
            mapping[col.header] = col
            for alias in col.aliases:
                mapping[alias] = col
        return mapping


# --- running an import ------------------------------------------------------------------------

def _check_headers(spec, headers, report):
    by_header = spec.columns_by_header()
    positions = {}
    for i, h in enumerate(headers):
        h = h.strip().lstrip("\ufeff").rstrip("*").strip()
        col = by_header.get(h)
        if col is None:
            if h:
                report.warnings.append(f"未识别的列「{h}」已忽略")
            continue
        if col.key in positions:
            report.add_error(1, h, "", "列名重复")
        positions[col.key] = i
    for col in spec.columns:
        if col.required and col.key not in positions:
            report.add_error(1, col.header, "", "缺少必填列")
    return positions


MAX_CACHED_VALUES = 10_000  # distinct cells remembered per `cache=True` column


PROGRESS_STEP = 10_000  # rows between progress reports to a job's `run`


def _parse_rows(spec, raw_rows, positions, report, run=None):
    """Parse every cell of every row: [(Row, bad)]. The per-column work is planned once (columns
    absent from the file are None in every row); the loop is the import's hot path. With a job
    `run`, progress advances every PROGRESS_STEP rows.

    Memory (a population file has millions of rows): each row's values dict is the `__dict__` of
    an instance of a class made for this parse, so the rows share one key table (CPython's
    key-sharing dicts: a third of a plain dict's size; any row whose keys come in another order
    simply gets a plain dict). The raw cells of a `cache=True` column are replaced by the first
    equal string seen, so repeated codes and choices are stored once."""
    absent = tuple(c.key for c in spec.columns if c.key not in positions)
    plan = [
        (col.key, positions[col.key], col.header, col.required, col.max_length or DEFAULT_MAX_CELL, col.parse,
         {} if col.cache and col.parse is not None else None)
        for col in spec.columns if col.key in positions
    ]
    values_class = type("RowValues", (), {"__slots__": ("__dict__",)})
    # the first instance sets the shared key table, at its full size: a table that has to grow
    # later (when `validate` adds derived keys) turns every row's dict into a plain one
    first = values_class().__dict__
    for key in (*absent, *(p[0] for p in plan), *spec.derived_keys):
        first[key] = None  # one by one: `update` may copy a plain dict's table instead
    add_error = report.add_error
    rows = []
    number = 1
    step = PROGRESS_STEP if run is not None else 0
    for cells in raw_rows:
        number += 1
        if step and (number - 1) % step == 0:  # rows done so far
            run.advance(step)
        values, bad = values_class().__dict__, False
        for key in absent:
            values[key] = None
        width = len(cells)
        for key, i, header, required, limit, parse, memo in plan:
            text = cells[i] if i < width else ""
            if not text:
                if required:
                    add_error(number, header, "", "必填项为空")
                    bad = True
                values[key] = None
                continue
            if len(text) > limit:
                add_error(number, header, text[:50] + "…", f"内容过长（{len(text)} 字，最多 {limit} 字）")
                bad = True
                continue
            if parse is None:
                values[key] = text
                continue
            if memo is not None:
                hit = memo.get(text)
                if hit is not None:  # (value, the first equal cell): keep one copy of the text
                    values[key], cells[i] = hit
                    continue
            try:
                value = parse(text)
            except (ValueError, TypeError) as exc:
                add_error(number, header, text, str(exc) or "格式不正确")
                bad = True
                continue
            if memo is not None and len(memo) < MAX_CACHED_VALUES:
                memo[text] = (value, text)
            values[key] = value
        rows.append((Row(number, values, tuple(cells)), bad))  # a tuple: 48 bytes less than the list
    return rows


def _check_file_duplicates(spec, rows, report):
    if not spec.natural_key:
        return
    keys = spec.natural_key if isinstance(spec.natural_key, tuple | list) else (spec.natural_key,)
    headers = {c.key: c.header for c in spec.columns}
    seen = {}
    for row, _bad in rows:
        key = tuple(row.values.get(k) for k in keys)
        if any(v in (None, "") for v in key):
            continue
        if key in seen:
            label = "、".join(headers.get(k, k) for k in keys)
            report.add_error(row.number, headers.get(keys[0], keys[0]), "/".join(map(str, key)),
                             f"与第 {seen[key]} 行的{label}重复")
        else:
            seen[key] = row.number


def validate_file(spec, source, *, filename=None, run=None):
    """Read and check everything; write nothing. Returns (report, valid_rows). A job `run`, when
    given, gets the row count as its total and progress while the cells are parsed."""
    import time

    started = time.perf_counter()
    report = ImportReport(kind=spec.kind, title=spec.title)
    try:
        headers, raw_rows, estimate = open_table(source, filename)
    except ImportFileError as exc:
        report.add_error(0, "", "", str(exc))
        return report, []
    report.headers = headers
    positions = _check_headers(spec, headers, report)
    try:  # cells are parsed as the file is read
        if report.errors:
            report.total_rows = sum(1 for _cells in raw_rows)
            return report, []
        if run is not None:
            run.set_total(estimate)
        parsed = _parse_rows(spec, raw_rows, positions, report, run)
    except ImportFileError as exc:  # a CSV error further down: the file as a whole is refused
        report = ImportReport(kind=spec.kind, title=spec.title)
        report.add_error(0, "", "", str(exc))
        return report, []
    del raw_rows
    report.total_rows = len(parsed)
    if not parsed:
        report.add_error(0, "", "", "文件只有表头，没有数据行")
        return report, []
    if run is not None and estimate != len(parsed):
        run.set_total(len(parsed))
    _check_file_duplicates(spec, parsed, report)
    candidates = [row for row, bad in parsed]
    del parsed
    bad_before = report.error_rows  # a set built once: per-row rebuilding is quadratic on bad files
    if run is not None:  # a log line between the cell checks and the database checks
        run.log(f"逐格校验完成（{report.total_rows} 行），正在核对已有数据")
    spec.validate([r for r in candidates if r.number not in bad_before], report)
    bad_rows = report.error_rows
    report.rejected = {r.number: r.raw for r in candidates if r.number in bad_rows}
    valid = [r for r in candidates if r.number not in bad_rows]
    del candidates
    for r in valid:  # only the error file needs raw cells: free them for the write
        r.raw = None
    report.seconds = time.perf_counter() - started
    return report, valid


@action(atomic=False)
def run_import(spec, source, *, actor, apply=False, apply_valid=False, run=None, filename=None):
    """Validate, then (when `apply`) write all rows in one transaction — or, with
    `apply_valid`, the valid rows only (the rejected ones stay in the report's error file)."""
    import time

    from . import audit
    from .access import can

    if spec.permission and not can(actor, spec.permission):
        raise PermissionDenied(f"没有导入{spec.title}的权限")
    started = time.perf_counter()
    report, rows = validate_file(spec, source, filename=filename)
    if not apply or not rows or (report.errors and not apply_valid) or report.file_errors:
        report.seconds = time.perf_counter() - started
        return report
    if run is not None:
        run.set_total(len(rows))
    with transaction.atomic():
        report.counts = spec.apply(rows, actor=actor, run=run) or {}
        report.applied = True
        audit.record(
            actor, f"import.{spec.kind}", ("import", spec.kind, f"导入{spec.title}"),
            after={"rows": len(rows), "rejected": len(report.error_rows), **report.counts},
        )
    report.seconds = time.perf_counter() - started
    return report


# --- templates and error files -----------------------------------------------------------------

def template_rows(spec):
    headers = [c.header + ("*" if c.required else "") for c in spec.columns]
    example = [c.example for c in spec.columns]
    return headers, example


def write_table(path_or_buffer, headers, rows, fmt=None):
    """Write a CSV (UTF-8 with BOM, so Excel opens it right) or XLSX file."""
    fmt = fmt or ("xlsx" if str(getattr(path_or_buffer, "name", path_or_buffer)).endswith(".xlsx") else "csv")
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet()
        ws.append(escape_row(headers))
        for r in rows:
            ws.append(escape_row(r))
        wb.save(path_or_buffer)
        return
    close = False
    if isinstance(path_or_buffer, str | os.PathLike):
        path_or_buffer, close = open(path_or_buffer, "w", encoding="utf-8-sig", newline=""), True
    writer = csv.writer(path_or_buffer)
    writer.writerow(escape_row(headers))
    writer.writerows(escape_row(r) for r in rows)
    if close:
        path_or_buffer.close()


def write_template(spec, path_or_buffer, fmt=None):
    headers, example = template_rows(spec)
    write_table(path_or_buffer, headers, [example] if any(example) else [], fmt)


def write_error_file(report, path_or_buffer, fmt=None):
    """The rejected rows with their original cells plus a 错误原因 column — nothing is lost."""
    by_row = {}
    for e in report.errors:
        by_row.setdefault(e.row, []).append(f"{e.column}：{e.reason}" if e.column else e.reason)
    headers = [*report.headers, "错误行号", "错误原因"]
    rows = []
    for n in sorted(n for n in by_row if n > 1):
        rows.append([*report.rejected.get(n, []), n, "；".join(by_row[n])])
    for n in (0, 1):
        if n in by_row:
            rows.insert(0, [""] * len(report.headers) + [n or "", "；".join(by_row[n])])
    write_table(path_or_buffer, headers, rows, fmt)


# --- cell parsers shared by the specs ---------------------------------------------------------

def parse_int(minimum=None, maximum=None):
    def parse(text):
        try:
            value = int(float(text)) if "." in text and float(text).is_integer() else int(text)
        except ValueError:
            raise ValueError("应为整数")
        if minimum is not None and value < minimum:
            raise ValueError(f"不能小于 {minimum}")
        if maximum is not None and value > maximum:
            raise ValueError(f"不能大于 {maximum}")
        return value

    return parse


def parse_float(minimum=None, maximum=None):
    def parse(text):
        try:
            value = float(text)
        except ValueError:
            raise ValueError("应为数字")
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("应为有限数字")
        if minimum is not None and value < minimum:
            raise ValueError(f"不能小于 {minimum}")
        if maximum is not None and value > maximum:
            raise ValueError(f"不能大于 {maximum}")
        return value

    return parse


def parse_date(text):
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError("日期格式不正确，应为 YYYY-MM-DD")


def parse_past_date(text):
    """A date of something that has already happened (birth, joining the party, registration):
    a date after today is refused — a 2099 入党日期 is a typing error, never data."""
    from . import clock

    value = parse_date(text)
    if value > clock.today():
        raise ValueError("日期不能晚于今天（应为已发生的日期）")
    if value.year < 1890:
        raise ValueError("日期过早，请核对")
    return value


def parse_choice(choices):
    """Accept either the stored value or the Chinese label of a TextChoices/IntegerChoices."""
    by_label = {str(label): value for value, label in choices.choices}
    values = {str(v): v for v in choices.values}

    def parse(text):
        if text in by_label:
            return by_label[text]
        if text in values:
            return values[text]
        allowed = "、".join(str(label) for _v, label in choices.choices)
        raise ValueError(f"不是有效选项，可选：{allowed}")

    return parse


def parse_bool(text):
    if text in ("是", "Y", "y", "1", "true", "True", "TRUE"):
        return True
    if text in ("否", "N", "n", "0", "false", "False", "FALSE"):
        return False
    raise ValueError("应为“是”或“否”")


# --- the import kinds the apps declare ---------------------------------------------------------

def import_kinds():
    """{key: ImportKind} of every installed app's manifest, in declared order."""
    from .manifest import collect

    return {kind.key: kind for _app, kind in sorted(collect("imports"), key=lambda pair: pair[1].order)}


def load_spec(kind, actor=None):
    """An ImportSpec instance for the import kind `kind` (KeyError when no app declares it);
    `actor` lets the spec report rows outside the importing user's scope."""
    from .manifest import resolve

    return resolve(import_kinds()[kind].spec)(actor)
