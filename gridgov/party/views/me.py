"""The member's own phone page (我的履职): register at a grid, claim a post, log service,
sign up for events, see the score and the pace."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gridgov.core import clock

from .. import actions
from ..choices import ACTIVE_SIGNUP, EventStatus, MemberStatus, RequestStatus
from ..forms import ActivityForm, ClaimForm, RegisterForm, apply_errors, grid_of, grid_options
from ..models import EventSignup, PartyMember, VolunteerEvent
from .members import member_summary


def _member(request):
    return (PartyMember.objects.select_related("branch", "grid", "work_unit")
            .filter(user=request.user, status=MemberStatus.ACTIVE).first())


@login_required
def me(request):
    member = _member(request)
    if member is None:
        return render(request, "party/me.html", {"member": None, "breadcrumb": [{"label": "我的履职"}]})
    summary = member_summary(member)
    claim = summary["claim"]
    approved_post = claim.post if claim and claim.status == RequestStatus.APPROVED else None
    forms = {"register_form": RegisterForm(initial={"grid": member.grid_id}), "claim_form": ClaimForm(),
             "activity_form": ActivityForm(post=approved_post)}
    if request.method == "POST":
        which = request.POST.get("form")
        handler = {"register": _register, "claim": _claim, "activity": _activity}.get(which)
        if handler:
            done, form = handler(request, member, approved_post)
            if done:
                return HttpResponseRedirect(reverse("party:me"))
            forms[f"{which}_form"] = form
    now = clock.now()
    my_signups = list(EventSignup.objects.filter(member=member, status__in=ACTIVE_SIGNUP, event__ends_at__gte=now)
                      .select_related("event").order_by("event__starts_at"))
    taken = {s.event_id for s in my_signups}
    upcoming = [e for e in VolunteerEvent.objects.filter(
        status=EventStatus.PUBLISHED, ends_at__gte=now,
        division_code__in=_codes_up(member.division_code)).order_by("starts_at")[:10] if e.pk not in taken]
    pending_reg = member.registrations.filter(status=RequestStatus.PENDING).select_related("branch").first()
    show_register = not member.branch_id and not pending_reg
    grid_value = forms["register_form"]["grid"].value()
    return render(request, "party/me.html", {
        "grids": grid_options() if show_register else [],
        "register_grid": int(grid_value) if str(grid_value or "").isdigit() else None,
        "member": member, **summary, **forms, "approved_post": approved_post, "pending_reg": pending_reg,
        "my_signups": my_signups, "upcoming": upcoming, "body_class": "phone",
        "breadcrumb": [{"label": "我的履职"}]})


def _codes_up(code):
    """Codes of the grid and the organisations above it (events they publish reach the member)."""
    if len(code) < 15:
        return [code]
    return [code, code[:12], code[:9] + "000", code[:6] + "000000"]


def _register(request, member, _post):
    form = RegisterForm(request.POST)
    if not form.is_valid():
        return False, form
    try:
        actions.request_registration(actor=request.user, member=member, grid=grid_of(form.cleaned_data["grid"]),
                                     note=form.cleaned_data["note"])
    except ValidationError as exc:
        apply_errors(form, exc)
        return False, form
    messages.success(request, "报到申请已提交，等待网格党支部审核")
    return True, form


def _claim(request, member, _post):
    form = ClaimForm(request.POST)
    if not form.is_valid():
        return False, form
    try:
        actions.claim_post(actor=request.user, member=member, post=form.cleaned_data["post"],
                           skills=form.cleaned_data["skills"])
    except ValidationError as exc:
        apply_errors(form, exc)
        return False, form
    messages.success(request, "认岗申请已提交，等待支部审核")
    return True, form


def _activity(request, member, post):
    form = ActivityForm(request.POST, request.FILES, post=post)
    if not form.is_valid():
        return False, form
    d = form.cleaned_data
    try:
        actions.log_activity(actor=request.user, member=member, item=d["item"], occurred_at=d["occurred_at"],
                             duration_minutes=d["duration_minutes"] or 0, quantity=d["quantity"] or 1,
                             place=d["place"], note=d["note"], photos=d["photos"], check_in_at=d["check_in_at"],
                             check_out_at=d["check_out_at"])
    except ValidationError as exc:
        apply_errors(form, exc)
        return False, form
    messages.success(request, "服务记录已提交，支部书记核实后计入积分")
    return True, form


@login_required
@require_POST
def release(request):
    member = _member(request)
    claim = member and member.claims.filter(status__in=[RequestStatus.PENDING, RequestStatus.APPROVED]).first()
    if claim:
        try:
            actions.release_claim(actor=request.user, claim=claim)
            messages.success(request, "已退出岗位")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    return HttpResponseRedirect(reverse("party:me"))
