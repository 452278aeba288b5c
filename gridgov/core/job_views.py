"""Background jobs: a user sees the jobs they started; a whole-install `core.view_job` sees all."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from .access import is_district_wide, prefix_q, scope_prefixes
from .choices import JobStatus
from .job_summary import describe, kind_label
from .models import Job


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
    qs = visible_jobs(request.user)
    status = request.GET.get("status", "")
    if status in JobStatus.values:
        qs = qs.filter(status=status)
    kind = request.GET.get("kind", "").strip()
    if kind:
        qs = qs.filter(kind=kind)
    page = Paginator(qs.defer("log", "result", "params"), 30).get_page(request.GET.get("page"))
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
    job = get_object_or_404(visible_jobs(request.user), pk=pk)
    template = "core/_job_progress.html" if request.headers.get("HX-Request") else "core/job_detail.html"
    return render(request, template, {
        "job": job, **describe(job, request.user),
        "breadcrumb": [{"label": "系统管理"}, {"label": "后台任务", "url": reverse("core:jobs")},
                       {"label": f"#{job.pk}"}],
    })
