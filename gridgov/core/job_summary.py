"""What a job page says about a job, in Chinese: the kind as a label, the result as lines a
person reads (never the raw dict), the failure as its message (the traceback only for the
platform's administrators).

A handler may return a dict with
    "summary": a line or a list of lines (Chinese) shown first;
    "link": {"label": …, "url": …} shown under them (e.g. the proposal a partition job made);
    "errors": import row errors ({row, column, value, reason}), the first few are listed;
other top-level numbers and words are shown with their label from RESULT_LABELS (or left out
when unknown: a key name is not something to show a user).
"""

from django.apps import apps

RESULT_LABELS = {
    "total_rows": "总行数", "valid_rows": "有效行数", "error_rows": "错误行数", "error_count": "错误数",
    "created": "新增", "updated": "更新", "unchanged": "未变化", "skipped": "跳过", "seconds": "用时（秒）",
    "grid_count": "网格数", "share_in_range": "户数达标率", "imported_cases": "计入的上报事件",
    "filename": "文件名", "applied": "已写入数据",
}
PERCENT_KEYS = {"share_in_range"}
HIDDEN_KEYS = {"summary", "link", "errors", "warnings", "kind", "title", "token", "ok", "file_errors", "counts",
               "proposal_id", "periods"}
SHOWN_ERRORS = 20


def kind_label(kind):
    """"import.persons" → "数据导入（实有人口）"; "import.persons.preview" → "导入校验（实有人口）";
    any other kind → the name of the app it belongs to ("红色网格")."""
    from .importing import import_kinds

    parts = (kind or "").split(".")
    if parts[0] == "import" and len(parts) >= 2:
        declared = import_kinds().get(parts[1])
        what = declared.label if declared else parts[1]
        return f"导入校验（{what}）" if parts[-1] == "preview" else f"数据导入（{what}）"
    for config in apps.get_app_configs():
        if config.label == parts[0]:
            return str(config.verbose_name)
    return "后台任务"


def _value(key, value):
    if isinstance(value, bool):
        return "是" if value else "否"
    if key in PERCENT_KEYS and isinstance(value, int | float):
        return f"{value:.0%}"
    return str(value)


def result_lines(result):
    """[(label, value)] of a job result, in Chinese."""
    if not isinstance(result, dict):
        return [("结果", str(result))] if result not in (None, "", [], {}) else []
    rows = []
    summary = result.get("summary")
    for line in [summary] if isinstance(summary, str) else (summary or []):
        rows.append(("概要", str(line)))
    counts = result.get("counts") if isinstance(result.get("counts"), dict) else {}
    for key, value in [*result.items(), *counts.items()]:
        if key in HIDDEN_KEYS or key not in RESULT_LABELS or isinstance(value, dict | list) or value in (None, ""):
            continue
        if summary and key in ("total_rows", "valid_rows", "error_rows", *counts):
            continue  # already in the summary line
        rows.append((RESULT_LABELS[key], _value(key, value)))
    for warning in (result.get("warnings") or [])[:10]:
        rows.append(("提示", str(warning)))
    return rows


def result_errors(result):
    """The first row errors of an import result as dicts (row, column, value, reason)."""
    if not isinstance(result, dict):
        return []
    return [e for e in (result.get("errors") or []) if isinstance(e, dict)][:SHOWN_ERRORS]


def error_message(job):
    """The failure as a person reads it: the exception's message without the traceback."""
    return (job.error or "").split("\n\nTraceback", 1)[0].strip()


def describe(job, user):
    """Everything the job templates show about the outcome."""
    result = job.result if isinstance(job.result, dict) else {}
    link = result.get("link") if isinstance(result.get("link"), dict) else None
    return {
        "kind_label": kind_label(job.kind),
        "result_lines": result_lines(job.result),
        "result_errors": result_errors(job.result),
        "result_link": link,
        "error_message": error_message(job),
        "show_traceback": bool(job.error) and (getattr(user, "is_superuser", False) or getattr(user, "is_staff", False)),
    }
