"""Background job handlers of the registry (run by `gridgov.core.jobs`)."""

from pathlib import Path


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
