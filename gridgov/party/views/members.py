"""Member pages: list with filters and export, member page (score, pace, history), adding
members, transfer/leave, work units (dual management), bulk import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gridgov.core.access import can, get_visible_or_404
from gridgov.core.paging import CappedPaginator
from gridgov.divisions.models import Division

from .. import actions, queries
from ..choices import ActivityStatus, MemberCategory, MemberStatus, PeriodKind, RequestStatus
from ..forms import MemberForm, apply_errors
from ..models import MemberScore, PartyMember, PostClaim, ServiceActivity, WorkUnit
from ..periods import label
from ..tables import MemberTable
from ._common import crumbs, run_action, scope_of

SORTS = {"name": "name", "-joined": "-joined_on", "grid": "division_code", "-registered": "-registered_at"}


def member_queryset(request):
    qs = PartyMember.objects.visible_to(request.user).within(scope_of(request))
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(work_unit__name__contains=q) | Q(division_code__startswith=q))
    category = request.GET.get("category")
    if category in MemberCategory.values:
        qs = qs.filter(category=category)
    status = request.GET.get("status", "active")
    if status in MemberStatus.values:
        qs = qs.filter(status=status)
    registered = request.GET.get("registered")
    if registered == "1":
        qs = qs.filter(branch__isnull=False)
    elif registered == "0":
        qs = qs.filter(branch__isnull=True)
    return qs.order_by(SORTS.get(request.GET.get("sort"), "division_code"), "name", "id")


@login_required
def member_list(request):
    if not can(request.user, "party.view_partymember"):
        raise Http404
    qs = member_queryset(request).select_related("branch", "work_unit")
    page = CappedPaginator(qs, 30).get_page(request.GET.get("page"))
    start, _ = queries.current_period()
    scores = {s.member_id: s for s in MemberScore.objects.filter(
        member__in=[m.pk for m in page], period_kind=PeriodKind.MONTH, period_start=start)}
    posts = dict(PostClaim.objects.filter(member__in=[m.pk for m in page], status=RequestStatus.APPROVED)
                 .values_list("member_id", "post__name"))
    for m in page:
        m.score, m.post_name = scores.get(m.pk), posts.get(m.pk)
    return render(request, "party/member_list.html", {
        "page": page, "table": MemberTable(list(page)), "categories": MemberCategory.choices,
        "statuses": MemberStatus.choices,
        "can_add": can(request.user, "party.add_partymember"),
        "can_export": can(request.user, "party.export_partymember"),
        "can_import": can(request.user, "party.import_partymember"),
        "breadcrumb": crumbs({"label": "党员管理"}),
    })


@login_required
def member_detail(request, pk):
    member = get_visible_or_404(PartyMember.objects.select_related("branch", "work_unit", "grid", "person"),
                                request.user, pk=pk)
    return render(request, "party/member_detail.html", {
        **member_summary(member), "member": member,
        "can_change": can(request.user, "party.change_partymember", member.division_code),
        "breadcrumb": crumbs({"label": "党员管理", "url": reverse("party:member_list")}, {"label": member.name}),
    })


def member_summary(member):
    """What the member page and the phone page show: current scores with pace, score history,
    the post, recent records."""
    current = dict.fromkeys((PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR))
    scores = list(MemberScore.objects.filter(member=member).select_related("post").order_by("-period_start")[:40])
    for s in scores:
        start, _ = queries.current_period(s.period_kind)
        if s.period_start == start:
            current[s.period_kind] = s
        s.label = label(s.period_kind, s.period_start)
    claim = member.claims.filter(status__in=[RequestStatus.PENDING, RequestStatus.APPROVED]).select_related(
        "post").first()
    activities = list(member.activities.select_related("item").order_by("-occurred_at")[:20])
    totals = member.activities.aggregate(
        verified=Count("id", filter=Q(status=ActivityStatus.VERIFIED)),
        pending=Count("id", filter=Q(status=ActivityStatus.PENDING)),
        points=Sum("points", filter=Q(status=ActivityStatus.VERIFIED)))
    return {"month": current[PeriodKind.MONTH], "quarter": current[PeriodKind.QUARTER],
            "year": current[PeriodKind.YEAR], "history": [s for s in scores if s.period_kind == PeriodKind.MONTH],
            "claim": claim, "activities": activities, "totals": totals,
            "registration": member.registrations.order_by("-requested_at").select_related("branch").first()}


@login_required
def member_create(request):
    if not can(request.user, "party.add_partymember"):
        raise Http404
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            member = actions.create_member(
                actor=request.user, person=form.person, category=d["category"], work_unit=d["work_unit"],
                origin_organization=d["origin_organization"], joined_on=d["joined_on"], register=d["register"])
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied:
            form.add_error(None, "该人员不在您的管辖范围内")
        else:
            messages.success(request, f"已登记党员 {member.name}")
            return HttpResponseRedirect(reverse("party:member", args=[member.pk]))
    return render(request, "party/form.html", {
        "form": form, "title": "登记党员",
        "breadcrumb": crumbs({"label": "党员管理", "url": reverse("party:member_list")}, {"label": "登记党员"})})


@login_required
@require_POST
def member_transfer(request, pk):
    member = get_visible_or_404(PartyMember, request.user, "change", pk=pk)
    url = reverse("party:member", args=[pk])
    code = request.POST.get("to_grid_code", "").strip()
    grid = Division.objects.current_grids().filter(code=code).first() if code.isdigit() else None
    if grid is None:
        messages.error(request, f"网格编码“{code[:20]}”不存在，请输入 15 位的现行网格编码")
        return HttpResponseRedirect(url)
    return run_action(request, actions.transfer_member, "已转接", url, member=member, to_grid=grid,
                      note=request.POST.get("note", "")[:200])[0]


@login_required
@require_POST
def member_leave(request, pk):
    member = get_visible_or_404(PartyMember, request.user, "change", pk=pk)
    return run_action(request, actions.member_leaves, "已登记离开", reverse("party:member", args=[pk]),
                      member=member, note=request.POST.get("note", ""))[0]


@login_required
def workunit_list(request):
    if not can(request.user, "party.view_workunit"):
        raise Http404
    # the units of the viewer's scope, as the detail page (get_visible_or_404) and the API read them
    qs = WorkUnit.objects.visible_to(request.user).annotate(
        n=Count("members", filter=Q(members__status=MemberStatus.ACTIVE)),
        registered=Count("members", filter=Q(members__branch__isnull=False)))
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(name__contains=q)
    page = CappedPaginator(qs.order_by("-n", "name"), 30).get_page(request.GET.get("page"))
    return render(request, "party/workunit_list.html", {
        "page": page, "breadcrumb": crumbs({"label": "工作单位"})})


@login_required
def workunit_detail(request, pk):
    """Dual management, the unit's side: its members and their service in the grids."""
    unit = get_visible_or_404(WorkUnit, request.user, pk=pk)
    start, _ = queries.current_period(PeriodKind.YEAR)
    members = list(unit.members.filter(status=MemberStatus.ACTIVE).select_related("branch").order_by("name"))
    scores = {s.member_id: s for s in MemberScore.objects.filter(
        member__in=members, period_kind=PeriodKind.YEAR, period_start=start)}
    acts = dict(ServiceActivity.objects.filter(member__in=members, status=ActivityStatus.VERIFIED)
                .values("member_id").annotate(n=Count("id")).values_list("member_id", "n"))
    for m in members:
        m.score, m.activity_count = scores.get(m.pk), acts.get(m.pk, 0)
    return render(request, "party/workunit_detail.html", {
        "unit": unit, "members": members,
        "registered": sum(1 for m in members if m.branch_id),
        "breadcrumb": crumbs({"label": "工作单位", "url": reverse("party:workunits")}, {"label": unit.name})})
