"""Exports (CSV/XLSX) that respect scope and are themselves audited (kind=export), and the one
helper that makes a cell safe to open in a spreadsheet (`escape_cell`, see docs/security.md):
every file the platform writes for Excel/WPS passes its cells through it.

    return export_response(request.user, rows, headers=[...], filename="审计日志", fmt="xlsx",
                           subject=("core.auditentry", "", "审计日志"), filters=request.GET.dict())

`rows` is an iterable of lists; the caller has already scoped (visible_to) and masked them.
"""

import io
import re
from urllib.parse import quote

from django.http import HttpResponse

from . import audit
from .choices import AuditKind

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_EXPORT_ROWS = 200_000

# A cell starting with one of these is a formula (or DDE) to Excel, WPS or LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "＝", "＋", "－", "＠")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def escape_cell(value):
    """A cell value safe to write to CSV or XLSX: text that a spreadsheet would run as a formula
    gets a leading apostrophe (shown as text, never evaluated); plain signed numbers such as
    "-3.5" and non-text values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def escape_row(values):
    return [escape_cell(v) for v in values]


def export_response(actor, rows, *, headers, filename, fmt="csv", subject, filters=None, division_code=""):
    from .importing import write_table  # write_table escapes every cell

    fmt = fmt if fmt in CONTENT_TYPES else "csv"
    rows = list(rows)[:MAX_EXPORT_ROWS]
    if fmt == "xlsx":
        buffer = io.BytesIO()
        write_table(buffer, headers, rows, fmt="xlsx")
        body = buffer.getvalue()
    else:
        buffer = io.StringIO()
        write_table(buffer, headers, rows, fmt="csv")
        body = ("\ufeff" + buffer.getvalue()).encode("utf-8")
    audit.record(actor, "export", subject, kind=AuditKind.EXPORT,
                 after={"rows": len(rows), "format": fmt, "filters": filters or {}}, division_code=division_code)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    name = f"{filename}.{fmt}"
    response["Content-Disposition"] = f"attachment; filename=\"export.{fmt}\"; filename*=UTF-8''{quote(name)}"
    return response
