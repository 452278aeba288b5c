"""账单导入 (upload → a background job validating, or validating and applying the file all or
nothing; the result lists the row errors) and 缴费对账 (a day's reconciliation as a job, its
report and per-utility files)."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render

from gridgov.core import clock
from gridgov.core.access import is_district_wide
from gridgov.core.importing import write_template
from gridgov.core.jobs import start_job
from gridgov.core.models import Job

from ..account_import import AccountImport
from ..forms import ImportForm, ReconForm
from ..importers import BillImport
from ..jobs import stash
from ..models import Mismatch, ReconciliationRun
from ..reconcile import recon_dir
from .common import crumbs, need

HANDLER = "gridgov.utilities.jobs.import_bills_job"
RECON_HANDLER = "gridgov.utilities.jobs.reconcile_job"


PERMS = {"utility-bills": "utilities.import_bill", "utility-accounts": "utilities.add_utilityaccount"}
SPECS = {"utility-bills": BillImport, "utility-accounts": AccountImport}


@login_required
def import_page(request):
    need(request, "utilities.import_bill")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        need(request, PERMS[kind])
        upload = form.cleaned_data["file"]
        apply = form.cleaned_data["apply"] == "1"
        job = start_job(actor=request.user, kind=f"import.{kind}",
                        title=f"{'导入' if apply else '校验'}{SPECS[kind].title}", handler=HANDLER,
                        params={"token": stash(upload), "actor_id": request.user.pk, "apply": apply, "kind": kind,
                                "filename": upload.name[:200]})
        messages.success(request, "文件已上传，正在后台处理")
        return redirect(f"{request.path}?job={job.pk}")
    jobs = Job.objects.filter(handler=HANDLER, created_by=request.user).order_by("-created_at")[:10]
    current = None
    if (request.GET.get("job") or "").isdigit():
        current = next((j for j in jobs if j.pk == int(request.GET["job"])), None)
    current = current or (jobs[0] if jobs else None)
    return render(request, "utilities/import.html", {
        "form": form, "jobs": jobs, "job": current, "report": current.result if current else None,
        "specs": [(k, s.title, s.columns) for k, s in SPECS.items()], "breadcrumb": crumbs(("账单导入", None))})


@login_required
def import_template(request, kind="utility-bills"):
    if kind not in SPECS:
        raise Http404
    need(request, PERMS[kind])
    buffer = io.StringIO()
    write_template(SPECS[kind](), buffer, "csv")
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="template-{kind}.csv"'
    return response


def _need_recon(request):
    need(request, "utilities.reconcile_payment")
    if not is_district_wide(request.user, "utilities.reconcile_payment"):
        raise Http404


@login_required
def recon_list(request):
    _need_recon(request)
    form = ReconForm(request.POST or None, initial={"date": clock.today()})
    if request.method == "POST" and form.is_valid():
        start_job(actor=request.user, kind="utilities.reconcile", title=f"{form.cleaned_data['date']} 缴费对账",
                  handler=RECON_HANDLER, params={"date": form.cleaned_data["date"].isoformat(),
                                                 "actor_id": request.user.pk})
        messages.success(request, "对账任务已开始，完成后显示在下方列表")
        return redirect("utilities:recon_list")
    return render(request, "utilities/recon_list.html", {
        "form": form, "runs": ReconciliationRun.objects.all()[:60], "breadcrumb": crumbs(("缴费对账", None))})


@login_required
def recon_detail(request, pk):
    _need_recon(request)
    run = ReconciliationRun.objects.filter(pk=pk).first()
    if run is None:
        raise Http404
    mismatches = Mismatch.objects.filter(run=run).order_by("kind", "id")[:500]
    return render(request, "utilities/recon_detail.html", {
        "run": run, "mismatches": mismatches, "files": sorted(run.files.items()),
        "breadcrumb": crumbs(("缴费对账", "utilities:recon_list"), (str(run), None))})


@login_required
def recon_file(request, pk, code):
    _need_recon(request)
    run = ReconciliationRun.objects.filter(pk=pk).first()
    entry = (run.files or {}).get(code) if run else None
    if not entry:
        raise Http404
    path = recon_dir() / entry["file"]
    if not path.exists():
        raise Http404
    return FileResponse(open(path, "rb"), as_attachment=True, filename=entry["file"],
                        content_type="text/csv; charset=utf-8")


