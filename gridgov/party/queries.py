"""Reads of the party app: counts for the organisation tree, the branch page, rankings.
Aggregates run in SQL grouped by division code and are rolled up the tree in Python (a
handful of queries for any size of tree)."""

from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from gridgov.core import clock
from gridgov.core.access import scope_prefixes

from . import sums
from .choices import MemberCategory, MemberStatus, PeriodKind, RequestStatus, ScoreStatus
from .models import MemberScore, PartyMember, PartyOrganization, PostClaim
from .periods import period_bounds

COUNT_KEYS = ("members", "in_service_registered", "posts_filled", "activities", "points", "behind")


def current_period(kind=PeriodKind.MONTH, now=None):
    return period_bounds(kind, timezone.localdate(now or clock.now()))


def tree_counts(orgs, user):
    """{org pk: {members, in_service_registered, posts_filled, activities, points, behind}} for
    the given organisations, counting rows the user may see (this year's verified records)."""
    by_code = defaultdict(lambda: dict.fromkeys(COUNT_KEYS, 0))
    members = PartyMember.objects.visible_to(user).filter(status=MemberStatus.ACTIVE, branch__isnull=False)
    for row in members.values("division_code").annotate(
            n=Count("id"), ins=Count("id", filter=Q(category=MemberCategory.IN_SERVICE))):
        by_code[row["division_code"]]["members"] += row["n"]
        by_code[row["division_code"]]["in_service_registered"] += row["ins"]
    claims = PostClaim.objects.visible_to(user).filter(status=RequestStatus.APPROVED)
    for row in claims.values("division_code").annotate(n=Count("id")):
        by_code[row["division_code"]]["posts_filled"] += row["n"]
    # this year's verified records from the monthly sums (ADR 0023), never from the records
    start, end = current_period(PeriodKind.YEAR)
    for code, (n, p) in sums.summed(scope_prefixes(user, "party.view_serviceactivity"), start, end).items():
        by_code[code]["activities"] += n
        by_code[code]["points"] += p
    mstart, _ = current_period(PeriodKind.MONTH)
    behind = MemberScore.objects.visible_to(user).filter(period_kind=PeriodKind.MONTH, period_start=mstart,
                                                         status=ScoreStatus.BEHIND)
    for row in behind.values("division_code").annotate(n=Count("id")):
        by_code[row["division_code"]]["behind"] += row["n"]
    # roll every grid's counts up to its community, street and district paths (O(codes × 4))
    by_path = defaultdict(lambda: dict.fromkeys(COUNT_KEYS, 0))
    for code, counts in by_code.items():
        for path in {code, code[:12], code[:9], code[:6]}:
            bucket = by_path[path]
            for k in COUNT_KEYS:
                bucket[k] += counts[k]
    return {org.pk: dict(by_path.get(org.division_code if org.is_branch else org.division.path)
                         or dict.fromkeys(COUNT_KEYS, 0)) for org in orgs}


def ranking_by_level(user, kind, start, level_length, scope=""):
    """Organisations ranked by average points per member in a period: `level_length` 15 =
    branches, 12 = communities, 9 = streets."""
    qs = MemberScore.objects.visible_to(user).within(scope).filter(period_kind=kind, period_start=start)
    rows = (qs.annotate(prefix=Substr("division_code", 1, level_length)).values("prefix")
            .annotate(members=Count("id"), points=Sum("points"), target=Sum("target"),
                      behind=Count("id", filter=Q(status=ScoreStatus.BEHIND)))
            .order_by())
    rows = list(rows)
    codes = [r["prefix"] + "0" * (12 - level_length) if level_length < 12 else r["prefix"] for r in rows]
    names = dict(PartyOrganization.objects.filter(division_code__in=codes).values_list("division_code", "name"))
    for r, code in zip(rows, codes, strict=True):
        r["name"] = names.get(code, code)
        r["average"] = round(float(r["points"] or 0) / r["members"], 1) if r["members"] else 0
        r["rate"] = int(float(r["points"] or 0) * 100 / float(r["target"])) if r["target"] else 0
    rows.sort(key=lambda r: -r["average"])
    return rows


def member_ranking(user, kind, start, scope="", limit=50):
    return (MemberScore.objects.visible_to(user).within(scope).filter(period_kind=kind, period_start=start)
            .select_related("member", "branch", "post").order_by("-points", "member__name")[:limit])


def branch_alerts(branch, kind=PeriodKind.MONTH):
    """The reminder list for a branch secretary: members behind in the current period."""
    start, _ = current_period(kind)
    rows = list(MemberScore.objects.filter(branch_id=branch.pk, period_kind=kind, period_start=start,
                                           status=ScoreStatus.BEHIND).select_related("member", "post"))
    rows.sort(key=lambda s: (s.points - s.expected, s.member.name))
    return rows
