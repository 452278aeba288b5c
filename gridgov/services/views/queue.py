"""Hall queue pages: the hall desk (counters, take a ticket at reception), a counter's page
(call next, recall, no-show, transfer, serve) and the hall TV display (public, no personal data:
ticket numbers and counters only), refreshed by htmx polling."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gridgov.core import clock
from gridgov.core.access import can, get_visible_or_404

from .. import actions
from ..choices import TicketChannel, TicketState
from ..models import Counter, ServiceGroup, Ticket
from ._common import need, run, scope_of

ROOT = {"label": "取号叫号", "url": "/services/queue/"}


def _groups_with_counts(groups):
    today = clock.today()
    return groups.annotate(
        waiting=Count("tickets", filter=Q(tickets__day=today, tickets__state=TicketState.WAITING)),
        served=Count("tickets", filter=Q(tickets__day=today, tickets__state=TicketState.DONE)))


@login_required
def desk(request):
    need(request, "services.view_ticket")
    groups = _groups_with_counts(ServiceGroup.objects.visible_to(request.user).within(scope_of(request))
                                 .filter(is_active=True).select_related("community"))
    counters = Counter.objects.visible_to(request.user).within(scope_of(request)).select_related("community", "staff")
    counters = [c for c in counters[:60] if can(request.user, "services.call_ticket", c.division_code)]
    return render(request, "services/queue_desk.html", {
        "groups": groups[:60], "counters": counters,
        "can_take": can(request.user, "services.add_ticket"), "breadcrumb": [{"label": "取号叫号"}]})


@login_required
@require_POST
def take(request):
    group = get_visible_or_404(ServiceGroup, request.user, pk=request.POST.get("group") or 0)
    need(request, "services.add_ticket", group.division_code)
    ticket = run(request, actions.take_ticket, None, "", group=group, channel=TicketChannel.RECEPTION,
                 priority=bool(request.POST.get("priority")))
    if ticket:
        messages.success(request, f"已取号：{ticket.number}（{group.name}）")
    return redirect("services:queue")


@login_required
def counter_desk(request, pk):
    counter = get_visible_or_404(Counter.objects.select_related("community"), request.user, pk=pk)
    need(request, "services.call_ticket", counter.division_code)
    today = clock.today()
    current = Ticket.objects.filter(counter=counter, day=today, state__in=(TicketState.CALLED, TicketState.SERVING)
                                    ).order_by("-called_at").first()
    groups = _groups_with_counts(counter.groups.all())
    others = ServiceGroup.objects.filter(community=counter.community, is_active=True)
    return render(request, "services/counter_desk.html", {
        "counter": counter, "current": current, "groups": groups, "others": others,
        "breadcrumb": [ROOT, {"label": str(counter)}]})


@login_required
@require_POST
def counter_act(request, pk, step):
    counter = get_visible_or_404(Counter, request.user, pk=pk)
    ticket = None
    if (tid := request.POST.get("ticket", "")).isdigit():
        ticket = get_visible_or_404(Ticket, request.user, pk=int(tid))
    if step == "next":
        called = run(request, actions.call_next, None, "", counter=counter)
        if called is True:
            messages.info(request, "当前没有等候的号")
        elif called:
            messages.success(request, f"请 {called.number} 号到 {counter.number} 号窗口")
    elif step == "recall" and ticket:
        run(request, actions.recall_ticket, None, f"已重呼 {ticket.number}", ticket=ticket)
    elif step == "serving" and ticket:
        run(request, actions.start_serving, None, "", ticket=ticket)
    elif step == "no_show" and ticket:
        run(request, actions.no_show, None, f"{ticket.number} 已过号", ticket=ticket)
    elif step == "transfer" and ticket:
        group = get_visible_or_404(ServiceGroup, request.user, pk=request.POST.get("group") or 0)
        new = run(request, actions.transfer_ticket, None, "", ticket=ticket, group=group)
        if new and new is not True:
            messages.success(request, f"已转至{group.name}，新号 {new.number}（优先）")
    elif step == "done" and ticket:
        app = None
        if number := request.POST.get("application", "").strip():
            from ..models import Application

            app = Application.objects.visible_to(request.user).filter(number=number).first()
            if app is None:
                messages.error(request, "办件编号不存在")
                return redirect("services:counter_desk", pk=counter.pk)
        run(request, actions.serve_ticket, None, f"{ticket.number} 办理完成", ticket=ticket, application=app)
    else:
        raise Http404
    return redirect("services:counter_desk", pk=counter.pk)


def _hall(code):
    from gridgov.divisions.models import Division

    community = Division.objects.filter(code=code, level=3).first()
    if community is None or not ServiceGroup.objects.filter(community=community).exists():
        raise Http404("大厅不存在")
    return community


def _board(community):
    today = clock.today()
    called = list(Ticket.objects.filter(division_code=community.code, day=today, called_at__isnull=False)
                  .select_related("counter").order_by("-called_at")[:8])
    groups = _groups_with_counts(ServiceGroup.objects.filter(community=community, is_active=True))
    latest = called[0] if called else None
    return {"community": community, "called": called, "groups": groups, "latest": latest,
            "speak_key": f"{latest.pk}-{latest.call_count}" if latest else ""}


def hall(request, code):
    """The hall TV (display_base.html): public, no personal data."""
    return render(request, "services/hall.html", _board(_hall(code)))


def hall_board(request, code):
    return render(request, "services/_hall_board.html", _board(_hall(code)))


@login_required
def queue_stats(request):
    """排队统计: waiting and serving time by hour, per group, over a day or a period; XLSX export."""
    import datetime

    from gridgov.core.exports import export_response

    from .. import queuestats

    need(request, "services.view_servicestats")
    today = clock.today()

    def day(key, default):
        try:
            return datetime.date.fromisoformat(request.GET.get(key, ""))
        except ValueError:
            return default

    start, end, error = day("start", today), day("end", today), ""
    if end < start:
        start, end, error = end, start, "结束日期早于开始日期，已对调"
    if (end - start).days >= queuestats.MAX_DAYS:
        start, error = end - datetime.timedelta(days=queuestats.MAX_DAYS - 1), "统计期间最长一年，已从结束日期往前取一年"
    groups = ServiceGroup.objects.visible_to(request.user).within(scope_of(request)).select_related("community")
    group = None
    if (gid := request.GET.get("group", "")).isdigit():
        group = groups.filter(pk=int(gid)).first()
    kw = {"scope": scope_of(request), "start": start, "end": end, "group": group}
    rows = queuestats.hourly(request.user, **kw)
    group_rows = queuestats.by_group(request.user, **kw)
    if request.GET.get("export") == "xlsx":
        head = ["取号数", "已叫号", "办结", "过号", "预约签到", "平均等候(分钟)", "最长等候(分钟)", "平均办理(分钟)"]
        keys = ["taken", "called", "served", "no_show", "appointment", "wait", "max_wait", "serve"]
        data = [[f"{r['hour']}:00-{r['hour']}:59", *[r[k] for k in keys]] for r in rows]
        data += [[f"分组 {r['name']}", *[r[k] for k in keys]] for r in group_rows]
        return export_response(request.user, data, headers=["时段/分组", *head], filename=f"排队统计_{start}_{end}",
                               fmt="xlsx", subject=("services.ticket", "", "排队统计"), filters=request.GET.dict())
    return render(request, "services/queue_stats.html", {
        "rows": rows, "groups_rows": group_rows, "chart": queuestats.chart(rows), "start": start, "end": end,
        "groups": groups[:100], "group": group, "error": error, "breadcrumb": [{"label": "服务统计", "url": "/services/stats/"}, {"label": "排队统计"}]})
