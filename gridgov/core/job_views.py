"""Background jobs: a user sees the jobs they started; a whole-install `core.view_job` sees all."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .access import is_district_wide, prefix_q, scope_prefixes
from .choices import JobStatus
from .job_summary import describe, kind_label
from .jobs import fail_stale_jobs, may_retry, retry_job
from .models import Job
from .paging import CappedPaginator


def visible_jobs(user):
    prefixes = scope_prefixes(user, "core.view_job")
    qs = Job.objects.select_related("created_by")
    if is_district_wide(user, "core.view_job"):
        return qs
    own = Q(created_by=user)
    if prefixes:
        own |= prefix_q("division_code", prefixes) & ~Q(division_code="")
    return qs.filter(own)


@login_required
def job_list(request):
    fail_stale_jobs()  # a page never shows "运行中" for a job whose worker is gone
    qs = visible_jobs(request.user)
    status = request.GET.get("status", "")
    if status in JobStatus.values:
        qs = qs.filter(status=status)
    kind = request.GET.get("kind", "").strip()
    if kind:
        qs = qs.filter(kind=kind)
    page = CappedPaginator(qs.defer("log", "result", "params"), 30).get_page(request.GET.get("page"))
    for job in page:
        job.kind_label = kind_label(job.kind)
    kinds = sorted({(k, kind_label(k)) for k in visible_jobs(request.user).order_by().values_list("kind", flat=True)
                    .distinct()[:100]}, key=lambda pair: pair[1])
    return render(request, "core/job_list.html", {
        "page": page, "statuses": JobStatus.choices, "status": status, "kind": kind, "kinds": kinds,
        "breadcrumb": [{"label": "系统管理"}, {"label": "后台任务"}],
    })


@login_required
def job_detail(request, pk):
    fail_stale_jobs()
    job = get_object_or_404(visible_jobs(request.user), pk=pk)
    template = "core/_job_progress.html" if request.headers.get("HX-Request") else "core/job_detail.html"
    return render(request, template, {
        "job": job, **describe(job, request.user), "may_retry": may_retry(request.user, job),
        "breadcrumb": [{"label": "系统管理"}, {"label": "后台任务", "url": reverse("core:jobs")},
                       {"label": f"#{job.pk}"}],
    })


@login_required
@require_POST
def job_retry(request, pk):
    """Run a failed job again (a copy with the same parameters); 404 outside the user's jobs."""
    job = get_object_or_404(visible_jobs(request.user), pk=pk)
    try:
        copy = retry_job(actor=request.user, job=job)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("core:job_detail", pk=job.pk)
    messages.success(request, f"已重新提交任务 #{copy.pk}")
    return redirect("core:job_detail", pk=copy.pk)
