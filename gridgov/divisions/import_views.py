"""Web upload of a divisions file: validate and preview first, then apply the same file."""

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from gridgov.core.access import can
from gridgov.core.importing import run_import, write_template

from .forms import ImportUploadForm
from .importers import DivisionImport


def _upload_dir():
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _stash(upload):
    suffix = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
    token = uuid.uuid4().hex + suffix
    with open(_upload_dir() / token, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return token


def _stashed(token):
    name = Path(token or "").name
    if not name or name != token or not (name.endswith(".csv") or name.endswith(".xlsx")):
        return None
    path = _upload_dir() / name
    return path if path.exists() else None


@login_required
def division_import(request):
    if not can(request.user, "divisions.import_division"):
        raise PermissionDenied
    if request.GET.get("template"):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="divisions-template.csv"'
        write_template(DivisionImport(), response, fmt="csv")
        return response
    form, report, token = ImportUploadForm(), None, ""
    if request.method == "POST" and request.POST.get("token"):
        path = _stashed(request.POST["token"])
        if path is None:
            messages.error(request, "上传的文件已失效，请重新上传。")
            return redirect("divisions:import")
        report = run_import(DivisionImport(actor=request.user), str(path), actor=request.user, apply=True)
        if report.applied:
            path.unlink(missing_ok=True)
            messages.success(request, "导入完成：" + report.summary())
            return redirect("divisions:list")
        token = path.name
    elif request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            token = _stash(form.cleaned_data["file"])
            report = run_import(DivisionImport(actor=request.user), str(_stashed(token)), actor=request.user,
                                apply=False)
    return render(request, "divisions/import.html", {
        "form": form, "report": report, "token": token,
        "breadcrumb": [{"label": "网格与区划"}, {"label": "区划网格", "url": reverse("divisions:list")},
                       {"label": "导入区划"}],
    })
