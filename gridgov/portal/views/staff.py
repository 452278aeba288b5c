"""Staff side of the website, scoped to the community (visible_to): news and notices, booking
approval and rules, sessions, counter verification of residents."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gridgov.core import pii
from gridgov.core.access import ALL, can, get_visible_or_404, prefix_q, require, scope_prefixes
from gridgov.core.paging import CappedPaginator
from gridgov.divisions.choices import Level
from gridgov.divisions.models import Division

from .. import actions
from ..actions.bookings import DEFAULT_RULE, rule_for
from ..choices import BookingState
from ..forms import CounterVerifyForm, PostForm, RuleForm, SessionForm
from ..models import Booking, Post, ResidentProfile, Session
from .common import add_errors, error_text

ROOT = {"label": "社区网站"}


def _need(request, perm):
    if not can(request.user, perm):
        raise PermissionDenied("没有权限")


def _communities(user, perm):
    prefixes = scope_prefixes(user, perm)
    qs = Division.objects.filter(level=Level.COMMUNITY, is_active=True).order_by("code")
    if prefixes == ALL:
        return qs
    return qs.filter(prefix_q("code", prefixes)) if prefixes else qs.none()


def _page(request, qs):
    return CappedPaginator(qs, 50).get_page(request.GET.get("page"))


@login_required
def post_list(request):
    _need(request, "portal.view_post")
    qs = Post.objects.visible_to(request.user).select_related("community").order_by("-updated_at")
    return render(request, "portal/staff/posts.html", {"page": _page(request, qs), "breadcrumb": [
        ROOT, {"label": "新闻公告"}], "can_add": can(request.user, "portal.add_post")})


@login_required
def post_edit(request, pk=None):
    post = get_visible_or_404(Post, request.user, "change", pk=pk) if pk else None
    communities = _communities(request.user, "portal.add_post" if post is None else "portal.change_post")
    initial = {}
    if post:
        initial = {f: getattr(post, f) for f in ("kind", "title", "summary", "body", "event_at", "place", "pinned")}
        initial.update(community=post.community, publish=post.state == "published")
    form = PostForm(request.POST or None, request.FILES or None, communities=communities, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            saved = actions.save_post(
                actor=request.user, community=d["community"], post=post, body=d["body"], cover=d["cover"],
                kind=d["kind"], title=d["title"], summary=d["summary"], event_at=d["event_at"], place=d["place"],
                pinned=d["pinned"])
            if d["publish"] and saved.state != "published":
                actions.publish_post(actor=request.user, post=saved)
        except (ValidationError, PermissionDenied) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "已发布，社区首页已更新" if d["publish"] else "已保存草稿")
            return redirect("portal:staff_posts")
    return render(request, "portal/staff/form.html", {
        "form": form, "title": "编辑新闻公告" if post else "发布新闻公告", "multipart": True,
        "breadcrumb": [ROOT, {"label": "新闻公告", "url": reverse("portal:staff_posts")}, {"label": "编辑"}]})


@login_required
@require_POST
def post_publish(request, pk):
    post = get_visible_or_404(Post, request.user, "change", pk=pk)
    try:
        actions.publish_post(actor=request.user, post=post, publish=request.POST.get("publish") == "1")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    return redirect("portal:staff_posts")


@login_required
def booking_list(request):
    _need(request, "portal.view_booking")
    qs = Booking.objects.visible_to(request.user).select_related("facility", "resident").order_by(
        "state", "-starts_at")
    state = request.GET.get("state", "")
    if state in BookingState.values:
        qs = qs.filter(state=state)
    from gridgov.community.models import Facility

    facilities = Facility.objects.visible_to(request.user).filter(bookable=True).order_by("division_code")[:200]
    return render(request, "portal/staff/bookings.html", {
        "page": _page(request, qs), "state": state, "states": BookingState.choices, "facilities": facilities,
        "breadcrumb": [ROOT, {"label": "场地预约"}]})


@login_required
@require_POST
def booking_decide(request, pk):
    booking = get_visible_or_404(Booking, request.user, "change", pk=pk)
    try:
        if request.POST.get("do") == "cancel":
            actions.cancel_booking(actor=request.user, booking=booking)
        else:
            actions.decide_booking(actor=request.user, booking=booking, approve=request.POST.get("do") == "approve",
                                   note=request.POST.get("note", ""))
        messages.success(request, "已处理")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    return redirect("portal:staff_bookings")


@login_required
def rule_edit(request, facility_pk):
    from gridgov.community.models import Facility

    facility = get_visible_or_404(Facility, request.user, pk=facility_pk)
    require(request.user, "portal.change_bookingrule", facility.division_code)
    rule = rule_for(facility)
    initial = {k: getattr(rule, k) for k in [*DEFAULT_RULE, "note"]}
    form = RuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_booking_rule(actor=request.user, facility=facility, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "已保存预约规则")
            return redirect("portal:staff_bookings")
    return render(request, "portal/staff/form.html", {
        "form": form, "title": f"预约规则 · {facility.name}",
        "breadcrumb": [ROOT, {"label": "场地预约", "url": reverse("portal:staff_bookings")}, {"label": "预约规则"}]})


@login_required
def session_list(request):
    _need(request, "portal.view_session")
    qs = Session.objects.visible_to(request.user).prefetch_related("slots").order_by("-created_at")
    return render(request, "portal/staff/sessions.html", {
        "page": _page(request, qs), "can_add": can(request.user, "portal.add_session"),
        "can_change": can(request.user, "portal.change_session"),
        "breadcrumb": [ROOT, {"label": "公益服务"}]})


@login_required
def session_new(request):
    form = SessionForm(request.POST or None, communities=_communities(request.user, "portal.add_session"))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        slots = form.new_slots()
        try:
            actions.save_session(actor=request.user, community=d["community"], title=d["title"], kind=d["kind"],
                                 place=d["place"], description=d["description"], provider=d["provider"],
                                 slots=slots)
        except (ValidationError, PermissionDenied) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "已发布公益服务")
            return redirect("portal:staff_sessions")
    return render(request, "portal/staff/form.html", {
        "form": form, "title": "发布公益服务",
        "breadcrumb": [ROOT, {"label": "公益服务", "url": reverse("portal:staff_sessions")}, {"label": "发布"}]})


@login_required
def session_edit(request, pk):
    """Edit a session's details and add slots (existing slots and their sign-ups are kept)."""
    session = get_visible_or_404(Session, request.user, "change", pk=pk)
    initial = {k: getattr(session, k) for k in ("kind", "title", "place", "provider", "description")}
    form = SessionForm(request.POST or None, initial=initial, editing=True, communities=Division.objects.none())
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.save_session(actor=request.user, community=session.community, title=d["title"], kind=d["kind"],
                                 place=d["place"], description=d["description"], provider=d["provider"],
                                 slots=form.new_slots(), session=session)
        except (ValidationError, PermissionDenied) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"已保存公益服务：{session.title}")
            return redirect("portal:staff_sessions")
    return render(request, "portal/staff/session_edit.html", {
        "form": form, "session": session, "title": f"修改公益服务 · {session.title}",
        "slots": session.slots.order_by("starts_at"),
        "breadcrumb": [ROOT, {"label": "公益服务", "url": reverse("portal:staff_sessions")}, {"label": "修改"}]})


@require_POST
@login_required
def session_delete(request, pk):
    session = get_visible_or_404(Session, request.user, "change", pk=pk)
    title = session.title
    try:
        outcome = actions.remove_session(actor=request.user, session=session)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"已删除公益服务：{title}" if outcome == "deleted"
                         else f"“{title}”已有居民报名，已撤下：未开始时段的报名已取消，历史报名和评价保留")
    return redirect("portal:staff_sessions")


@login_required
def resident_list(request):
    _need(request, "portal.view_residentprofile")
    qs = ResidentProfile.objects.visible_to(request.user).select_related("community", "person").order_by(
        "-created_at")
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(phone_hash=pii.keyed_hash(q)) if q.isdigit() else qs.filter(display_name__contains=q)
    return render(request, "portal/staff/residents.html", {
        "page": _page(request, qs), "q": q, "breadcrumb": [ROOT, {"label": "居民账号"}]})


@login_required
def resident_verify(request, pk):
    """窗口实名认证: staff saw the resident's ID card and link the account to the registry person."""
    from gridgov.registry.models import Person

    profile = get_visible_or_404(ResidentProfile, request.user, "change", pk=pk)
    form = CounterVerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = Person.objects.visible_to(request.user).filter(
            id_hash=pii.keyed_hash(form.cleaned_data["id_number"])).first()
        if person is None:
            form.add_error("id_number", "本辖区实有人口中没有该身份证号码，请先登记人口信息")
        else:
            try:
                actions.verify_at_counter(actor=request.user, profile=profile, person=person)
            except (ValidationError, PermissionDenied) as exc:
                add_errors(form, exc)
            else:
                messages.success(request, f"已完成窗口实名认证：{person.name}")
                return redirect("portal:staff_residents")
    return render(request, "portal/staff/form.html", {
        "form": form, "title": f"窗口实名认证 · {profile.phone_masked}",
        "breadcrumb": [ROOT, {"label": "居民账号", "url": reverse("portal:staff_residents")}, {"label": "认证"}]})
