"""Reads of the proxy-service (双代) pages, always from `visible_to`."""

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from gridgov.core import clock

from .choices import NeedSource, NeedState
from .models import ProxyNeed

SERVICE_POST = "service"  # 党员服务协理员: suggested first for a need


def need_list(user, params, scope=""):
    """The staff list with its filters: state, source, item, overdue (unassigned past due),
    the resident's name (prefix) and the scope switcher."""
    qs = ProxyNeed.objects.visible_to(user).within(scope)
    if (state := params.get("state")) in NeedState.values:
        qs = qs.filter(state=state)
    if (source := params.get("source")) in NeedSource.values:
        qs = qs.filter(source=source)
    if (item := params.get("item", "")).isdigit():
        qs = qs.filter(item_id=int(item))
    if params.get("overdue"):
        qs = qs.filter(state=NeedState.OPEN, assign_due_at__lte=clock.now())
    if (q := "".join(str(params.get("q") or "").split())[:20]):
        qs = qs.filter(person__name__startswith=q)
    return qs.select_related("person", "item", "member").order_by("-recorded_at", "-id")


def my_tasks(user):
    """The signed-in member's own needs (open first) and the unassigned needs of their branch's
    grid they may claim."""
    from .models.proxy import member_of

    member = member_of(user)
    if member is None:
        return None, [], []
    member_id, branch_code = member
    base = ProxyNeed.objects.visible_to(user).select_related("person", "person__house", "item", "application")
    order = {NeedState.ASSIGNED: 0, NeedState.FILED: 1, NeedState.DELIVERED: 2, NeedState.CANCELLED: 3}
    mine = sorted(base.filter(member_id=member_id)[:200], key=lambda n: (order.get(n.state, 9), -n.pk))
    claimable = list(base.filter(state=NeedState.OPEN, member__isnull=True, division_code=branch_code)[:50])
    return member_id, mine, claimable


def care_persons(user, q="", scope=""):
    """Residents in a care group (关爱人群) the user may see, for the record-need page: by name,
    pinyin or initials; never by ID or phone number (those searches are throttled in the
    registry). Listed by grid, then name: the query walks the (division_code, name) index with
    EXISTS and stops at the page, as the registry's care list does. A DISTINCT over the
    person × tag join sorted every care-group member of the scope (148,000 in the district demo:
    2.6–4.8 s on PostgreSQL); the house's building is joined, not fetched per row."""
    from gridgov.registry.models import Person

    tagged = Person.care_tags.through.objects.filter(person_id=OuterRef("pk"), caretag__is_active=True)
    qs = Person.objects.visible_to(user).within(scope).filter(status="active").filter(Exists(tagged))
    q = "".join(str(q or "").split())[:20]
    if q:
        if q.isascii() and q.isalpha():
            qs = qs.filter(Q(name_initials=q.lower()) | Q(name_pinyin__startswith=q.lower()))
        else:
            qs = qs.filter(name__startswith=q)
    return qs.select_related("house__building").prefetch_related("care_tags").order_by("division_code", "name", "pk")


def suggestions(need):
    """Members of the grid's branch who may take the need: 党员服务协理员 first, then those with
    the fewest running tasks."""
    from gridgov.party.choices import MemberStatus, RequestStatus
    from gridgov.party.models import PartyMember, PostClaim

    from .actions.proxy import branch_for

    branch = branch_for(need)
    if branch is None:
        return []
    running = (ProxyNeed.objects.filter(member=OuterRef("pk"), state__in=(NeedState.ASSIGNED, NeedState.FILED))
               .values("member").annotate(n=Count("pk")).values("n"))
    return list(PartyMember.objects.filter(branch=branch, status=MemberStatus.ACTIVE).annotate(
        # the claim in this branch (where a member claims posts): one index search for branch,
        # post and status, where SQLite alone would walk every claim of the post in the district
        is_service=Exists(PostClaim.objects.filter(member=OuterRef("pk"), branch=branch,
                                                   status=RequestStatus.APPROVED, post__code=SERVICE_POST)),
        running=Coalesce(Subquery(running, output_field=IntegerField()), Value(0)),
    ).order_by("-is_service", "running", "name", "pk")[:100])


def counts(user, scope=""):
    qs = ProxyNeed.objects.visible_to(user).within(scope)
    return dict(qs.values_list("state").annotate(n=Count("pk")).order_by())
