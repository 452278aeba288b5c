"""Background job handlers of the registry (run by `gridgov.core.jobs`), and the stash of
uploaded import files they work on.

An upload is stashed as `<32 hex>.csv|.xlsx` under MEDIA_ROOT/imports/registry; the validation
job writes the error file next to it once (`<32 hex>.errors.csv` and `.errors.xlsx`), so the
download never re-validates. A periodic task (`tasks.clean_import_stash_task`) deletes whatever
is older than a day.
"""

import re
import time
from pathlib import Path

from django.conf import settings

TOKEN_RE = re.compile(r"^[0-9a-f]{32}\.(csv|xlsx)$")
ERROR_FORMATS = ("csv", "xlsx")
PREVIEW_ERRORS = 200  # errors listed on the preview page; the error file has them all
STASH_MAX_AGE = 24 * 3600  # seconds


def stash_dir():
    path = Path(settings.MEDIA_ROOT) / "imports" / "registry"
    path.mkdir(parents=True, exist_ok=True)
    return path


def stashed(token):
    """The stashed file of `token`, or None (bad token — no path traversal — or gone)."""
    if not isinstance(token, str) or not TOKEN_RE.match(token):
        return None
    path = stash_dir() / token
    return path if path.exists() else None


def error_file(token, fmt):
    """Where the validation job writes the error file of `token` in `fmt` (csv or xlsx)."""
    if not isinstance(token, str) or not TOKEN_RE.match(token) or fmt not in ERROR_FORMATS:
        return None
    return stash_dir() / f"{token.split('.')[0]}.errors.{fmt}"


def clean_stash(max_age=STASH_MAX_AGE, now=None):
    """Delete stashed uploads and error files older than `max_age` seconds; returns the count."""
    cutoff = (now if now is not None else time.time()) - max_age
    removed = 0
    for path in stash_dir().iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # another worker got there first
            continue
    return removed


def validate_import_job(run, *, kind, token, actor_id, filename=""):
    """The dry run: validate a stashed file, write its error file once, and return the preview
    (counts and the first errors) as the job result. Writes no data."""
    from gridgov.accounts.models import User
    from gridgov.core.access import require
    from gridgov.core.importing import validate_file, write_error_file

    from .importers import IMPORT_SPECS

    actor = User.objects.get(pk=actor_id)
    spec = IMPORT_SPECS[kind](actor)
    if spec.permission:
        require(actor, spec.permission)
    path = stashed(token)
    if path is None:
        raise FileNotFoundError("上传的文件已失效，请重新上传")
    run.log(f"开始校验{spec.title}：{filename or token}")
    check = spec.validate

    def validate(rows, report):  # a log line between the cell checks and the database checks
        run.log(f"逐格校验完成（{report.total_rows} 行），正在核对已有数据")
        return check(rows, report)

    spec.validate = validate
    report, _rows = validate_file(spec, str(path), filename=token, run=run)
    run.log(report.summary())
    if report.errors:
        for fmt in ERROR_FORMATS:
            write_error_file(report, str(error_file(token, fmt)), fmt)
        run.log(f"已生成错误文件（{len(report.error_rows)} 行）")
    result = report.as_dict(max_errors=PREVIEW_ERRORS)
    for e in result["errors"]:
        if len(e["value"]) > 100:
            e["value"] = e["value"][:100] + "…"
    result.update(token=token, filename=filename, ok=report.ok, error_count=len(report.errors),
                  file_errors=bool(report.file_errors))
    return result


def run_import_job(run, *, kind, path, actor_id, apply_valid=False, filename=""):
    """Apply a previously validated import file; progress goes to the Job row."""
    from gridgov.accounts.models import User
    from gridgov.core.importing import run_import

    from .importers import IMPORT_SPECS

    actor = User.objects.get(pk=actor_id)
    spec = IMPORT_SPECS[kind](actor)
    run.log(f"开始导入{spec.title}：{filename or Path(path).name}")
    report = run_import(spec, path, actor=actor, apply=True, apply_valid=apply_valid, run=run, filename=filename)
    run.log(report.summary())
    if report.applied:
        Path(path).unlink(missing_ok=True)
    else:
        run.log("文件有错误，未写入任何数据")
    return report.as_dict(max_errors=50)
