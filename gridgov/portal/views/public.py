"""Public pages of a community's website (no login): home, grids, service guide, facilities,
sessions, problem reporting and indicators; the district portal. Reading pages work without
JavaScript. The community home's content is cached (invalidated when staff publish)."""

import datetime

from django.apps import apps
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from gridgov.core import clock
from gridgov.divisions.choices import Level
from gridgov.divisions.models import Division

from ..choices import PostKind, PostState
from ..homecache import HOME_TTL, home_cache_key, home_version
from ..models import Booking, BookingRule, Post, Session
from .common import community_or_404


def _published(community):
    return Post.objects.filter(division_code=community.code, state=PostState.PUBLISHED)


CSRF_SENTINEL = "__portal_csrf_token__"


def home(request, code):
    """The community home. Its content fragment is cached per community version; for a signed-out
    visitor with no pending message and no query string the whole page is cached too (per
    version and 长辈 mode), with the CSRF token put in per request, so a hit is one short query."""
    version = home_version(code)
    if version is None:
        raise Http404("找不到该社区")
    key = home_cache_key(code, version)
    whole = not request.user.is_authenticated and not request.GET and not len(messages.get_messages(request))
    page_key = f"{key}:page:{request.COOKIES.get('elder') == '1'}"
    if whole:
        html = cache.get(page_key)
        if html is not None:
            return HttpResponse(html.replace(CSRF_SENTINEL, str(get_token(request))))
    community = community_or_404(code)  # only on a miss or for a signed-in visitor
    body = cache.get(key)
    if body is None:
        posts = list(_published(community).only("id", "kind", "title", "summary", "published_at", "pinned",
                                                 "event_at", "place", "cover")[:60])
        today = clock.today()
        sessions = list(Session.objects.filter(
            division_code=community.code, is_published=True,
            slots__starts_at__gte=timezone.make_aware(datetime.datetime.combine(today, datetime.time.min)),
        ).distinct()[:5])
        body = render_to_string("portal/public/_home_body.html", {
            "community": community,
            "news": [p for p in posts if p.kind == PostKind.NEWS][:6],
            "notices": [p for p in posts if p.kind == PostKind.NOTICE][:8],
            "activities": [p for p in posts if p.kind == PostKind.ACTIVITY][:6],
            "sessions": sessions,
        })
        cache.set(key, body, HOME_TTL)
    context = {"community": community, "body": body}
    if not whole:
        return render(request, "portal/public/home.html", context)
    html = render_to_string("portal/public/home.html", {**context, "csrf_token": CSRF_SENTINEL}, request=request)
    cache.set(page_key, html, HOME_TTL)
    return HttpResponse(html.replace(CSRF_SENTINEL, str(get_token(request))))


def post_detail(request, code, pk):
    community = community_or_404(code)
    post = get_object_or_404(_published(community), pk=pk)
    return render(request, "portal/public/post.html", {"community": community, "post": post})


def post_list(request, code, kind):
    community = community_or_404(code)
    if kind not in PostKind.values:
        raise Http404("没有该栏目")
    posts = _published(community).filter(kind=kind)[:100]
    return render(request, "portal/public/posts.html", {"community": community, "posts": posts,
                                                        "kind_label": PostKind(kind).label})


def grids(request, code):
    """Each grid with its grid workers' cards (name, work phone) and its party branch."""
    from gridgov.accounts.models import RoleAssignment
    from gridgov.party.models import PartyOrganization

    community = community_or_404(code)
    grid_rows = list(Division.objects.filter(parent=community, level=Level.GRID, is_active=True).order_by("code"))
    workers = {}
    for a in RoleAssignment.objects.filter(division__in=grid_rows, role__code="grid_worker",
                                           user__is_active=True).select_related("user"):
        workers.setdefault(a.division_id, []).append(a.user)
    branches = {o.division_id: o for o in PartyOrganization.objects.filter(division__in=grid_rows, is_active=True)
                .select_related("secretary")}
    rows = [{"grid": g, "workers": workers.get(g.pk, []), "branch": branches.get(g.pk)} for g in grid_rows]
    return render(request, "portal/public/grids.html", {"community": community, "rows": rows})


def _optional_url(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def guide(request, code):
    """办事指南: the services app's catalogue and the policy library when they are installed."""
    community = community_or_404(code)
    items = []
    try:
        from gridgov.services import public as services_public  # optional: the services app
    except ImportError:
        services_public = None
    q = "".join((request.GET.get("q") or "").split())[:20]
    online_only = request.GET.get("online") == "1"
    if services_public is not None and apps.is_installed("gridgov.services"):
        items = services_public.catalogue_for(community, online_only=online_only)
        if q:
            items = [i for i in items if q in i.name or q in i.category or q in i.department]
    return render(request, "portal/public/guide.html", {
        "community": community, "items": items, "has_services": services_public is not None, "q": q,
        "online_only": online_only, "has_policies": apps.is_installed("gridgov.kiosk")})


def _policies(community, q="", category=""):
    """Published, valid policy documents of the community and the divisions above it (the kiosk
    app's policy library, read as the community's terminal would)."""
    from types import SimpleNamespace

    from gridgov.kiosk.queries import kiosk_policies

    return kiosk_policies(SimpleNamespace(division_code=community.code), q=q, category=category)


def policies(request, code):
    if not apps.is_installed("gridgov.kiosk"):
        raise Http404("政策文件库未启用")
    from gridgov.kiosk.choices import PolicyCategory

    community = community_or_404(code)
    q = (request.GET.get("q") or "").strip()[:40]
    category = request.GET.get("category") or ""
    if category not in PolicyCategory.values:
        category = ""
    rows = list(_policies(community, q, category).order_by("-issued_on", "-pk")[:100])
    return render(request, "portal/public/policies.html", {
        "community": community, "rows": rows, "q": q, "category": category, "categories": PolicyCategory.choices})


def policy_detail(request, code, pk):
    if not apps.is_installed("gridgov.kiosk"):
        raise Http404("政策文件库未启用")
    community = community_or_404(code)
    policy = _policies(community).defer(None).filter(pk=pk).first()
    if policy is None:
        raise Http404("找不到该文件")
    return render(request, "portal/public/policy.html", {"community": community, "policy": policy,
                                                         "attachments": policy.attachments.all()})


def facilities(request, code):
    from gridgov.community.choices import FacilityStatus
    from gridgov.community.models import Facility

    community = community_or_404(code)
    rows = list(Facility.objects.filter(community=community, status=FacilityStatus.BUILT)
                .select_related("facility_type").order_by("-bookable", "facility_type__sort", "id"))
    return render(request, "portal/public/facilities.html", {"community": community, "facilities": rows})


def week_grid(facility, rule, start, days=7):
    """Availability calendar: [(date, [(start, end, free)])] for `days` days from `start`, by the
    rule's slot length inside the opening hours; taken slots from live bookings."""
    from ..choices import ACTIVE_BOOKING_STATES

    tz = timezone.get_current_timezone()
    first = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    last = first + datetime.timedelta(days=days)
    taken = list(Booking.objects.filter(facility=facility, state__in=ACTIVE_BOOKING_STATES, starts_at__lt=last,
                                        ends_at__gt=first).values_list("starts_at", "ends_at"))
    step = datetime.timedelta(minutes=rule.slot_minutes if rule else 60)
    now = clock.now()
    out = []
    for i in range(days):
        day = start + datetime.timedelta(days=i)
        slots = []
        for a, b in facility.hours_on(day):
            t = datetime.datetime.combine(day, a, tzinfo=tz)
            end = datetime.datetime.combine(day, b, tzinfo=tz)
            while t + step <= end:
                busy = any(s < t + step and e > t for s, e in taken)
                slots.append((t, t + step, not busy and t > now))
                t += step
        out.append((day, slots))
    return out


def facility_detail(request, code, pk):
    from gridgov.community.models import Facility

    community = community_or_404(code)
    facility = get_object_or_404(Facility.objects.select_related("facility_type"), pk=pk, community=community)
    rule = BookingRule.objects.filter(facility=facility).first()
    try:
        start = datetime.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        start = clock.today()
    start = max(start, clock.today())
    calendar = week_grid(facility, rule, start) if facility.bookable else []
    return render(request, "portal/public/facility.html", {
        "community": community, "facility": facility, "rule": rule, "calendar": calendar,
        "photos": facility.photos.all()[:4],
        "prev_week": start - datetime.timedelta(days=7) if start > clock.today() else None,
        "next_week": start + datetime.timedelta(days=7)})


def sessions(request, code):
    community = community_or_404(code)
    today = clock.today()
    rows = Session.objects.filter(division_code=community.code, is_published=True).prefetch_related("slots")
    items = []
    for s in rows[:50]:
        slots = [x for x in s.slots.all() if timezone.localtime(x.starts_at).date() >= today]
        if slots:
            items.append((s, slots))
    return render(request, "portal/public/sessions.html", {"community": community, "items": items})


def report(request, code):
    """The problem map and reporting: the cases app's public pages, opened for this community."""
    community = community_or_404(code)
    return render(request, "portal/public/report.html", {"community": community})


def indicators(request, code):
    """The community's reviewed indicator values (dashboard app), latest per indicator."""
    from gridgov.dashboard.choices import ValueStatus
    from gridgov.dashboard.models import IndicatorValue

    community = community_or_404(code)
    latest = {}
    for v in (IndicatorValue.objects.filter(division=community, status=ValueStatus.APPROVED)
              .select_related("definition").order_by("definition__name", "-period_start")[:400]):
        latest.setdefault(v.definition_id, v)
    return render(request, "portal/public/indicators.html", {"community": community,
                                                             "values": list(latest.values())})


def district(request):
    """The district portal: every street and its communities."""
    streets = list(Division.objects.filter(level=Level.STREET, is_active=True).order_by("code"))
    communities = {}
    for c in Division.objects.filter(level=Level.COMMUNITY, is_active=True).order_by("code").only(
            "code", "name", "parent_id"):
        communities.setdefault(c.parent_id, []).append(c)
    district = Division.objects.filter(level=Level.DISTRICT, is_active=True).order_by("code").first()
    return render(request, "portal/public/district.html", {
        "district": district, "streets": [(s, communities.get(s.pk, [])) for s in streets]})


def mode(request):
    """The 适老化 switch: a plain link that flips a cookie and goes back (no JavaScript)."""
    nxt = request.GET.get("next") or reverse("portal:district")
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = reverse("portal:district")
    response = redirect(nxt)
    if request.COOKIES.get("elder") == "1":
        response.delete_cookie("elder")
    else:
        response.set_cookie("elder", "1", max_age=365 * 24 * 3600, samesite="Lax", secure=request.is_secure())
    return response
