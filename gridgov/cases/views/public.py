"""Resident-facing pages (no login needed): report a problem, the kiosk variant, and follow a
case by its public token (no personal data shown), where the reporter can rate or reopen."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from gridgov.core import net, throttle

from .. import actions, conf
from ..choices import CaseState, Channel, EventKind, Urgency
from ..forms import ReportForm, TrackForm
from ..models import Case
from .staff import error_text

PUBLIC_EVENT_KINDS = [EventKind.REPORT, EventKind.REGISTER, EventKind.REJECT, EventKind.CANCEL, EventKind.DISPATCH,
                      EventKind.ACCEPT, EventKind.HANDLE, EventKind.VERIFY_PASS, EventKind.VERIFY_FAIL,
                      EventKind.CLOSE, EventKind.SOLVE, EventKind.RATE, EventKind.REOPEN, EventKind.MERGE]


def client_ip(request):
    """The visitor's address, behind the trusted proxies too (core/net.py)."""
    return net.client_ip(request)


def public_report(request, kiosk=False):
    channel = Channel.KIOSK if kiosk else Channel.WEB
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES, public=True)
        if form.is_valid():
            d = form.cleaned_data
            try:
                case = actions.report_case(
                    actor=request.user, category=d["category"], title=d["title"], description=d["description"],
                    channel=channel, lng=d["lng"], lat=d["lat"], grid=d["grid"], address=d["address"],
                    urgency=Urgency.NORMAL, reporter_name=d["reporter_name"], reporter_phone=d["reporter_phone"], attributes=form.attributes(),
                    photos=request.FILES.getlist("photos")[:5], ip=client_ip(request),
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, error_text(exc))
            else:
                return redirect("cases:public", token=case.public_token)
    else:
        form = ReportForm(public=True)
    return render(request, "cases/public/report.html", {"form": form, "kiosk": kiosk, "public": True})


def kiosk_report(request):
    return public_report(request, kiosk=True)


TRACK_LIMIT = (10, 15 * 60)  # failed look-ups per source address (and per case number) per 15 minutes


def _track_blocked(keys):
    limit, _window = TRACK_LIMIT
    return any(throttle.blocked(k, limit) for k in keys)


def _track_failed(keys):
    _limit, window = TRACK_LIMIT
    for k in keys:
        throttle.record(k, window)


def public_track(request):
    """查询进度: find a report by its case number and the last four digits of the phone the
    reporter gave, then go to its public page. Failed look-ups are limited per address and per
    number, so the four digits cannot be guessed."""
    form = TrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        number, last4 = form.cleaned_data["number"], form.cleaned_data["phone_last4"]
        keys = [f"track:ip:{actions.ip_hash(client_ip(request))}", f"track:no:{number}"]
        if _track_blocked(keys):
            form.add_error(None, "查询过于频繁，请 15 分钟后再试")
        else:
            case = Case.objects.filter(number=number).only("public_token", "reporter_phone_masked").first()
            if case is not None and case.reporter_phone_masked and case.reporter_phone_masked[-4:] == last4:
                return redirect("cases:public", token=case.public_token)
            _track_failed(keys)
            form.add_error(None, "没有找到：请核对案卷号和手机号后四位。上报时没有留电话的，请使用提交后页面的地址查询。")
    return render(request, "cases/public/track.html", {"form": form, "public": True})


def public_case(request, token):
    case = Case.objects.select_related("category", "category__parent", "grid", "parent").filter(
        public_token=token).first()
    if case is None:
        raise Http404("找不到该事件")
    error = None
    if request.method == "POST":
        name = request.POST.get("action")
        note = (request.POST.get("note") or "").strip()
        try:
            if name == "rate":
                actions.rate_case(actor=request.user, case=case, rating=request.POST.get("rating"), comment=note,
                                  token=token)
            elif name == "reopen":
                actions.reopen_case(actor=request.user, case=case, note=note, token=token)
            else:
                raise ValidationError("未知的操作")
        except (ValidationError, PermissionDenied) as exc:
            error = error_text(exc)
        else:
            messages.success(request, "已提交，感谢您的反馈")
            return redirect("cases:public", token=token)
        case.refresh_from_db()
    followed = case.parent if case.state == CaseState.MERGED and case.parent_id else case
    events = followed.events.filter(kind__in=PUBLIC_EVENT_KINDS).prefetch_related("attachments")
    return render(request, "cases/public/case.html", {
        "case": case, "followed": followed, "events": events, "error": error, "posted": request.POST,
        "can_rate": case.state == CaseState.CLOSED and not case.rating,
        "can_reopen": case.state == CaseState.CLOSED and conf.reopen_allowed(case),
        "public": True,
    })
