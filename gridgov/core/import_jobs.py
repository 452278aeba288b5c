"""The background job handlers of the one web import path (run by `gridgov.core.jobs`):

    validate_import_job  the dry run: validate a stashed file, write its error file once, and
                         return the preview (counts and the first row errors) — writes no data;
    run_import_job       apply a validated file (all rows, or with `apply_valid` the valid ones)
                         through `run_import`: one transaction, audited, all or nothing.

The kind is any `ImportKind` an app declares in its contributions.py; the spec is loaded for the
importing user, who must still hold the kind's permission and the spec's when the job runs.
"""

from pathlib import Path

from .import_stash import ERROR_FORMATS, error_file, stashed

PREVIEW_ERRORS = 200  # errors listed on the preview page; the error file has them all
VALIDATE_HANDLER = "gridgov.core.import_jobs.validate_import_job"
APPLY_HANDLER = "gridgov.core.import_jobs.run_import_job"


def _actor_and_spec(kind, actor_id):
    from django.contrib.auth import get_user_model

    from .access import require
    from .importing import import_kinds, load_spec

    actor = get_user_model().objects.get(pk=actor_id)
    declared = import_kinds()[kind]
    require(actor, declared.perm)
    spec = load_spec(kind, actor)
    if spec.permission:
        require(actor, spec.permission)
    return actor, spec


def validate_import_job(run, *, kind, token, actor_id, filename=""):
    from .importing import validate_file, write_error_file

    _actor, spec = _actor_and_spec(kind, actor_id)
    path = stashed(token)
    if path is None:
        raise FileNotFoundError("上传的文件已失效，请重新上传")
    run.log(f"开始校验{spec.title}：{filename or token}")
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


def run_import_job(run, *, kind, path=None, token=None, actor_id, apply_valid=False, filename=""):
    from .importing import run_import

    actor, spec = _actor_and_spec(kind, actor_id)
    source = stashed(token) if token else None
    if source is None and path:  # jobs queued before the one stash (token-less)
        source = stashed(Path(path).name)
    if source is None:
        raise FileNotFoundError("上传的文件已失效，请重新上传")
    run.log(f"开始导入{spec.title}：{filename or source.name}")
    report = run_import(spec, str(source), actor=actor, apply=True, apply_valid=apply_valid, run=run,
                        filename=source.name)
    run.log(report.summary())
    if report.applied:
        source.unlink(missing_ok=True)
    else:
        run.log("文件有错误，未写入任何数据")
    return report.as_dict(max_errors=50)
