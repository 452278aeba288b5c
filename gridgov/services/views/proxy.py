"""Proxy-service (双代) pages: the staff list with filters, the grid worker's record-need phone
page, the need's page (history, the application it led to, the next step), the branch
secretary's assign page, the member's phone page 我的双代任务, and the member's filing page.

Members read needs only through `ProxyNeed.objects.visible_to` (their own tasks and the
unassigned needs of their branch); of the resident they see name, address and phone (the
phone through an audited reveal), never the ID number; an unclaimed need shows the name
masked."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from gridgov.core import pii
from gridgov.core.access import can, get_visible_or_404
from gridgov.core.paging import CappedPaginator

from .. import actions, proxy_queries
from ..choices import AppState, FieldType, NeedSource, NeedState
from ..forms import answers_of, application_form
from ..models import ProxyNeed, ServiceItem
from ..models.proxy import member_of
from ..proxy_forms import AssignForm, CancelForm, DeliverNeedForm, NeedForm, mandate_field, proxy_items
from ._common import need as need_perm
from ._common import run, scope_of

ROOT = {"label": "双代需求", "url": "/services/proxy/"}
MINE = {"label": "我的双代任务", "url": "/services/proxy/mine/"}


def _need(request, pk):
    return get_visible_or_404(ProxyNeed.objects.select_related(
        "person", "person__house", "item", "member", "application", "recorded_by"), request.user, pk=pk)


def _is_own(user, need):
    member = member_of(user)
    return bool(member and need.member_id == member[0])


@login_required
def need_list(request):
    need_perm(request, "services.view_proxyneed")
    qs = proxy_queries.need_list(request.user, request.GET, scope_of(request))
    page = CappedPaginator(qs, 30).get_page(request.GET.get("page"))
    counts = proxy_queries.counts(request.user, scope_of(request))
    return render(request, "services/proxy/list.html", {
        "page": page, "params": request.GET, "states": NeedState.choices, "sources": NeedSource.choices,
        "items": proxy_items(),
        "state_counts": [(v, label, counts.get(v, 0)) for v, label in NeedState.choices],
        "can_record": can(request.user, "services.add_proxyneed"),
        "can_assign": can(request.user, "services.assign_proxyneed"),
        "breadcrumb": [{"label": "双代需求"}],
    })


@login_required
def need_record(request):
    """The grid worker's phone page: find a resident of a care group, then record the need."""
    need_perm(request, "services.add_proxyneed")
    from gridgov.registry.models import Person

    q = request.GET.get("q", "").strip()[:20]
    person = None
    if (pk := request.GET.get("person", "") or request.POST.get("person", "")).isdigit():
        person = get_visible_or_404(Person.objects.select_related("house__building"), request.user, pk=int(pk))
    form = NeedForm(request.POST or None) if person else None
    if person and request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        item = ServiceItem.objects.filter(pk=cd["item"]).first() if cd["item"] else None
        created = run(request, actions.record_need, form, "双代需求已登记，等待支部分派", person=person,
                      description=cd["description"], source=cd["source"], item=item,
                      contact_name=cd["contact_name"])
        if created:
            return redirect(created.get_absolute_url())
    persons = [] if person else list(proxy_queries.care_persons(request.user, q, scope_of(request))[:30])
    return render(request, "services/proxy/record.html", {
        "q": q, "persons": persons, "person": person, "form": form,
        "breadcrumb": [ROOT, {"label": "登记双代需求"}],
    })


@login_required
def need_detail(request, pk):
    need = _need(request, pk)
    user = request.user
    own = _is_own(user, need)
    staff = can(user, "services.view_proxyneed", need.division_code)
    if not (own or staff):  # a member looking at an unassigned need of the branch: name masked
        resident = {"name": pii.mask_name(need.person.name), "address": "", "phone": ""}
    else:
        resident = {"name": need.person.name, "address": str(need.person.house or ""),
                    "phone": need.person.phone_masked}
    member = member_of(user)
    can_assign = need.state in (NeedState.OPEN, NeedState.ASSIGNED) and can(
        user, "services.assign_proxyneed", need.division_code)
    app = need.application
    return render(request, "services/proxy/detail.html", {
        "need": need, "resident": resident, "own": own, "events": need.events.all(),
        "app": app, "app_events": app.events.all() if app else [],
        "app_deliverable": bool(app and app.state in (AppState.REJECTED, AppState.COMPLETED, AppState.DELIVERED)),
        "can_claim": need.state == NeedState.OPEN and member is not None and member[1] == need.division_code,
        "can_assign": can_assign,
        "assign_form": AssignForm(members=proxy_queries.suggestions(need)) if can_assign else None,
        "can_cancel": need.state in (NeedState.OPEN, NeedState.ASSIGNED, NeedState.FILED) and can(
            user, "services.change_proxyneed", need.division_code),
        "cancel_form": CancelForm(), "deliver_form": DeliverNeedForm(),
        "phone": request.session.pop(f"proxy-phone-{need.pk}", "") if own else "",
        "breadcrumb": [MINE if own and not staff else ROOT, {"label": f"需求 #{need.pk}"}],
    })


@login_required
@require_POST
def need_act(request, pk, step):
    need = _need(request, pk)
    post = request.POST
    if step == "claim":
        run(request, actions.claim_need, None, "认领成功，请尽快联系居民", need=need)
    elif step == "assign":
        form = AssignForm(post, members=proxy_queries.suggestions(need))
        if form.is_valid():
            from gridgov.party.models import PartyMember

            member = PartyMember.objects.filter(pk=form.cleaned_data["member"]).first()
            run(request, actions.assign_need, None, f"已分派给{member.name if member else ''}", need=need,
                member=member, note=form.cleaned_data["note"])
        else:
            messages.error(request, "请选择承办党员")
        if post.get("next") == "assign":
            return redirect("services:need_assign")
    elif step == "deliver":
        form = DeliverNeedForm(post, request.FILES)
        if form.is_valid():
            cd = form.cleaned_data
            run(request, actions.deliver_need, None, "送达确认已提交，服务已计入您的党员服务记录", need=need,
                photo=cd["photo"], confirmed=cd["confirmed"], confirmed_by=cd["confirmed_by"], note=cd["note"])
        else:
            for errors in form.errors.values():
                for e in errors:
                    messages.error(request, e)
    elif step == "cancel":
        run(request, actions.cancel_need, None, "需求已撤销", need=need, reason=post.get("reason", ""))
    elif step == "phone":
        phone = run(request, actions.reveal_phone, None, "", need=need)
        if phone and phone is not True:
            request.session[f"proxy-phone-{need.pk}"] = phone
    else:
        raise Http404
    return redirect(need.get_absolute_url())


@login_required
def need_assign(request):
    """The branch secretary's page: the open needs of their branch(es), each with the members
    to choose from (党员服务协理员 first), and the assigned ones not yet filed."""
    need_perm(request, "services.assign_proxyneed")
    qs = (ProxyNeed.objects.visible_to(request.user, "assign").within(scope_of(request))
          .filter(state__in=(NeedState.OPEN, NeedState.ASSIGNED)).select_related("person", "item", "member")
          .order_by("state", "assign_due_at", "pk"))
    page = CappedPaginator(qs, 20).get_page(request.GET.get("page"))
    rows = [(n, AssignForm(members=proxy_queries.suggestions(n), prefix=f"n{n.pk}")) for n in page]
    return render(request, "services/proxy/assign.html", {
        "page": page, "rows": rows, "breadcrumb": [ROOT, {"label": "双代分派"}]})


@login_required
def my_needs(request):
    """我的双代任务: the member's phone page."""
    member_id, mine, claimable = proxy_queries.my_tasks(request.user)
    for n in claimable:  # not yet theirs: the name masked, no address or phone
        n.masked_name = pii.mask_name(n.person.name)
    return render(request, "services/proxy/mine.html", {
        "is_member": member_id is not None, "mine": mine, "claimable": claimable,
        "breadcrumb": [{"label": "我的双代任务"}],
    })


def _member_form(version, person, data=None, files=None):
    """The item's form as the counter has it, minus the registry's ID-number field (filled from
    the registry by the action; a member never sees it), plus the 委托书 photo."""
    form = application_form(version, person, data, files)
    for f in version.fields or []:
        if f.get("prefill") == "id_number" or f.get("type") == FieldType.ID_NUMBER:
            form.fields.pop(f"f_{f['key']}", None)
    form.fields["materials"].label = "已收取的纸质材料"
    form.fields["mandate_photo"] = mandate_field()
    return form


@login_required
def need_file(request, pk):
    """The member files the application on the resident's behalf (channel proxy)."""
    need = _need(request, pk)
    if need.state != NeedState.ASSIGNED or not (
            _is_own(request.user, need) or can(request.user, "services.add_application", need.division_code[:12])):
        raise Http404("对象不存在或无权访问")
    item = need.item
    if (ipk := request.GET.get("item", "")).isdigit():
        item = next((i for i in proxy_items() if i.pk == int(ipk)), None) or item
    if item is None or request.GET.get("choose"):
        return render(request, "services/proxy/choose_item.html", {
            "need": need, "items": proxy_items(), "breadcrumb": [MINE, {"label": f"需求 #{need.pk}"}]})
    item = get_object_or_404(ServiceItem.objects.select_related("current", "department"), pk=item.pk, is_active=True)
    version = item.current
    form = _member_form(version, need.person, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        answers, files, materials = answers_of(form, version)
        try:
            actions.file_need(actor=request.user, need=need, item=item, mandate_photo=form.cleaned_data["mandate_photo"],
                              answers=answers, files=files, materials=materials)
        except ValidationError as exc:
            for key, errors in exc.message_dict.items():
                field = f"f_{key[8:]}" if key.startswith("answers.") else (
                    f"scan_{key[10:]}" if key.startswith("materials.") else key)
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "已代为提交申请，请跟进办理进度")
            return redirect(need.get_absolute_url())
    return render(request, "services/proxy/file.html", {
        "need": need, "item": item, "form": form,
        "breadcrumb": [MINE, {"label": f"需求 #{need.pk}", "url": need.get_absolute_url()}, {"label": "代为申请"}]})
