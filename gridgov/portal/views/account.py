"""Resident account pages: login, sign-up, consent, verification, my data, family, deletion."""

import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gridgov.core import audit
from gridgov.core.choices import AuditKind

from .. import actions, ratelimit, sms
from ..access import current_resident, resident_required
from ..choices import PRIVACY_VERSION
from ..forms import ConsentForm, DeleteForm, FamilyForm, ResidentLoginForm, SignUpForm, VerifyForm
from ..models import FamilyLink
from ..queries import my_data, pending_for_elder, recent_notices
from .common import add_errors, community_or_404, error_text, safe_next

BACKEND = "gridgov.accounts.backends.LockoutModelBackend"


class LoginView(auth_views.LoginView):
    template_name = "portal/account/login.html"
    authentication_form = ResidentLoginForm
    redirect_authenticated_user = False

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        audit.record(user, "accounts.login", user, kind=AuditKind.LOGIN)
        return response

    def get_success_url(self):
        return safe_next(self.request, reverse("portal:me"))


@require_POST
def logout_view(request):
    logout(request)
    return redirect("portal:district")


def signup(request, code):
    """Two steps on one page (works without JavaScript): 获取验证码 sends the SMS code, 注册
    creates the account and signs it in, then the consent and verification pages follow."""
    community = community_or_404(code)
    form = SignUpForm(request.POST or None)
    sent = False
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ip = ratelimit.client_ip(request)
        try:
            phone = actions.residents.normalise_mobile(d["phone"])
            if "send" in request.POST:
                ratelimit.check("sms", ip)
                ratelimit.check("sms", phone)
                sms.send_code(phone)
                sent = True
                messages.info(request, "验证码已发送，请查看短信")
            else:
                if not d["agree"]:
                    raise ValidationError({"agree": "请阅读并同意《个人信息保护说明》"})
                if not d["password"]:
                    raise ValidationError({"password": "请设置密码"})
                profile = actions.sign_up(actor=request.user, phone=phone, code=d["code"], password=d["password"],
                                          community=community, display_name=d["display_name"], ip=ip)
                actions.give_consent(actor=profile.user, profile=profile)
                login(request, profile.user, backend=BACKEND)
                messages.success(request, "注册成功。完成实名认证后可预约场地和办理事项。")
                return redirect("portal:verify")
        except (ValidationError, PermissionDenied) as exc:
            add_errors(form, exc)
    return render(request, "portal/account/signup.html", {
        "form": form, "community": community, "sent": sent, "privacy_version": PRIVACY_VERSION})


def privacy(request):
    return render(request, "portal/account/privacy.html", {"privacy_version": PRIVACY_VERSION})


def consent(request):
    profile = current_resident(request.user)
    if profile is None:
        return redirect("portal:login")
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.give_consent(actor=request.user, profile=profile)
        return redirect(safe_next(request, reverse("portal:me")))
    return render(request, "portal/account/consent.html", {"form": form, "privacy_version": PRIVACY_VERSION})


@resident_required
def verify(request):
    profile = request.resident
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.verify_online(actor=request.user, profile=profile, ip=ratelimit.client_ip(request),
                                  **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "实名认证成功")
            return redirect(safe_next(request, reverse("portal:me")))
    return render(request, "portal/account/verify.html", {"form": form, "profile": profile})


@resident_required
def me(request):
    profile = request.resident
    links = FamilyLink.objects.filter(proxy=profile).select_related("elder")
    return render(request, "portal/account/me.html", {"profile": profile, "links": links,
                                                       "pending": pending_for_elder(profile),
                                                       "notices": recent_notices(request.user),
                                                       "data": my_data(profile)})


@resident_required
def export(request):
    profile = request.resident
    actions.record_export(actor=request.user, profile=profile)
    body = json.dumps(my_data(profile), ensure_ascii=False, indent=2, default=str)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@resident_required(verified=True)
def family(request):
    profile = request.resident
    form = FamilyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.request_family_link(actor=request.user, profile=profile, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "已提交申请，请老人本人在其账号中确认，或由社区工作人员核实后授权")
            return redirect("portal:me")
    return render(request, "portal/account/family.html", {"form": form})


@require_POST
@resident_required
def family_decide(request, pk):
    link = get_object_or_404(FamilyLink, pk=pk)
    try:
        actions.decide_family_link(actor=request.user, link=link, approve=request.POST.get("approve") == "1")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    return redirect("portal:me")


@resident_required
def delete(request):
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.delete_account(actor=request.user, profile=request.resident)
        logout(request)
        messages.success(request, "账号已注销。您的预约、评价等公开记录已匿名保留。")
        return redirect("portal:district")
    return render(request, "portal/account/delete.html", {"form": form})
