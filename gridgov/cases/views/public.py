"""Resident-facing pages (no login needed): report a problem, the kiosk variant, and follow a
case by its public token (no personal data shown), where the reporter can rate or reopen."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from .. import actions, conf
from ..choices import CaseState, Channel, EventKind, Urgency
from ..forms import ReportForm
from ..models import Case
from .staff import error_text

PUBLIC_EVENT_KINDS = [EventKind.REPORT, EventKind.REGISTER, EventKind.REJECT, EventKind.CANCEL, EventKind.DISPATCH,
                      EventKind.ACCEPT, EventKind.HANDLE, EventKind.VERIFY_PASS, EventKind.VERIFY_FAIL,
                      EventKind.CLOSE, EventKind.SOLVE, EventKind.RATE, EventKind.REOPEN, EventKind.MERGE]


def client_ip(request):
    return request.META.get("REMOTE_ADDR", "")


def public_report(request, kiosk=False):
    channel = Channel.KIOSK if kiosk else Channel.WEB
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES)
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
        form = ReportForm()
    return render(request, "cases/public/report.html", {"form": form, "kiosk": kiosk, "public": True})


def kiosk_report(request):
    return public_report(request, kiosk=True)


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
