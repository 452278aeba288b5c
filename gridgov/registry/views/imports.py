"""Upload → dry-run preview with row errors → apply (all, or the valid rows) as a background
job; templates and error files as downloads."""

import io
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from gridgov.core.access import can
from gridgov.core.importing import run_import, write_error_file, write_template
from gridgov.core.jobs import start_job

from ..forms import ImportUploadForm
from ..importers import IMPORT_SPECS
from .common import crumbs

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _dir():
    path = Path(settings.MEDIA_ROOT) / "imports" / "registry"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _stash(upload):
    suffix = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
    token = uuid.uuid4().hex + suffix
    with open(_dir() / token, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return token


def _stashed(token):
    name = Path(token or "").name
    if not name or name != token or not name.endswith((".csv", ".xlsx")):
        return None
    path = _dir() / name
    return path if path.exists() else None


def _spec(request, kind):
    if kind not in IMPORT_SPECS:
        raise Http404
    spec = IMPORT_SPECS[kind](request.user)
    if not can(request.user, spec.permission):
        raise PermissionDenied
    return spec


def _download(body, name, fmt):
    response = HttpResponse(body, content_type=XLSX if fmt == "xlsx" else "text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def import_template(request, kind):
    spec = _spec(request, kind)
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    buffer = io.BytesIO() if fmt == "xlsx" else io.StringIO()
    write_template(spec, buffer, fmt)
    body = buffer.getvalue() if fmt == "xlsx" else "\ufeff" + buffer.getvalue()
    return _download(body, f"template-{kind}", fmt)


@login_required
def import_errors(request, kind, token):
    """The rejected rows with their original cells plus the reasons (nothing is lost)."""
    spec = _spec(request, kind)
    path = _stashed(token)
    if path is None:
        raise Http404
    report = run_import(spec, str(path), actor=request.user, apply=False)
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    buffer = io.BytesIO() if fmt == "xlsx" else io.StringIO()
    write_error_file(report, buffer, fmt)
    body = buffer.getvalue() if fmt == "xlsx" else "\ufeff" + buffer.getvalue()
    return _download(body, f"errors-{kind}", fmt)


@login_required
def import_page(request):
    if not can(request.user, "registry.add_person") and not can(request.user, "registry.add_building"):
        raise PermissionDenied
    form, report, token, kind = ImportUploadForm(request.POST or None, request.FILES or None), None, "", ""
    if request.method == "POST" and request.POST.get("token"):
        kind = request.POST.get("kind", "")
        spec = _spec(request, kind)
        path = _stashed(request.POST["token"])
        if path is None:
            messages.error(request, "上传的文件已失效，请重新上传。")
            return redirect("registry:import")
        job = start_job(
            actor=request.user, kind=f"import.{kind}", title=f"导入{spec.title}",
            handler="gridgov.registry.jobs.run_import_job",
            params={"kind": kind, "path": str(path), "actor_id": request.user.pk,
                    "apply_valid": request.POST.get("apply_valid") == "1"},
        )
        messages.success(request, "已开始导入，可在此页查看进度。")
        return redirect("core:job_detail", pk=job.pk)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        spec = _spec(request, kind)
        token = _stash(form.cleaned_data["file"])
        report = run_import(spec, str(_stashed(token)), actor=request.user, apply=False,
                            filename=form.cleaned_data["file"].name)
    kinds = [(k, s.title, [c for c in s.columns]) for k, s in IMPORT_SPECS.items()]
    return render(request, "registry/import.html", {
        "form": form, "report": report, "token": token, "kind": kind, "kinds": kinds,
        "breadcrumb": crumbs(("数据导入", None)),
    })
