"""Exports (CSV/XLSX) that respect scope and are themselves audited (kind=export).

    return export_response(request.user, rows, headers=[...], filename="审计日志", fmt="xlsx",
                           subject=("core.auditentry", "", "审计日志"), filters=request.GET.dict())

`rows` is an iterable of lists; the caller has already scoped (visible_to) and masked them.
"""

import io
from urllib.parse import quote

from django.http import HttpResponse

from . import audit
from .choices import AuditKind
from .importing import write_table

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_EXPORT_ROWS = 200_000


def export_response(actor, rows, *, headers, filename, fmt="csv", subject, filters=None, division_code=""):
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
