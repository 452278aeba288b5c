"""The "draw grids" job: `start_partition` (an action) records a proposal and queues the job;
`run_partition` (the job handler) loads the area, runs the engine and stores the draft."""

from django.core.exceptions import ValidationError

from gridgov.core import audit, clock
from gridgov.core.access import require
from gridgov.core.actors import action
from gridgov.core.jobs import start_job

from ..choices import Level
from .choices import PartitionMode, PartitionTarget, ProposalStatus
from .models import GridProposal

HANDLER = "gridgov.divisions.redraw.jobs.run_partition"


def engine_params(params):
    from gridgov.partition import PartitionParams

    target = params.get("target", PartitionTarget.BALANCED)
    return PartitionParams(
        min_households=int(params.get("min_households", 350)),
        max_households=int(params.get("max_households", 500)),
        target=int(target) if str(target).isdigit() else str(target),
    )


@action
def start_partition(*, actor, area, min_households=350, max_households=500, target=PartitionTarget.BALANCED,
                    mode=PartitionMode.REDRAW, run_now=False):
    """Start drawing grids for `area` (district, street or community): creates a proposal in
    state 计算中 and queues the background job that fills it. Returns the proposal."""
    require(actor, "divisions.partition_division", area.code)
    if area.level == Level.GRID:
        raise ValidationError({"area": "请选择街道、社区或全区，而不是单个网格"})
    if not (1 <= min_households <= max_households):
        raise ValidationError({"max_households": "户数上限必须不小于下限，且下限至少为 1"})
    params = {"min_households": min_households, "max_households": max_households, "target": str(target)}
    proposal = GridProposal.objects.create(
        area=area, division_code=area.code, mode=mode, params=params, status=ProposalStatus.RUNNING,
        created_by=actor if getattr(actor, "pk", None) else None, created_at=clock.now(),
    )
    mode_label = PartitionMode(mode).label
    job = start_job(
        actor=actor, kind="divisions.partition", title=f"网格划分：{area.name}（{mode_label}）", handler=HANDLER,
        params={"proposal_id": proposal.pk}, division_code=area.code, run_now=run_now,
    )
    GridProposal.objects.filter(pk=proposal.pk).update(job=job)
    proposal.job = job
    audit.record(actor, "divisions.start_partition", proposal, after={"mode": mode, **params},
                 division_code=area.code)
    if run_now:
        proposal.refresh_from_db()
    return proposal


def _tell(proposal, title, body):
    """Notify whoever started the job (they may have left the page)."""
    from django.urls import reverse

    from gridgov.core.notify import notify

    if proposal.created_by_id:
        notify(proposal.created_by, title, body, url=reverse("divisions:partition_proposal", args=[proposal.pk]),
               category="partition", dedupe_key=f"partition-{proposal.pk}")


def run_partition(run, proposal_id):
    """Job handler: area → engine → draft proposal. Engine errors (bad input) mark the proposal
    失败 with the engine's Chinese message and fail the job."""
    from gridgov.partition import PartitionError, partition, repair

    from .loaders import load_area
    from .proposals import build_proposal_data

    proposal = GridProposal.objects.select_related("area").get(pk=proposal_id)
    run.set_total(4)
    try:
        run.log(f"读取 {proposal.area.name} 的社区边界、楼栋、街巷和现行网格")
        inputs = load_area(proposal.area)
        for w in inputs.warnings:
            run.log(w)
        run.log(f"社区 {len(inputs.boundaries['features'])} 个，有坐标楼栋 {len(inputs.buildings['features'])} 栋，"
                f"街巷 {len(inputs.streets['features'])} 条，现行网格 {len(inputs.previous['features'])} 个")
        run.advance(force=True)
        if not inputs.boundaries["features"]:
            raise PartitionError("所选范围内没有任何社区边界，无法划分", reason="no_boundaries")
        params = engine_params(proposal.params)
        run.log("运行网格划分引擎" + ("（动态调整）" if proposal.mode == PartitionMode.ADJUST else "（重新划分）"))
        if proposal.mode == PartitionMode.ADJUST and inputs.previous["features"]:
            result = repair(inputs.previous, inputs.buildings, inputs.streets, inputs.boundaries, params)
        else:
            result = partition(inputs.buildings, inputs.streets, inputs.boundaries, params)
        run.advance(force=True)
        run.log("整理方案：保持存续网格编码，计算迁移")
        grids, assignment, moves, platform = build_proposal_data(inputs, result, proposal.mode)
        run.advance(force=True)
    except Exception as exc:
        GridProposal.objects.filter(pk=proposal.pk, status=ProposalStatus.RUNNING).update(
            status=ProposalStatus.FAILED, error=str(exc)[:5000])
        _tell(proposal, "网格划分方案计算失败", str(exc)[:300])
        raise
    report = dict(result.report, platform=platform)
    GridProposal.objects.filter(pk=proposal.pk, status=ProposalStatus.RUNNING).update(  # not if discarded meanwhile
        status=ProposalStatus.DRAFT, grids=grids, previous=inputs.previous, assignment=assignment, moves=moves,
        report=report,
    )
    run.advance(force=True)
    run.log(f"完成：{report.get('grid_count')} 个网格，户数达标率 {report.get('share_in_range', 0):.0%}")
    _tell(proposal, "网格划分方案已生成，请审核",
          f"{proposal.area.name}：{report.get('grid_count')} 个网格，户数达标率 {report.get('share_in_range', 0):.0%}，"
          f"迁移 {platform['moved_households']} 户")
    from django.urls import reverse

    return {"proposal_id": proposal.pk, "grid_count": report.get("grid_count"),
            "share_in_range": report.get("share_in_range"),
            "summary": f"{proposal.area.name}：方案 {report.get('grid_count')} 个网格，户数达标率 "
                       f"{report.get('share_in_range', 0):.0%}，迁移 {platform['moved_households']} 户",
            "link": {"label": f"查看方案 #{proposal.pk} 并审核", "url": reverse("divisions:partition_proposal",
                                                                            args=[proposal.pk])}}
