"""The one web import page, for every import kind the apps declare (`ImportKind` in their
contributions.py): upload → dry-run preview as a background job (progress polled with htmx, row
errors, an error file written once by the job) → apply (all, or the valid rows) as a background
job; templates as downloads. No request validates a whole file, so a district's population file
never hits the worker timeout. `?kind=KEY` preselects a kind (the apps' buttons link so)."""

import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .access import ALL, can, scope_prefixes
from .choices import JobStatus
from .import_jobs import APPLY_HANDLER, VALIDATE_HANDLER
from .import_stash import error_file, stash, stashed
from .importing import import_kinds, load_spec, write_template
from .jobs import start_job
from .models import Job

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD = 300 * 1024 * 1024


def allowed_kinds(user):
    """{key: ImportKind} the user may import: the kind's permission (the bulk-import gate, e.g.
    registry.import_records) and the spec's own (checked again on every row's scope)."""
    out = {}
    for key, kind in import_kinds().items():
        if not can(user, kind.perm):
            continue
        spec = load_spec(key, user)
        if spec.permission and not can(user, spec.permission):
            continue
        out[key] = kind
    return out


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label="数据类型", error_messages={"invalid_choice": "请选择可导入的数据类型",
                                                              "required": "请选择数据类型"})
    file = forms.FileField(label="文件（CSV 或 XLSX）", error_messages={"required": "请选择要上传的文件"})

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, kind.label) for k, kind in kinds.items()]

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("只支持 CSV 或 XLSX 文件")
        if f.size > MAX_UPLOAD:
            raise forms.ValidationError(f"文件不能超过 {MAX_UPLOAD // (1024 * 1024)} MB")
        return f


def _kinds_or_403(user):
    kinds = allowed_kinds(user)
    if not kinds:
        raise PermissionDenied
    return kinds


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
    kinds = allowed_kinds(request.user)
    if job is None or job.params.get("kind") not in kinds:
        raise Http404
    spec = load_spec(job.params["kind"], request.user)
    if job.created_by_id != request.user.pk and (
        job.created_by is None or not _covers(request.user, job.created_by, spec.permission or kinds[job.params["kind"]].perm)
    ):
        raise Http404
    return job, spec


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


def _page_context(request, form, kinds, job=None, spec=None):
    specs = {k: load_spec(k, request.user) for k in kinds}
    rows = [(k, kind.label, list(specs[k].columns), getattr(specs[k], "help", "")) for k, kind in kinds.items()]
    return {"form": form, "kinds": rows, **_preview_context(job, spec),
            "breadcrumb": [{"label": "系统管理"}, {"label": "数据导入"}]}


@login_required
def import_page(request):
    """Upload: stash the file, start the validation job and go to its preview page."""
    kinds = _kinds_or_403(request.user)
    initial = {"kind": request.GET["kind"]} if request.GET.get("kind") in kinds else {}
    form = ImportUploadForm(request.POST or None, request.FILES or None, kinds=kinds, initial=initial)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        upload = form.cleaned_data["file"]
        token = stash(upload)
        job = start_job(
            actor=request.user, kind=f"import.{kind}.preview", title=f"校验{kinds[kind].label}导入文件",
            handler=VALIDATE_HANDLER,
            params={"kind": kind, "token": token, "actor_id": request.user.pk, "filename": upload.name[:200]},
        )
        return redirect("core:import_preview", pk=job.pk)
    return render(request, "core/import.html", _page_context(request, form, kinds))


@login_required
def import_template(request, kind):
    kinds = allowed_kinds(request.user)
    if kind not in kinds:
        raise Http404
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    buffer = io.BytesIO() if fmt == "xlsx" else io.StringIO()
    write_template(load_spec(kind, request.user), buffer, fmt)
    body = buffer.getvalue() if fmt == "xlsx" else "\ufeff" + buffer.getvalue()
    response = HttpResponse(body, content_type=XLSX if fmt == "xlsx" else "text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="template-{kind}.{fmt}"'
    return response


@login_required
def import_preview(request, pk):
    """The validation job's progress (polled by htmx) and, once done, the preview."""
    job, spec = _preview_job(request, pk)
    if request.headers.get("HX-Request"):
        return render(request, "core/_import_preview.html", _preview_context(job, spec))
    kinds = allowed_kinds(request.user)
    form = ImportUploadForm(kinds=kinds, initial={"kind": job.params["kind"]})
    return render(request, "core/import.html", _page_context(request, form, kinds, job, spec))


@login_required
def import_errors(request, pk):
    """The error file the validation job wrote: rejected rows with their original cells plus the
    reasons (nothing is lost). Served from disk, never re-validated."""
    job, _spec = _preview_job(request, pk)
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    path = error_file(job.params.get("token", ""), fmt)
    if job.status != JobStatus.SUCCEEDED or path is None or not path.exists():
        raise Http404
    return FileResponse(open(path, "rb"), as_attachment=True, filename=f"errors-{job.params['kind']}.{fmt}",
                        content_type=XLSX if fmt == "xlsx" else "text/csv; charset=utf-8")


@login_required
@require_POST
def import_apply(request, pk):
    """Apply a validated file (all rows, or with `apply_valid` the valid ones) as a job."""
    job, spec = _preview_job(request, pk)
    kind, token = job.params["kind"], job.params.get("token", "")
    report = job.result if job.status == JobStatus.SUCCEEDED else None
    if report is None or stashed(token) is None:
        messages.error(request, "上传的文件已失效，请重新上传。")
        return redirect(f"{_url('core:import')}?kind={kind}")
    apply_valid = request.POST.get("apply_valid") == "1"
    if report["file_errors"] or not report["valid_rows"] or (report["error_count"] and not apply_valid):
        messages.error(request, "文件有错误，不能整体导入；可选择仅导入有效行，或修改后重新上传。")
        return redirect("core:import_preview", pk=job.pk)
    started = start_job(
        actor=request.user, kind=f"import.{kind}", title=f"导入{spec.title}", handler=APPLY_HANDLER,
        params={"kind": kind, "token": token, "actor_id": request.user.pk, "apply_valid": apply_valid,
                "filename": job.params.get("filename", "")},
    )
    messages.success(request, "已开始导入，可在此页查看进度。")
    return redirect("core:job_detail", pk=started.pk)


def _url(name):
    from django.urls import reverse

    return reverse(name)
