"""Background jobs of the utilities app: the bill import (validate, or validate and apply all or
nothing) and the daily reconciliation. Uploads are stashed under MEDIA_ROOT/imports/utilities."""

import re
import uuid
from pathlib import Path

from django.conf import settings

TOKEN_RE = re.compile(r"^[0-9a-f]{32}\.(csv|xlsx)$")


def stash_dir():
    path = Path(settings.MEDIA_ROOT) / "imports" / "utilities"
    path.mkdir(parents=True, exist_ok=True)
    return path


def stash(upload):
    token = uuid.uuid4().hex + (".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv")
    with open(stash_dir() / token, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return token


SPECS = {"utility-bills": "gridgov.utilities.importers.BillImport",
         "utility-accounts": "gridgov.utilities.account_import.AccountImport"}


def import_bills_job(run, *, token, actor_id, apply=False, filename="", kind="utility-bills"):
    """Validate a stashed bill file and, with `apply`, write it all or nothing. The result is the
    report (first 200 row errors, in Chinese, naming row and column)."""
    from django.utils.module_loading import import_string

    from gridgov.accounts.models import User
    from gridgov.core.importing import run_import

    spec_class = import_string(SPECS[kind])
    if not TOKEN_RE.match(token or ""):
        raise FileNotFoundError("上传的文件已失效，请重新上传")
    path = stash_dir() / token
    actor = User.objects.get(pk=actor_id)
    run.log(f"开始{'导入' if apply else '校验'}{spec_class.title}：{filename or token}")
    report = run_import(spec_class(actor), str(path), actor=actor, apply=apply, run=run, filename=token)
    run.log(report.summary())
    if report.applied or not apply:
        path.unlink(missing_ok=True)
    result = report.as_dict(max_errors=200)
    result["filename"] = filename
    return result


def reconcile_job(run, *, date, actor_id=None):
    """The daily reconciliation (yesterday by default when scheduled), as the system actor."""
    import datetime

    from gridgov.accounts.models import User
    from gridgov.core.actors import system_actor

    from . import actions

    person = User.objects.filter(pk=actor_id).first() if actor_id else None
    actor = system_actor(started_by=person)
    result = actions.reconcile_day(actor=actor, date=datetime.date.fromisoformat(date))
    run.log(f"对账完成：{result.counts.get('payments', 0)} 笔支付，差异 {result.counts.get('mismatch_total', 0)} 条")
    return {"run": result.pk, **result.counts}
