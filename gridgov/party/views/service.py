"""Branch decisions (registrations, claims, records), post configuration, volunteer events,
rankings and the scoring button."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gridgov.core import clock
from gridgov.core.access import can, get_visible_or_404
from gridgov.core.paging import CappedPaginator

from .. import actions, queries
from ..choices import ACTIVE_SIGNUP, EventStatus, MemberStatus, PeriodKind
from ..forms import EventForm, ItemForm, PostForm, RuleForm, apply_errors
from ..models import (
    EventSignup,
    PartyMember,
    PartyOrganization,
    PostClaim,
    Registration,
    RolePost,
    ScoringRule,
    ServiceActivity,
    ServiceItem,
    VolunteerEvent,
)
from ..periods import label
from ._common import back, crumbs, run_action, scope_of


def _decision(request):
    return request.POST.get("approve") == "1", request.POST.get("note", "").strip()


@login_required
@require_POST
def decide_registration(request, pk):
    reg = get_visible_or_404(Registration, request.user, "change", pk=pk)
    approve, note = _decision(request)
    return run_action(request, actions.decide_registration, "已审核报到申请",
                      back(request, "party:org", reg.branch_id), registration=reg, approve=approve, note=note)[0]


@login_required
@require_POST
def decide_claim(request, pk):
    claim = get_visible_or_404(PostClaim, request.user, "change", pk=pk)
    approve, note = _decision(request)
    return run_action(request, actions.decide_claim, "已审核认岗申请", back(request, "party:org", claim.branch_id),
                      claim=claim, approve=approve, note=note)[0]


@login_required
@require_POST
def verify_activity(request, pk):
    activity = get_visible_or_404(ServiceActivity, request.user, pk=pk)
    approve, note = _decision(request)
    return run_action(request, actions.verify_activity, "已核实" if approve else "已驳回",
                      back(request, "party:org", activity.branch_id), activity=activity, approve=approve,
                      reason=note)[0]


@login_required
@require_POST
def verify_batch(request, org_pk):
    org = get_visible_or_404(PartyOrganization, request.user, pk=org_pk)
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    activities = ServiceActivity.objects.visible_to(request.user).filter(branch=org, pk__in=ids)
    approve, note = _decision(request)
    return run_action(request, actions.verify_many, "已批量处理", reverse("party:org", args=[org.pk]),
                      activities=list(activities), approve=approve, reason=note)[0]


@login_required
def posts(request):
    """The six posts with their items and targets, the scoring rules; editable by party staff."""
    if not can(request.user, "party.view_rolepost"):
        raise Http404
    rows = RolePost.objects.prefetch_related("items").annotate(
        filled=Count("claims", filter=Q(claims__status="approved")))
    return render(request, "party/posts.html", {
        "posts": rows, "rules": ScoringRule.objects.all(),
        "can_edit": can(request.user, "party.change_rolepost"),
        "breadcrumb": crumbs({"label": "六员岗位"})})


def _edit_page(request, form, title, save):
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied:
            raise Http404
        else:
            messages.success(request, "已保存")
            return HttpResponseRedirect(reverse("party:posts"))
    return render(request, "party/form.html", {
        "form": form, "title": title,
        "breadcrumb": crumbs({"label": "六员岗位", "url": reverse("party:posts")}, {"label": title})})


@login_required
def post_edit(request, pk):
    if not can(request.user, "party.change_rolepost"):
        raise Http404
    post = RolePost.objects.filter(pk=pk).first() or _404()
    form = PostForm(request.POST or None, instance=post)
    return _edit_page(request, form, f"编辑岗位：{post.name}",
                      lambda d: actions.update_post(actor=request.user, post=RolePost.objects.get(pk=pk), **d))


@login_required
def item_edit(request, pk=None):
    if not can(request.user, "party.change_serviceitem"):
        raise Http404
    item = ServiceItem.objects.filter(pk=pk).first() if pk else None
    if pk and item is None:
        _404()
    form = ItemForm(request.POST or None, instance=item)
    return _edit_page(request, form, f"编辑服务事项：{item}" if item else "新增服务事项",
                      lambda d: actions.save_item(actor=request.user, item=ServiceItem.objects.filter(pk=pk).first(),
                                                  **d))


@login_required
def rule_edit(request, pk):
    if not can(request.user, "party.change_scoringrule"):
        raise Http404
    rule = ScoringRule.objects.filter(pk=pk).first() or _404()
    form = RuleForm(request.POST or None, instance=rule)
    return _edit_page(request, form, f"编辑积分规则：{rule}",
                      lambda d: actions.update_rule(actor=request.user, rule=ScoringRule.objects.get(pk=pk), **d))


def _404():
    raise Http404("对象不存在或无权访问")


@login_required
def events(request):
    if not can(request.user, "party.view_volunteerevent"):
        raise Http404
    qs = VolunteerEvent.objects.visible_to(request.user).within(scope_of(request)).select_related(
        "organization", "item").annotate(taken=Count("signups", filter=Q(signups__status__in=ACTIVE_SIGNUP)))
    when = request.GET.get("when", "upcoming")
    now = clock.now()
    qs = qs.filter(ends_at__gte=now).order_by("starts_at") if when == "upcoming" else qs.filter(
        ends_at__lt=now).order_by("-starts_at")
    page = CappedPaginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "party/events.html", {
        "page": page, "when": when, "can_add": can(request.user, "party.add_volunteerevent"),
        "breadcrumb": crumbs({"label": "志愿活动"})})


@login_required
def event_create(request):
    if not can(request.user, "party.add_volunteerevent"):
        raise Http404
    orgs = PartyOrganization.objects.visible_to(request.user, "change").filter(is_active=True)
    form = EventForm(request.POST or None)
    from django import forms as djforms

    form.fields["organization"] = djforms.ModelChoiceField(label="发布组织", queryset=orgs)
    if request.method == "POST" and form.is_valid():
        try:
            event = actions.publish_event(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied:
            form.add_error("organization", "无权以该组织发布活动")
        else:
            messages.success(request, "活动已发布")
            return HttpResponseRedirect(reverse("party:event", args=[event.pk]))
    return render(request, "party/form.html", {
        "form": form, "title": "发布志愿活动",
        "breadcrumb": crumbs({"label": "志愿活动", "url": reverse("party:events")}, {"label": "发布"})})


@login_required
def event_detail(request, pk):
    event = get_visible_or_404(VolunteerEvent.objects.select_related("organization", "item"), request.user, pk=pk)
    signups = list(event.signups.select_related("member").order_by("signed_up_at"))
    return render(request, "party/event_detail.html", {
        "event": event, "signups": signups, "taken": sum(1 for s in signups if s.status in ACTIVE_SIGNUP),
        "can_manage": can(request.user, "party.change_eventsignup", event.division_code),
        "breadcrumb": crumbs({"label": "志愿活动", "url": reverse("party:events")}, {"label": event.title})})


@login_required
@require_POST
def signup_action(request, pk, op):
    """check in / check out / cancel a signup (the member themself or the organiser)."""
    signup = EventSignup.objects.select_related("member", "event").filter(pk=pk).first() or _404()
    is_self = signup.member.user_id == request.user.pk
    if not is_self and not EventSignup.objects.visible_to(request.user).filter(pk=pk).exists():
        _404()
    fn = {"checkin": actions.check_in, "checkout": actions.check_out, "cancel": actions.cancel_signup}.get(op)
    if fn is None:
        _404()
    return run_action(request, fn, {"checkin": "已签到", "checkout": "已签退，服务已计入",
                                     "cancel": "已取消报名"}[op], back(request, "party:event", signup.event_id),
                      signup=signup)[0]


@login_required
@require_POST
def event_signup(request, pk):
    """The signed-in member signs up (from the phone page or the event page)."""
    event = VolunteerEvent.objects.filter(pk=pk, status=EventStatus.PUBLISHED).first() or _404()
    member = PartyMember.objects.filter(user=request.user, status=MemberStatus.ACTIVE).first()
    if member is None:
        messages.error(request, "您的账号未关联党员信息")
        return HttpResponseRedirect(back(request, "party:me"))
    return run_action(request, actions.sign_up, "报名成功", back(request, "party:me"), event=event,
                      member=member)[0]


@login_required
def rankings(request):
    if not can(request.user, "party.view_partymember"):
        raise Http404
    kind = request.GET.get("period", PeriodKind.MONTH)
    if kind not in PeriodKind.values:
        kind = PeriodKind.MONTH
    level = {"branch": 15, "community": 12, "street": 9}.get(request.GET.get("level"), 15)
    start, _ = queries.current_period(kind)
    scope = scope_of(request)
    return render(request, "party/rankings.html", {
        "kind": kind, "periods": PeriodKind.choices, "period_label": label(kind, start),
        "level": request.GET.get("level", "branch"),
        "orgs": queries.ranking_by_level(request.user, kind, start, level, scope)[:100],
        "top": queries.member_ranking(request.user, kind, start, scope),
        "can_run": can(request.user, "party.run_memberscore"),
        "can_export": can(request.user, "party.export_partymember"),
        "breadcrumb": crumbs({"label": "积分排名"})})


@login_required
@require_POST
def run_scoring(request):
    try:
        job = actions.start_scoring_job(actor=request.user)
    except PermissionDenied:
        raise Http404
    messages.success(request, f"已提交积分计算任务 #{job.pk}")
    return HttpResponseRedirect(reverse("party:rankings"))
