"""The cases app's cards on the signed-in home page (manifest `home_cards`): a department's queue,
the oversight figures a leader follows, a resident's own reports, and the public pages."""

from django.db.models import Count, Q
from django.urls import reverse

from gridgov.core import clock
from gridgov.core.access import can, grants

from .choices import OPEN_STATES, CaseState
from .models import Case


def department_queue(request):
    """部门处置人员: what waits for the department."""
    user = request.user
    departments = list(grants(user, "cases.handle_case").departments)
    if not departments:
        return None
    now = clock.now()
    # only the two counted states: a department's closed cases (59,000 of its 59,250 at district
    # scale) stay out of the read, the (department, state) index finds the rest (46 → 0.3 ms)
    waiting = [CaseState.DISPATCHED, CaseState.HANDLING]
    c = Case.objects.visible_to(user).filter(current_department_id__in=departments, state__in=waiting).aggregate(
        sign=Count("id", filter=Q(state=CaseState.DISPATCHED)),
        handling=Count("id", filter=Q(state=CaseState.HANDLING)),
        overdue=Count("id", filter=Q(due_at__lt=now)))
    url = reverse("cases:queue")
    return {"title": "部门待办", "order": 10, "stats": [
        {"label": "待签收", "num": c["sign"], "url": url}, {"label": "处置中", "num": c["handling"], "url": url},
        {"label": "已超期", "num": c["overdue"], "url": url}],
        "links": [{"label": "打开部门待办", "url": url}]}


def oversight(request):
    """A read-only viewer of the evaluation (区领导): open and overdue cases, where to look."""
    user = request.user
    if not can(user, "cases.view_evaluation") or can(user, "cases.register_case"):
        return None  # the command centre's staff have the lists in their menu already
    now = clock.now()
    qs = Case.objects.visible_to(user).within(request.active_scope).filter(state__in=OPEN_STATES)
    c = qs.aggregate(open=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now)))
    return {"title": "事件办理情况", "order": 20, "stats": [
        {"label": "办理中", "num": c["open"], "url": reverse("cases:list") + "?state=open"},
        {"label": "已超期", "num": c["overdue"], "url": reverse("cases:overdue")}],
        "links": [{"label": "综合评价", "url": reverse("cases:evaluation")},
                  {"label": "超期督办", "url": reverse("cases:overdue")}]}


def my_reports(request):
    """A resident's own reports (made while signed in) and where to report a new one."""
    user = request.user
    if can(user, "cases.view_case"):
        return None
    mine = list(Case.objects.filter(reporter=user).order_by("-reported_at")[:5])
    links = [{"label": f"{c.number} {c.title}（{c.get_state_display()}）",
              "url": reverse("cases:public", args=[c.public_token])} for c in mine]
    return {"title": "我反映的问题", "order": 30,
            "lines": [] if mine else ["您还没有反映过问题。"],
            "links": [*links, {"label": "反映新问题", "url": reverse("cases:public_report")},
                      {"label": "查询办理进度", "url": reverse("cases:public_track")}]}


def public_pages(request):
    """Staff: where residents report and follow problems (to tell them on the phone)."""
    if not can(request.user, "cases.view_case"):
        return None
    return {"title": "公众服务", "order": 900,
            "lines": ["居民无需登录即可反映问题，并凭案卷号和手机号后四位查询办理进度。"],
            "links": [{"label": "居民反映问题", "url": reverse("cases:public_report")},
                      {"label": "查询办理进度", "url": reverse("cases:public_track")}]}
