"""The terminal's pages at /kiosk/ (display shell, touch UI). Every page authenticates the
device (`kiosk_required`); writes run as the anonymous visitor with the device named.

The identified resident is kept in the session for IDLE_SECONDS after the last request; the
page's idle reset (90 s) goes to `/kiosk/?end=1`, which forgets them."""

import time

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .. import actions, queries
from ..choices import DeviceStatus, PolicyCategory
from ..device import COOKIE, COOKIE_AGE, find_device, kiosk_actor, kiosk_required
from ..forms import EnrolForm, IdentifyForm

IDLE_SECONDS = 90  # settings.KIOSK_IDLE_SECONDS overrides (browser tests)


def idle_seconds():
    from django.conf import settings

    return int(getattr(settings, "KIOSK_IDLE_SECONDS", IDLE_SECONDS))
SESSION_KEYS = ("kiosk_person", "kiosk_seen", "kiosk_person_name")


def end_visit(request):
    for k in SESSION_KEYS:
        request.session.pop(k, None)


def current_person_id(request):
    """The resident identified at this terminal within the last IDLE_SECONDS, else None."""
    pid, seen = request.session.get("kiosk_person"), request.session.get("kiosk_seen", 0)
    if pid and time.time() - seen <= idle_seconds():
        request.session["kiosk_seen"] = time.time()
        return pid
    if pid:
        end_visit(request)
    return None


def _ctx(request, **extra):
    pid = current_person_id(request)
    return {"device": request.kiosk, "kiosk": True, "idle_seconds": idle_seconds(), "resident_name": request.session.get("kiosk_person_name")
            if pid else "", **extra}


def features():
    """The functions this install offers at the terminal (the services and utilities apps add
    theirs when installed)."""
    from django.apps import apps
    from django.urls import NoReverseMatch

    def offered(app, url_name):
        try:
            return apps.is_installed(app) and bool(reverse(url_name))
        except NoReverseMatch:
            return False

    return {"services": offered("gridgov.services", "kiosk:apply"), "utilities": offered("gridgov.utilities", "kiosk:bills")}


@never_cache
@kiosk_required
def home(request):
    if request.GET.get("end"):
        end_visit(request)
        return redirect("kiosk:home")
    return render(request, "kiosk/screen/home.html", _ctx(request, features=features(),
                                                           categories=PolicyCategory.choices))


def enrol(request):
    """Enrol this browser as a terminal: the key (typed, or filled from the link's #k= fragment by
    kiosk.js, so it never reaches a server log) is checked and kept in a long-lived cookie."""
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = find_device(form.cleaned_data["key"])
        if device is None:
            form.add_error("key", "密钥无效：请核对，或在后台重新签发")
        elif device.status != DeviceStatus.ACTIVE:
            return render(request, "kiosk/refused.html", {"reason": "revoked", "device": device}, status=403)
        else:
            actions.enrol_device(actor=AnonymousUser(), device=device)
            response = redirect("kiosk:home")
            response.set_cookie(COOKIE, form.cleaned_data["key"].strip(), max_age=COOKIE_AGE, httponly=True,
                                samesite="Lax", secure=request.is_secure())
            return response
    return render(request, "kiosk/enrol.html", {"form": form})


@csrf_exempt  # authenticated by the device key; it only marks the device alive
@require_POST
@kiosk_required
def heartbeat(request):
    actions.heartbeat(actor=kiosk_actor(request.kiosk), device=request.kiosk)
    return JsonResponse({"ok": True, "device": request.kiosk.name})


@never_cache
@kiosk_required
def policy_list(request):
    q = (request.GET.get("q") or "").strip()[:40]
    category = request.GET.get("category") or ""
    if category not in PolicyCategory.values:
        category = ""
    rows = list(queries.kiosk_policies(request.kiosk, q=q, category=category)[:40])
    return render(request, "kiosk/screen/policies.html", _ctx(
        request, rows=rows, q=q, category=category, categories=PolicyCategory.choices,
        letters="ABCDEFGHIJKLMNOPQRSTUVWXYZ"))


@never_cache
@kiosk_required
def policy_detail(request, pk):
    policy = queries.kiosk_policies(request.kiosk).defer(None).filter(pk=pk).first()
    if policy is None:
        raise Http404("找不到该文件")
    return render(request, "kiosk/screen/policy.html", _ctx(request, policy=policy,
                                                            attachments=policy.attachments.all()))


def _safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}) and target.startswith("/kiosk/"):
        return target
    return default


@never_cache
@kiosk_required
def identify(request):
    """Who is at the terminal: name + ID number (+ phone last 4), matched by the keyed hash."""
    device = request.kiosk
    form = IdentifyForm(request.POST or None)
    nxt = _safe_next(request, reverse("kiosk:home"))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        result = actions.identify_resident(actor=kiosk_actor(device), device=device, name=d["name"],
                                           id_number=d["id_number"], phone_last4=d["phone_last4"])
        if result.person is not None:
            request.session.cycle_key()
            request.session.update({"kiosk_person": result.person.pk, "kiosk_seen": time.time(),
                                    "kiosk_person_name": result.person.name[:1] + "*" * (len(result.person.name) - 1)})
            return redirect(nxt)
        form.add_error(result.field or None, result.error)
    return render(request, "kiosk/screen/identify.html", _ctx(request, form=form, next=nxt))


@never_cache
@kiosk_required
def report(request):
    """反映问题 at the terminal: pick a class, optionally describe it and leave a phone number."""
    from gridgov.cases.models import CaseCategory

    device = request.kiosk
    categories = list(CaseCategory.objects.filter(is_active=True, is_public=True, parent__isnull=False)
                      .order_by("parent__sort", "sort", "pk").select_related("parent")[:60])
    error, posted = "", request.POST
    if request.method == "POST":
        category = next((c for c in categories if str(c.pk) == request.POST.get("category")), None)
        phone = "".join((request.POST.get("phone") or "").split())
        if category is None:
            error = "请选择问题类别"
        elif phone and not (len(phone) == 11 and phone.isdigit()):
            error = "联系电话：请输入 11 位手机号，或留空"
        else:
            try:
                case = actions.report_problem(
                    actor=kiosk_actor(device), device=device, category=category,
                    title=(request.POST.get("title") or "").strip()[:120] or category.name,
                    description=(request.POST.get("description") or "").strip()[:2000],
                    address=(request.POST.get("address") or "").strip()[:200], reporter_phone=phone)
            except (ValidationError, PermissionDenied) as exc:
                error = "；".join(getattr(exc, "messages", [str(exc)]))
            else:
                return render(request, "kiosk/screen/report_done.html", _ctx(request, case=case))
    return render(request, "kiosk/screen/report.html", _ctx(request, categories=categories, error=error, posted=posted))

