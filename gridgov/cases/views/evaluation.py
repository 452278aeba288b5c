"""The evaluation page (综合评价) and its XLSX export."""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from gridgov.core import audit, clock
from gridgov.core.access import can
from gridgov.core.choices import AuditKind

from .. import conf
from ..evaluation import DIMENSIONS, GRADES, METRICS, evaluate, to_xlsx
from ..forms import major_categories
from ..models import CaseCategory


def _period(request):
    today = clock.today()
    try:
        start = datetime.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        start = today.replace(day=1)
    try:
        end = datetime.date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        end = today
    if end < start:
        start, end = end, start
    aware = lambda d: timezone.make_aware(datetime.datetime.combine(d, datetime.time()))  # noqa: E731
    return start, end, aware(start), aware(end + datetime.timedelta(days=1))


@login_required
def evaluation(request):
    if not can(request.user, "cases.view_evaluation"):
        raise Http404("对象不存在或无权访问")
    dimension = request.GET.get("by") if request.GET.get("by") in DIMENSIONS else "street"
    start, end, start_dt, end_dt = _period(request)
    cat = request.GET.get("category")
    category = CaseCategory.objects.filter(pk=cat).first() if cat and cat.isdigit() else None
    rows, total = evaluate(request.user, dimension=dimension, start=start_dt, end=end_dt,
                           scope=request.active_scope, category=category)
    if request.GET.get("format") == "xlsx":
        audit.record(request.user, "cases.export_evaluation", ("cases.evaluation", dimension, "综合评价"),
                     kind=AuditKind.EXPORT, after={"from": str(start), "to": str(end)})
        response = HttpResponse(to_xlsx(rows, total, dimension=dimension, start=start, end=end),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="evaluation-{dimension}-{start}-{end}.xlsx"'
        return response
    return render(request, "cases/evaluation.html", {
        "rows": rows, "total": total, "dimension": dimension, "dimensions": DIMENSIONS, "metrics": METRICS,
        "grades": GRADES, "start": start, "end": end, "deferral_mode": conf.deferral_mode(),
        "majors": major_categories(), "category": category,
        "breadcrumb": [{"label": "事件管理"}, {"label": "综合评价"}],
    })
