"""Upload → dry-run preview as a background job (progress polled with htmx, row errors, an error
file written once by the job) → apply (all, or the valid rows) as a background job; templates as
downloads. No request validates a whole file, so a district's population file never hits the
worker timeout."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gridgov.core.access import ALL, can, scope_prefixes
from gridgov.core.choices import JobStatus
from gridgov.core.importing import write_template
from gridgov.core.jobs import start_job
from gridgov.core.models import Job

from ..forms import ImportUploadForm
from ..importers import IMPORT_SPECS
from ..jobs import error_file, stash_dir, stashed
from .common import crumbs

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VALIDATE_HANDLER = "gridgov.registry.jobs.validate_import_job"
APPLY_HANDLER = "gridgov.registry.jobs.run_import_job"
# Bulk import is its own permission (registry migration 0004): a grid worker adds residents one
# at a time but does not import files. Each row is still checked against the kind's permission.
IMPORT_PERMISSION = "registry.import_records"


def _stash(upload):
    import uuid

    suffix = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
    token = uuid.uuid4().hex + suffix
    with open(stash_dir() / token, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return token


def _spec(request, kind):
    if kind not in IMPORT_SPECS or not can(request.user, IMPORT_PERMISSION):
        raise Http404
    spec = IMPORT_SPECS[kind](request.user)
    if not can(request.user, spec.permission):
        raise PermissionDenied
    return spec


def _covers(user, owner, perm):
    """Does `user` hold `perm` wherever `owner` holds it (same permission, same or wider scope)?"""
    mine, theirs = scope_prefixes(user, perm), scope_prefixes(owner, perm)
    if mine == ALL:
        return True
    if theirs == ALL or not theirs:
        return False
    return all(any(p.startswith(m) for m in mine) for p in theirs)


def _preview_job(request, pk):
    """The validation job `pk` if this user may see it: its uploader, or someone holding the
    import permission over the uploader's whole scope. Anything else is a 404."""
    job = Job.objects.filter(pk=pk, handler=VALIDATE_HANDLER).select_related("created_by").first()
    if job is None or job.params.get("kind") not in IMPORT_SPECS or not can(request.user, IMPORT_PERMISSION):
        raise Http404
    spec = IMPORT_SPECS[job.params["kind"]](request.user)
    if not can(request.user, spec.permission):
        raise Http404
    if job.created_by_id != request.user.pk and (
        job.created_by is None or not _covers(request.user, job.created_by, spec.permission)
    ):
        raise Http404
    return job, spec


def _download(body, name, fmt):
    response = HttpResponse(body, content_type=XLSX if fmt == "xlsx" else "text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _page_context(form, job=None, spec=None):
    kinds = [(k, s.title, list(s.columns)) for k, s in IMPORT_SPECS.items()]
    return {"form": form, "kinds": kinds, **_preview_context(job, spec),
            "breadcrumb": crumbs(("数据导入", None))}


def _preview_context(job, spec):
    if job is None:
        return {"job": None}
    report = job.result if job.status == JobStatus.SUCCEEDED else None
    token = job.params.get("token", "")
    return {
        "job": job, "spec": spec, "report": report,
        "has_file": stashed(token) is not None,
        "has_error_file": bool(report and report.get("error_count")) and error_file(token, "csv").exists(),
    }


@login_required
def import_template(request, kind):
    spec = _spec(request, kind)
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    buffer = io.BytesIO() if fmt == "xlsx" else io.StringIO()
    write_template(spec, buffer, fmt)
    body = buffer.getvalue() if fmt == "xlsx" else "\ufeff" + buffer.getvalue()
    return _download(body, f"template-{kind}", fmt)


@login_required
def import_errors(request, pk):
    """The error file the validation job wrote: rejected rows with their original cells plus the
    reasons (nothing is lost). Served from disk, never re-validated."""
    job, _spec_ = _preview_job(request, pk)
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    path = error_file(job.params.get("token", ""), fmt)
    if job.status != JobStatus.SUCCEEDED or path is None or not path.exists():
        raise Http404
    return FileResponse(open(path, "rb"), as_attachment=True, filename=f"errors-{job.params['kind']}.{fmt}",
                        content_type=XLSX if fmt == "xlsx" else "text/csv; charset=utf-8")


@login_required
def import_page(request):
    """Upload: stash the file, start the validation job and go to its preview page."""
    if not can(request.user, IMPORT_PERMISSION):
        raise PermissionDenied
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        spec = _spec(request, kind)
        upload = form.cleaned_data["file"]
        token = _stash(upload)
        job = start_job(
            actor=request.user, kind=f"import.{kind}.preview", title=f"校验{spec.title}导入文件",
            handler=VALIDATE_HANDLER,
            params={"kind": kind, "token": token, "actor_id": request.user.pk, "filename": upload.name[:200]},
        )
        return redirect("registry:import_preview", pk=job.pk)
    return render(request, "registry/import.html", _page_context(form))


@login_required
def import_preview(request, pk):
    """The validation job's progress (polled by htmx) and, once done, the preview."""
    job, spec = _preview_job(request, pk)
    if request.headers.get("HX-Request"):
        return render(request, "registry/_import_preview.html", _preview_context(job, spec))
    return render(request, "registry/import.html", _page_context(ImportUploadForm(), job, spec))


@login_required
@require_POST
def import_apply(request, pk):
    """Apply a validated file (all rows, or with `apply_valid` the valid ones) as a job."""
    job, spec = _preview_job(request, pk)
    kind, token = job.params["kind"], job.params.get("token", "")
    report = job.result if job.status == JobStatus.SUCCEEDED else None
    path = stashed(token)
    if report is None or path is None:
        messages.error(request, "上传的文件已失效，请重新上传。")
        return redirect("registry:import")
    apply_valid = request.POST.get("apply_valid") == "1"
    if report["file_errors"] or not report["valid_rows"] or (report["error_count"] and not apply_valid):
        messages.error(request, "文件有错误，不能整体导入；可选择仅导入有效行，或修改后重新上传。")
        return redirect("registry:import_preview", pk=job.pk)
    started = start_job(
        actor=request.user, kind=f"import.{kind}", title=f"导入{spec.title}", handler=APPLY_HANDLER,
        params={"kind": kind, "path": str(path), "actor_id": request.user.pk, "apply_valid": apply_valid,
                "filename": job.params.get("filename", "")},
    )
    messages.success(request, "已开始导入，可在此页查看进度。")
    return redirect("core:job_detail", pk=started.pk)
