"""The party app's cards on the signed-in home page (manifest `home_cards`): a member's own
duties (a member may hold no staff role at all), and a secretary's review queue."""

from django.db.models import Count, Q
from django.urls import reverse

from .choices import ActivityStatus, MemberStatus, PeriodKind, RequestStatus
from .models import MemberScore, PartyMember, PartyOrganization, PostClaim, ServiceActivity
from .queries import current_period


def member_duties(request):
    """我的履职 for a signed-in party member: branch, post, this month's score and what waits."""
    member = (PartyMember.objects.filter(user=request.user, status=MemberStatus.ACTIVE)
              .select_related("branch").first())
    if member is None:
        return None
    start, _ = current_period(PeriodKind.MONTH)
    score = MemberScore.objects.filter(member=member, period_kind=PeriodKind.MONTH, period_start=start).first()
    claim = PostClaim.objects.filter(member=member, status__in=[RequestStatus.PENDING, RequestStatus.APPROVED]) \
        .select_related("post").first()
    pending = ServiceActivity.objects.filter(member=member, status=ActivityStatus.PENDING).count()
    lines = [f"党员 {member.name}" + (f" · {member.branch.name}" if member.branch_id else " · 尚未报到"),
             ("岗位：" + claim.post.name + ("（待审核）" if claim.status == RequestStatus.PENDING else ""))
             if claim else "尚未认领岗位"]
    if score is not None and score.target:
        lines.append(f"本月积分 {score.points} / 目标 {score.target}（应完成进度 {score.expected}）")
    me = reverse("party:me")
    return {"title": "我的履职", "order": 5, "lines": lines,
            "stats": [{"label": "待核实的服务记录", "num": pending, "url": me}],
            "links": [{"label": "登记服务、报名活动", "url": me}]}


def secretary_queue(request):
    """A branch secretary: records to verify and requests to decide, per branch."""
    orgs = list(PartyOrganization.objects.filter(secretary__user=request.user, is_active=True).annotate(
        records=Count("activities", filter=Q(activities__status=ActivityStatus.PENDING), distinct=True))[:5])
    if not orgs:
        return None
    stats = [{"label": f"{o.name}：待核实服务", "num": o.records,
              "url": reverse("party:org", args=[o.pk]) + "#verify"} for o in orgs]
    return {"title": "支部待办", "order": 6, "stats": stats,
            "links": [{"label": f"打开 {o.name}", "url": reverse("party:org", args=[o.pk])} for o in orgs]}
