"""XLSX exports (scoped, masked: no ID or phone numbers leave through these); the member
import address leads to the core import page."""

import io
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from gridgov.core import audit
from gridgov.core.access import can
from gridgov.core.importing import write_table

from .. import queries
from ..choices import PeriodKind, RequestStatus
from ..models import MemberScore, PostClaim
from ..periods import label
from ._common import scope_of
from .members import member_queryset

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(filename, headers, rows):
    buf = io.BytesIO()
    buf.name = filename
    write_table(buf, headers, rows, fmt="xlsx")
    response = HttpResponse(buf.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def export_members(request):
    if not can(request.user, "party.export_partymember"):
        raise Http404
    qs = member_queryset(request).select_related("branch", "work_unit")
    start, _ = queries.current_period(PeriodKind.YEAR)
    scores = dict(MemberScore.objects.visible_to(request.user).filter(period_kind=PeriodKind.YEAR, period_start=start)
                  .values_list("member_id", "points"))
    posts = dict(PostClaim.objects.visible_to(request.user).filter(status=RequestStatus.APPROVED)
                 .values_list("member_id", "post__name"))
    rows = [[m.name, m.get_category_display(), m.work_unit.name if m.work_unit else "", m.origin_organization,
             m.branch.name if m.branch else "未报到", m.division_code, posts.get(m.pk, ""),
             float(scores.get(m.pk, 0)), m.get_status_display()] for m in qs.iterator(chunk_size=2000)]
    audit.record(request.user, "party.export_members", ("party.partymember", "export", "导出党员"),
                 after={"rows": len(rows), "scope": scope_of(request)})
    return _xlsx("党员名册.xlsx", ["姓名", "党员类别", "工作单位", "原党组织", "报到支部", "网格编码", "岗位",
                                   f"{start.year}年积分", "状态"], rows)


@login_required
def export_scores(request):
    if not can(request.user, "party.export_partymember"):
        raise Http404
    kind = request.GET.get("period", PeriodKind.MONTH)
    kind = kind if kind in PeriodKind.values else PeriodKind.MONTH
    start, _ = queries.current_period(kind)
    qs = (MemberScore.objects.visible_to(request.user).within(scope_of(request))
          .filter(period_kind=kind, period_start=start).select_related("member", "branch", "post")
          .order_by("division_code", "-points"))
    rows = [[s.member.name, s.branch.name if s.branch else "", s.post.name if s.post else "", float(s.points),
             float(s.target), float(s.expected), s.get_status_display()] for s in qs.iterator(chunk_size=2000)]
    audit.record(request.user, "party.export_scores", ("party.memberscore", "export", "导出积分"),
                 after={"rows": len(rows)})
    return _xlsx(f"党员积分-{label(kind, start)}.xlsx", ["姓名", "支部", "岗位", "积分", "目标", "应完成进度", "状态"],
                 rows)


@login_required
def import_members(request):
    """批量导入党员 is the one core import page (kind `party-members`)."""
    return redirect(f"{reverse('core:import')}?kind=party-members")

