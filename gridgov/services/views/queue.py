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
