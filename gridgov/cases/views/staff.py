"""Staff pages: case list + map, detail with actions, intake by grid worker / counter staff,
duplicate suggestions, department queue, overdue board."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gridgov.accounts.models import Department
from gridgov.core import clock
from gridgov.core.access import can, get_visible_or_404, grants
from gridgov.core.paging import KeysFirstPaginator

from .. import actions, kept_photos, queries
from ..choices import OPEN_STATES, CaseState, Channel, Urgency
from ..forms import ReportForm, major_categories, minor_categories
from ..models import Case, CaseCategory
from ..queries import filtered_cases, list_related
from ..workflow import available


def _need(user, perm):
    if not can(user, perm):
        raise Http404("对象不存在或无权访问")


def _filter_context(request):
    return {
        "states": CaseState.choices, "channels": Channel.choices,
        "majors": major_categories(),
        "departments": Department.objects.filter(is_active=True), "params": request.GET,
    }


@login_required
def case_list(request):
    _need(request.user, "cases.view_case")
    qs = filtered_cases(request.user, request.GET, scope=request.active_scope)
    cap = queries.KEYWORD_CAP if queries.keyword(request.GET) else queries.CappedPaginator.cap
    # the page's keys first (the plan walks the sort's index), then its 30 rows with their joins:
    # with the joins in one query SQLite sorted a department's ~80,000 cases (300–800 ms)
    page = KeysFirstPaginator(qs, queries.PAGE_SIZE, cap=cap,
                              fetch=lambda keys: list_related(Case.objects.filter(pk__in=keys))).get_page(
        request.GET.get("page"))
    ctx = {"page": page, "now": clock.now(), "view": request.GET.get("view", "table"),
           "can_report": can(request.user, "cases.add_case"),
           "breadcrumb": [{"label": "事件管理"}, {"label": "事件列表"}], **_filter_context(request)}
    return render(request, "cases/list.html", ctx)


@login_required
def map_data(request):
    """GeoJSON points of the filtered cases (at most 2,000) for the list's map view."""
    _need(request.user, "cases.view_case")
    qs = filtered_cases(request.user, request.GET, scope=request.active_scope).filter(lng__isnull=False)
    rows = qs.values_list("pk", "number", "title", "state", "lng", "lat", "due_at")[:2000]
    now = clock.now()
    features = [{
        "type": "Feature", "geometry": {"type": "Point", "coordinates": [lng, lat]},
        "properties": {"id": pk, "number": number, "title": title, "state": CaseState(state).label,
                       "overdue": bool(due and due < now and state in OPEN_STATES),
                       "url": reverse("cases:detail", args=[pk])},
    } for pk, number, title, state, lng, lat, due in rows]
    return JsonResponse({"type": "FeatureCollection", "features": features})


def _detail_context(request, case, posted=None, error=None):
    user = request.user
    is_reporter = case.reporter_id == user.pk
    events = case.events.select_related("actor", "department").prefetch_related("attachments")
    transitions = available(case, user, is_reporter=is_reporter)
    suggested = actions.route(case) if any(t.name == "dispatch" for t in transitions) else None
    return {
        "case": case, "events": events, "transitions": transitions, "now": clock.now(),
        "attachments": case.attachments.all(), "children": case.children.all(),
        "departments": Department.objects.filter(is_active=True), "suggested_department": suggested,
        "categories": minor_categories(), "urgencies": Urgency.choices, "posted": posted or {}, "error": error,
        "can_publish": case.category.is_public and can(user, "cases.publish_case", case.division_code),
        "duplicates": queries.duplicates(case.category, case.lng, case.lat, exclude_pk=case.pk)
        if case.state in (CaseState.REPORTED, CaseState.REGISTERED) and case.lng is not None else [],
        "breadcrumb": [{"label": "事件管理"}, {"label": "事件列表", "url": reverse("cases:list")},
                       {"label": case.number}],
    }


def _get_case(request, pk):
    qs = Case.objects.select_related("category", "category__parent", "grid", "current_department", "reporter",
                                     "component", "parent")
    return get_visible_or_404(qs, request.user, pk=pk)


@login_required
def case_detail(request, pk):
    case = _get_case(request, pk)
    return render(request, "cases/detail.html", _detail_context(request, case))


def _category(value):
    return CaseCategory.objects.filter(pk=value, parent__isnull=False).first() if str(value).isdigit() else None


def run_action(actor, case, name, data, files, expected):
    """Map a posted action name to its action function (shared by the HTML and API views)."""
    note = (data.get("note") or "").strip()
    photos = files.getlist("photos") if files else []
    a = actions
    if name == "register":
        return a.register_case(actor=actor, case=case, note=note, expected_state=expected,
                               category=_category(data.get("category")), urgency=data.get("urgency") or None)
    if name == "reject":
        return a.reject_case(actor=actor, case=case, note=note, expected_state=expected)
    if name == "cancel":
        return a.cancel_case(actor=actor, case=case, note=note, expected_state=expected)
    if name == "merge":
        into = Case.objects.visible_to(actor).filter(number=(data.get("into") or "").strip()).first()
        if into is None:
            raise ValidationError({"into": "找不到要合并到的事件（请输入案卷号）"})
        return a.merge_case(actor=actor, case=case, into=into, note=note)
    if name == "solve":
        return a.solve_in_grid(actor=actor, case=case, note=note, photos=photos, expected_state=expected)
    if name == "dispatch":
        dept = data.get("department")
        department = Department.objects.filter(pk=dept).first() if str(dept or "").isdigit() else None
        return a.dispatch_case(actor=actor, case=case, department=department, note=note, expected_state=expected)
    if name == "accept":
        return a.accept_case(actor=actor, case=case, note=note, expected_state=expected)
    if name == "return":
        return a.return_case(actor=actor, case=case, note=note, expected_state=expected)
    if name == "handle":
        return a.handle_case(actor=actor, case=case, note=note, photos=photos, expected_state=expected)
    if name == "defer_request":
        try:
            minutes = int(float(data.get("hours") or 0) * 60)
        except ValueError:
            raise ValidationError({"hours": "请填写数字"})
        return a.request_deferral(actor=actor, case=case, minutes=minutes, note=note, expected_state=expected)
    if name in ("defer_approve", "defer_reject"):
        return a.decide_deferral(actor=actor, case=case, approve=name == "defer_approve", note=note,
                                 expected_state=expected)
    if name in ("verify_pass", "verify_fail"):
        return a.verify_case(actor=actor, case=case, passed=name == "verify_pass", note=note, photos=photos,
                             expected_state=expected)
    if name == "close":
        return a.close_case(actor=actor, case=case, note=note, expected_state=expected)
    if name == "supervise":
        return a.supervise_case(actor=actor, case=case, note=note)
    if name == "recategorise":
        category = _category(data.get("category"))
        if category is None:
            raise ValidationError({"category": "请选择新的事件小类"})
        return a.recategorise_case(actor=actor, case=case, category=category, note=note)
    if name == "rate":
        return a.rate_case(actor=actor, case=case, rating=data.get("rating"), comment=note)
    if name == "reopen":
        return a.reopen_case(actor=actor, case=case, note=note)
    raise ValidationError("未知的操作")


def error_text(exc):
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "；".join(m for msgs in exc.message_dict.values() for m in msgs)
        return "；".join(exc.messages)
    return str(exc) or "没有权限"


@login_required
@require_POST
def case_publish(request, pk):
    """Approve (or withdraw) what the public may read about a case (cases/publication.py)."""
    case = _get_case(request, pk)
    try:
        actions.publish_case(actor=request.user, case=case, summary=request.POST.get("summary", ""),
                             publish=request.POST.get("withdraw") != "1")
    except (ValidationError, PermissionDenied) as exc:
        ctx = _detail_context(request, case, posted=request.POST, error=error_text(exc))
        return render(request, "cases/detail.html", ctx, status=400)
    messages.success(request, "已保存公开内容")
    return redirect("cases:detail", pk=pk)


@login_required
@require_POST
def case_act(request, pk):
    case = _get_case(request, pk)
    name = request.POST.get("action", "")
    try:
        run_action(request.user, case, name, request.POST, request.FILES, request.POST.get("expected_state") or None)
    except (ValidationError, PermissionDenied) as exc:
        case.refresh_from_db()
        ctx = _detail_context(request, case, posted=request.POST, error=error_text(exc))
        return render(request, "cases/detail.html", ctx, status=409 if isinstance(exc, actions.CaseConflict) else 400)
    messages.success(request, "操作成功")
    if Case.objects.visible_to(request.user).filter(pk=pk).exists():
        return redirect("cases:detail", pk=pk)
    return redirect("cases:queue" if grants(request.user, "cases.handle_case").departments else "cases:list")


@login_required
def report(request):
    """Filing by a grid worker (phone page: photo, GPS, component) or counter/hotline staff."""
    _need(request.user, "cases.add_case")
    can_solve = can(request.user, "cases.solve_in_grid")
    # The channel comes from the view, never from the form (a posted "web" skipped the scope
    # check of staff filing): a grid worker files as 网格员上报, anyone else — or a grid worker
    # who chose 代居民登记 — as 窗口/热线代报. Both are staff channels, checked for scope.
    wants_counter = "counter" in (request.GET.get("channel"), request.POST.get("channel"))
    channel = Channel.GRID_WORKER if can_solve and not wants_counter else Channel.COUNTER
    kept = []
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES)
        kept = kept_photos.kept(request.user, request.POST.getlist("kept_photos"))
        if form.is_valid():
            d = form.cleaned_data
            photos = [f for _t, f in kept] + request.FILES.getlist("photos")
            try:
                case = actions.report_case(
                    actor=request.user, category=d["category"], title=d["title"], description=d["description"],
                    channel=channel, lng=d["lng"], lat=d["lat"], grid=d["grid"], address=d["address"],
                    component=d["component"], urgency=d["urgency"] or Urgency.NORMAL,
                    reporter_name=d["reporter_name"], reporter_phone=d["reporter_phone"], attributes=form.attributes(),
                    photos=[] if d["solve_in_grid"] else photos,
                    solve_evidence=photos if d["solve_in_grid"] and can_solve else None, solve_note=d["solve_note"],
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, error_text(exc))
            else:
                kept_photos.discard(request.user, [t for t, _f in kept])
                return _reported(request, case)
        # a form error never drops the photos: keep the new ones beside those already kept
        kept = [t for t, _f in kept] + kept_photos.keep(request.user, request.FILES.getlist("photos"))
    else:
        form = ReportForm()
    return render(request, "cases/report.html", {
        "kept_photos": kept[:kept_photos.MAX_KEPT],
        "form": form, "channel": channel, "can_solve": can_solve, "public": False,
        "breadcrumb": [{"label": "事件管理"}, {"label": "上报事件"}],
    })


def _reported(request, case):
    """After filing: the case page, or — when the point lies in a grid the filer does not look
    after — a notice saying which grid took it, and its public progress page."""
    if not actions.outside_own_area(request.user, case):
        messages.success(request, f"已上报，案卷号 {case.number}")
        return redirect("cases:detail", pk=case.pk)
    messages.warning(request, f"已上报，案卷号 {case.number}。该位置属于“{case.grid.name}”（{case.grid.code}），"
                              "不在您负责的网格内，事件已交由该网格处理；可在本页跟进办理进度。")
    return redirect("cases:public", token=case.public_token)


@login_required
def components_fragment(request):
    """htmx: components the viewer may see whose code or name matches (the component picker)."""
    from django.db.models import Q

    from gridgov.registry.models import Component

    q = (request.GET.get("component") or "").strip()
    found = []
    if len(q) >= 2:
        found = Component.objects.visible_to(request.user).filter(
            Q(code__startswith=q) | Q(name__icontains=q) | Q(address__icontains=q)
        ).select_related("component_class")[:20]
    return render(request, "cases/_components.html", {"components": found})


def questions_fragment(request):
    """htmx: the extra questions of the chosen class."""
    form = ReportForm(request.GET)
    return render(request, "cases/_questions.html", {"questions": form.questions()})


def duplicates_fragment(request):
    """htmx: open cases of the same class within its radius (shown before filing)."""
    category = _category(request.GET.get("category"))
    try:
        lng, lat = float(request.GET.get("lng")), float(request.GET.get("lat"))
    except (TypeError, ValueError):
        lng = lat = None
    found = queries.duplicates(category, lng, lat) if category else []
    public = not request.user.is_authenticated or not can(request.user, "cases.view_case")
    # Anonymous visitors and roles without case access learn only how many; staff see the cases
    # they may see, and a count of the others (issue 11: titles and numbers leaked across streets).
    listed = [] if public else list(found)
    if listed:
        visible = set(Case.objects.visible_to(request.user).filter(pk__in=[c.pk for c in listed])
                      .values_list("pk", flat=True))
        listed = [c for c in listed if c.pk in visible]
    return render(request, "cases/_duplicates.html", {
        "count": len(found), "duplicates": listed, "hidden": len(found) - len(listed), "category": category,
        "public": public})


@login_required
def queue(request):
    """The department work queue: cases dispatched to my department, oldest deadline first."""
    _need(request.user, "cases.handle_case")
    qs = Case.objects.visible_to(request.user).filter(
        state__in=[CaseState.DISPATCHED, CaseState.HANDLING, CaseState.HANDLED])
    departments = list(grants(request.user, "cases.handle_case").departments)
    if departments:
        qs = qs.filter(current_department_id__in=departments)
    qs = list_related(qs).order_by("due_at", "id")
    page = queries.CappedPaginator(qs, queries.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/queue.html", {
        "page": page, "now": clock.now(), "breadcrumb": [{"label": "事件管理"}, {"label": "部门待办"}]})


# Who may look at the overdue board: supervisors act on it; whoever follows the evaluation
# (a district leader, read-only) sees it too. Supervising stays on the case page, behind its
# own permission.
OVERDUE_VIEW_PERMS = ("cases.supervise_case", "cases.view_evaluation")


@login_required
def overdue(request):
    """Supervisor board: open cases past or near their step deadline, by department."""
    if not any(can(request.user, p) for p in OVERDUE_VIEW_PERMS):
        raise Http404("对象不存在或无权访问")
    now = clock.now()
    qs = Case.objects.visible_to(request.user).within(request.active_scope).filter(
        state__in=OPEN_STATES, warn_at__lte=now)
    from django.db.models import Count, Q

    by_dept = [
        {**d, "warning": d["total"] - d["overdue"]}
        for d in qs.values("current_department__name").annotate(
            total=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now))).order_by("-overdue")
    ]
    # the page's keys first, then its rows with their joins (as the case list): in one query
    # PostgreSQL misjudged the open cases as 6 and joined 922 of them to every class (47 ms)
    page = KeysFirstPaginator(qs.order_by("due_at", "id"), queries.PAGE_SIZE,
                              fetch=lambda keys: list_related(Case.objects.filter(pk__in=keys))).get_page(
        request.GET.get("page"))
    return render(request, "cases/overdue.html", {
        "page": page, "now": now, "by_dept": by_dept,
        "can_supervise": can(request.user, "cases.supervise_case"),
        "breadcrumb": [{"label": "事件管理"}, {"label": "超期督办"}]})
