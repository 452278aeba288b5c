"""The 网格划分 pages: draw grids (form + proposals + grid health), review a proposal on a map,
publish or discard it, and administrative re-division."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gridgov.core.access import ALL, can, prefix_q, scope_prefixes

from ..models import Division
from . import compare
from .choices import ProposalStatus
from .forms import MergeCommunitiesForm, MoveCommunityForm, PartitionForm
from .health import MAX_HOUSEHOLDS, MIN_HOUSEHOLDS, unhealthy_grids
from .models import DivisionChange, GridProposal

PERM = "divisions.partition_division"


def _require_perm(user, perm=PERM):
    if not can(user, perm):
        raise Http404("页面不存在或无权访问")


def visible_proposals(user):
    prefixes = scope_prefixes(user, PERM)
    qs = GridProposal.objects.select_related("area", "created_by", "job")
    if prefixes == ALL:
        return qs
    return qs.filter(prefix_q("division_code", prefixes)) if prefixes else qs.none()


def _proposal_or_404(user, pk):
    try:
        return visible_proposals(user).get(pk=pk)
    except (GridProposal.DoesNotExist, ValueError):
        raise Http404("方案不存在或无权访问")


def _crumbs(*extra):
    return [{"label": "网格与区划", "url": reverse("divisions:partition")}, {"label": "网格划分",
            "url": reverse("divisions:partition")}, *extra]


@login_required
def partition_index(request):
    """Draw grids: the form (pre-filled from ?area=&mode= by the health list), recent proposals
    and the grids outside the household range."""
    from .jobs import start_partition

    _require_perm(request.user)
    initial = {k: request.GET[k] for k in ("area", "mode", "target", "min_households", "max_households")
               if request.GET.get(k)}
    form = PartitionForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            proposal = start_partition(actor=request.user, area=d["area"], min_households=d["min_households"],
                                       max_households=d["max_households"], target=d["target"], mode=d["mode"])
        except ValidationError as exc:
            for field, errs in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errs)
        except PermissionDenied:
            form.add_error("area", "您没有该范围的网格划分权限")
        else:
            messages.success(request, f"已开始计算“{d['area'].name}”的网格划分方案")
            return redirect("divisions:partition_proposal", pk=proposal.pk)
    unhealthy = list(unhealthy_grids(request.user, within=request.session.get("active_scope"))[:50])
    return render(request, "divisions/partition_index.html", {
        "form": form, "proposals": visible_proposals(request.user)[:20], "unhealthy": unhealthy,
        "lo": MIN_HOUSEHOLDS, "hi": MAX_HOUSEHOLDS,
        "changes": DivisionChange.objects.select_related("actor")[:10],
        "can_redivide": can(request.user, "divisions.change_division"),
        "breadcrumb": [{"label": "网格与区划"}, {"label": "网格划分"}],
    })


def _grid_table(proposal):
    lo = proposal.params.get("min_households", MIN_HOUSEHOLDS)
    hi = proposal.params.get("max_households", MAX_HOUSEHOLDS)
    kept = set((proposal.report.get("platform") or {}).get("kept_codes") or [])
    rows = []
    for f in (proposal.grids or {}).get("features", []):
        p = f["properties"]
        rows.append({"code": p["code"], "households": p["households"], "buildings": len(p.get("building_ids") or []),
                     "in_range": lo <= p["households"] <= hi, "kept": p["code"] in kept,
                     "certificate": p.get("certificate"), "in_block_cut_m": p.get("in_block_cut_m")})
    return rows


def _map_data(proposal):
    def slim(fc, keys):
        return {"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": f["geometry"],
             "properties": {k: f["properties"].get(k) for k in keys}} for f in (fc or {}).get("features", [])]}

    return {"proposed": slim(proposal.grids, ("code", "households", "in_block_cut_m")),
            "current": slim(proposal.previous, ("code", "households", "name")),
            "cuts": slim(proposal.report.get("in_block_cut_lines"), ("grids", "length_m"))}


@login_required
def proposal_detail(request, pk):
    """Review: proposed and current grids on a map, the grid table, what moves, the report."""
    _require_perm(request.user)
    proposal = _proposal_or_404(request.user, pk)
    names = dict(Division.objects.filter(code__in={m["from"] for m in proposal.moves} | {m["to"] for m in
                                                                                         proposal.moves})
                 .values_list("code", "name"))
    moves = [dict(m, from_name=names.get(m["from"], "新网格"), to_name=names.get(m["to"], "新网格"))
             for m in proposal.moves]
    lo = proposal.params.get("min_households", MIN_HOUSEHOLDS)
    hi = proposal.params.get("max_households", MAX_HOUSEHOLDS)
    running = proposal.status == ProposalStatus.RUNNING
    comparison = compare.compare(proposal, lo, hi) if not running else None
    if not running:
        compare.review_certificates(proposal, lo, hi)  # for display only: not saved
    return render(request, "divisions/partition_proposal.html", {
        "comparison": comparison, "target_label": compare.target_label(proposal.params.get("target")),
        "proposal": proposal, "grid_rows": _grid_table(proposal), "moves": moves, "report": proposal.report,
        "platform": proposal.report.get("platform") or {}, "map_data": _map_data(proposal),
        "running": proposal.status == ProposalStatus.RUNNING,
        "breadcrumb": _crumbs({"label": f"方案 #{proposal.pk}"}),
    })


@login_required
def proposal_status(request, pk):
    """The progress fragment polled (htmx) while the job runs; tells the page to reload when done."""
    _require_perm(request.user)
    proposal = _proposal_or_404(request.user, pk)
    response = render(request, "divisions/partition_status.html", {"proposal": proposal, "job": proposal.job})
    if proposal.status != ProposalStatus.RUNNING:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def proposal_publish(request, pk):
    from .publish import publish_proposal

    _require_perm(request.user)
    proposal = _proposal_or_404(request.user, pk)
    try:
        summary = publish_proposal(actor=request.user, proposal=proposal)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, f"方案已发布：{summary['grids']} 个网格，迁移 {summary['moved_buildings']} 栋楼、"
                                  f"{summary['moved_households']} 户，撤销网格 {len(summary['retired'])} 个")
    return redirect("divisions:partition_proposal", pk=proposal.pk)


@login_required
@require_POST
def proposal_discard(request, pk):
    from .publish import discard_proposal

    _require_perm(request.user)
    proposal = _proposal_or_404(request.user, pk)
    try:
        discard_proposal(actor=request.user, proposal=proposal)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, "方案已放弃")
    return redirect("divisions:partition_proposal", pk=proposal.pk)


@login_required
def redivision(request):
    """行政区划调整: move a community to another street, or merge two communities."""
    from .redivision import merge_communities, move_community

    _require_perm(request.user, "divisions.change_division")
    move_form = MoveCommunityForm(request.POST if request.POST.get("op") == "move" else None, user=request.user)
    merge_form = MergeCommunitiesForm(request.POST if request.POST.get("op") == "merge" else None,
                                      user=request.user)
    form = move_form if request.POST.get("op") == "move" else merge_form
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if form is move_form:
                change = move_community(actor=request.user, community=d["community"], new_street=d["new_street"])
            else:
                change = merge_communities(actor=request.user, keep=d["keep"], absorb=d["absorb"])
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, "；".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, f"区划调整完成：{change.old_code} → {change.new_code}，"
                                      f"共调整 {len(change.code_map)} 个区划代码")
            return redirect("divisions:partition_redivision")
    return render(request, "divisions/partition_redivision.html", {
        "move_form": move_form, "merge_form": merge_form,
        "changes": DivisionChange.objects.select_related("actor")[:30],
        "breadcrumb": _crumbs({"label": "行政区划调整"}),
    })
