"""缴费对账 (a day's reconciliation as a job, its report and per-utility files); 账单导入 leads to
the core import page, where the bill and account kinds this app declares are imported."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from gridgov.core import clock
from gridgov.core.access import is_district_wide
from gridgov.core.jobs import start_job

from ..forms import ReconForm
from ..models import Mismatch, ReconciliationRun
from ..reconcile import recon_dir
from .common import crumbs, need

RECON_HANDLER = "gridgov.utilities.jobs.reconcile_job"


@login_required
def import_page(request):
    """账单导入 is the one core import page (validate → preview → apply as a job → error file)."""
    kind = request.GET.get("kind", "utility-bills")
    kind = kind if kind in ("utility-bills", "utility-accounts") else "utility-bills"
    return redirect(f"{reverse('core:import')}?kind={kind}")


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


