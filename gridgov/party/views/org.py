"""Organisation pages: the tree with counts, a branch / organisation page, editing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from gridgov.core.access import can, get_visible_or_404
from gridgov.core.paging import CappedPaginator

from .. import actions, queries
from ..choices import ActivityStatus, MemberStatus, OrgKind, RequestStatus
from ..forms import OrgForm, apply_errors
from ..models import PartyMember, PartyOrganization, PostClaim, Registration, RolePost, ServiceActivity
from ._common import crumbs, run_action, scope_of


@login_required
def tree(request):
    """The four-level organisation tree with counts per organisation."""
    if not can(request.user, "party.view_partyorganization"):
        raise Http404
    visible = PartyOrganization.objects.visible_to(request.user).within(scope_of(request))
    show_grids = request.GET.get("grids") == "1" or visible.count() <= 80
    if not show_grids:  # the grid branches (three in four rows) are not fetched when not shown
        visible = visible.exclude(kind=OrgKind.GRID_BRANCH)
    orgs = list(visible.select_related("division", "secretary").only(
        "name", "kind", "is_active", "division_code", "division__path", "secretary__name").order_by("division_code"))
    counts = queries.tree_counts(orgs, request.user)
    depth = {OrgKind.DISTRICT_COMMITTEE: 0, OrgKind.STREET_COMMITTEE: 1, OrgKind.COMMUNITY_BRANCH: 2,
             OrgKind.GRID_BRANCH: 3}
    url = reverse("party:org", args=[0])[:-2]  # "/party/org/": one reverse for every row
    rows = [_tree_row(o, depth[o.kind], counts[o.pk], f"{url}{o.pk}/") for o in orgs]
    return render(request, "party/tree.html", {
        "rows": rows, "show_grids": show_grids, "can_sync": can(request.user, "party.add_partyorganization"),
        "breadcrumb": crumbs({"label": "组织架构"}),
    })


def _tree_row(org, depth, c, url):
    """One row of the tree, built in Python (a few hundred rows × nine cells cost ~100 ms through
    the template engine, most of it localising numbers); same markup as before."""
    retired = "" if org.is_active else mark_safe(' <span class="badge bg-secondary-lt">已撤销</span>')
    behind = format_html('<span class="badge bg-red-lt">{}</span>', c["behind"]) if c["behind"] else "0"
    return format_html(
        '<tr class="depth-{}{}"><td style="padding-left: calc({} * 1.4em + .5em)"><a href="{}">{}</a>{}</td>'
        "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        depth, "" if org.is_active else " text-secondary", depth, url, org.name, retired,
        org.get_kind_display(), org.secretary.name if org.secretary_id else "—", c["members"],
        c["in_service_registered"], c["posts_filled"], c["activities"], c["points"], behind)


@login_required
@require_POST
def sync(request):
    response, result = run_action(request, actions.sync_organizations, "已同步党组织", reverse("party:tree"))
    if result:
        messages.info(request, f"新建 {result['created']} 个，更新 {result['updated']} 个，撤销 {result['retired']} 个")
    return response


PENDING_PER_PAGE = 20  # records to verify per page: the oldest first


QUEUE_ORDERS = {"old": ("occurred_at", "pk"), "new": ("-occurred_at", "-pk")}


def _pending_queue(request, org, members):
    """The records to verify: oldest or newest first (?order=old|new), optionally one member's
    (?member=<pk>, a member of this branch)."""
    order = request.GET.get("order") if request.GET.get("order") in QUEUE_ORDERS else "old"
    member = request.GET.get("member") or ""
    by_pk = {str(m.pk): m for m in members}
    qs = ServiceActivity.objects.filter(branch=org, status=ActivityStatus.PENDING)
    if member in by_pk:
        qs = qs.filter(member_id=int(member))
    else:
        member = ""
    return qs.order_by(*QUEUE_ORDERS[order]), {"order": order, "member": member, "member_obj": by_pk.get(member)}


def _branch_context(request, org):
    user = request.user
    members = list(org.members.filter(status=MemberStatus.ACTIVE).select_related("work_unit")
                   .order_by("name"))
    claims = {c.member_id: c for c in PostClaim.objects.filter(
        branch=org, status=RequestStatus.APPROVED).select_related("post")}
    for m in members:
        m.claim = claims.get(m.pk)
    filled = dict(PostClaim.objects.filter(branch_id=org.pk, status=RequestStatus.APPROVED).values("post_id")
                  .annotate(n=Count("id")).values_list("post_id", "n"))
    posts = list(RolePost.objects.filter(is_active=True))
    for p in posts:
        p.filled = filled.get(p.pk, 0)
    pending, queue = _pending_queue(request, org, members)
    return {
        "members": members,
        "posts": posts,
        "alerts": list(queries.branch_alerts(org)),
        "page": CappedPaginator(pending.select_related("member", "item").prefetch_related("photos"),
                          PENDING_PER_PAGE).get_page(request.GET.get("page")),
        "queue": queue,
        "recent_activities": list(ServiceActivity.objects.filter(
                                  branch=org, status__in=[ActivityStatus.VERIFIED, ActivityStatus.REJECTED])
                                  .select_related("member", "item").order_by("-occurred_at")[:20]),
        "pending_registrations": list(Registration.objects.filter(branch=org, status=RequestStatus.PENDING)
                                      .select_related("member", "member__work_unit")),
        "pending_claims": list(PostClaim.objects.filter(branch=org, status=RequestStatus.PENDING)
                               .select_related("member", "post")),
        "can_verify": can(user, "party.verify_serviceactivity", org.division_code),
        "can_decide": can(user, "party.change_registration", org.division_code),
    }


@login_required
def org_detail(request, pk):
    """A branch page (members, posts, reminders, records to verify, requests to decide), or
    for higher levels the children with counts; a community shows the "3+N" view."""
    org = get_visible_or_404(PartyOrganization.objects.select_related("division", "parent", "secretary"),
                             request.user, pk=pk)
    ctx = {"org": org, "history": org.history.select_related("from_division", "to_division")[:10],
           "committee": list(org.committee.all()),
           "can_edit": can(request.user, "party.change_partyorganization", org.division_code)}
    if org.is_branch:
        ctx.update(_branch_context(request, org))
        ctx["pending_count"] = len(ctx["pending_registrations"]) + len(ctx["pending_claims"])
    else:
        children = list(org.children.filter(is_active=True).select_related("division", "secretary"))
        ctx["children"] = children
        ctx["counts"] = queries.tree_counts([org, *children], request.user)
        ctx["self_counts"] = ctx["counts"][org.pk]
        ctx["child_rows"] = [{"org": c, "c": ctx["counts"][c.pk]} for c in children]
    trail = [{"label": a.name, "url": reverse("party:org", args=[a.pk])} for a in _ancestors(org)]
    ctx["breadcrumb"] = crumbs({"label": "组织架构", "url": reverse("party:tree")}, *trail, {"label": org.name})
    return render(request, "party/org_detail.html", ctx)


def _ancestors(org):
    out, p = [], org.parent
    while p is not None and len(out) < 4:
        out.append(p)
        p = p.parent
    return list(reversed(out))


@login_required
def org_edit(request, pk):
    org = get_visible_or_404(PartyOrganization.objects.select_related("division"), request.user, "change", pk=pk)
    prefix = org.division_code if org.is_branch else org.division.path
    members = PartyMember.objects.filter(division_code__prefix=prefix, status=MemberStatus.ACTIVE)
    form = OrgForm(request.POST or None, members=members, initial={
        "secretary": org.secretary_id, "committee": list(org.committee.values_list("pk", flat=True)),
        "contact_name": org.contact_name, "contact_phone": org.contact_phone,
        "residents_committee": org.residents_committee, "workstation": org.workstation})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            actions.update_organization(actor=request.user, organization=org, secretary=data.pop("secretary"),
                                        committee=list(data.pop("committee")), **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied:
            raise Http404
        else:
            messages.success(request, "已保存")
            if org.secretary and not org.secretary.user_id:
                messages.warning(request, f"书记 {org.secretary} 还没有平台账号：开通账号并关联后才能核实服务记录、审核申请")
            return HttpResponseRedirect(reverse("party:org", args=[org.pk]))
    return render(request, "party/form.html", {
        "form": form, "title": f"编辑 {org.name}",
        "breadcrumb": crumbs({"label": org.name, "url": reverse("party:org", args=[org.pk])}, {"label": "编辑"})})
