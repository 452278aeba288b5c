"""Staff pages: kiosk devices (register, key shown once, revoke, re-issue) and the policy library
(edit, publish, withdraw, attachments). Scoped by `visible_to`; forbidden and missing are one 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gridgov.core import clock
from gridgov.core.access import can, get_visible_or_404, prefix_q, scope_prefixes
from gridgov.core.paging import CappedPaginator
from gridgov.divisions.models import Division

from .. import actions, queries
from ..forms import AttachmentForm, DeviceForm, PolicyFilter, PolicyForm, RevokeForm
from ..models import KioskDevice, PolicyAttachment, PolicyDocument

KEY_SESSION = "kiosk_new_key"


def _need(request, perm, code=None):
    if not can(request.user, perm, code):
        raise Http404("对象不存在或无权访问")


def _divisions(user, perm, levels):
    prefixes = scope_prefixes(user, perm)
    qs = Division.objects.filter(level__in=levels).order_by("code")
    if isinstance(prefixes, list):
        qs = qs.filter(prefix_q("code", prefixes)) if prefixes else qs.none()
    return qs


def _run(request, form, fn, **kwargs):
    try:
        return fn(actor=request.user, **kwargs)
    except ValidationError as exc:
        for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
            if form is not None:
                form.add_error(field if field in form.fields else None, errors)
            else:
                messages.error(request, "；".join(errors))
    except PermissionDenied:
        raise Http404("对象不存在或无权访问")
    return None


# --- devices -------------------------------------------------------------------------------------

@login_required
def device_list(request):
    _need(request, "kiosk.view_kioskdevice")
    devices = KioskDevice.objects.visible_to(request.user).within(getattr(request, "active_scope", "")).select_related(
        "community")
    now = clock.now()
    rows = [(d, d.is_online(now)) for d in devices[:500]]
    return render(request, "kiosk/staff/device_list.html", {
        "rows": rows, "can_add": can(request.user, "kiosk.add_kioskdevice")})


@login_required
def device_create(request):
    _need(request, "kiosk.add_kioskdevice")
    communities = _divisions(request.user, "kiosk.add_kioskdevice", [3])
    form = DeviceForm(request.POST or None, communities=communities)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        result = _run(request, form, actions.register_device, community=data.pop("community"), data=data)
        if result:
            device, key = result
            request.session[KEY_SESSION] = {"device": device.pk, "key": key}
            return redirect("kiosk:device_key", pk=device.pk)
    return render(request, "kiosk/staff/form.html", {"form": form, "title": "登记自助终端"})


@login_required
def device_detail(request, pk):
    device = get_visible_or_404(KioskDevice.objects.select_related("community"), request.user, pk=pk)
    form = DeviceForm(request.POST or None, instance=device) if can(
        request.user, "kiosk.change_kioskdevice", device.division_code) else None
    if request.method == "POST" and form is not None and form.is_valid():
        if _run(request, form, actions.update_device, device=device, data=form.cleaned_data):
            messages.success(request, "已保存")
            return redirect(device)
    return render(request, "kiosk/staff/device_detail.html", {
        "device": device, "form": form, "online": device.is_online(clock.now()), "revoke_form": RevokeForm(),
        "can_revoke": can(request.user, "kiosk.revoke_kioskdevice", device.division_code)})


@login_required
def device_key(request, pk):
    """The new key, once: it is taken out of the session as the page is shown."""
    device = get_visible_or_404(KioskDevice, request.user, pk=pk)
    held = request.session.pop(KEY_SESSION, None)
    key = held["key"] if held and held.get("device") == device.pk else None
    enrol_url = request.build_absolute_uri(reverse("kiosk:enrol")) + (f"#k={key}" if key else "")
    response = render(request, "kiosk/staff/device_key.html", {"device": device, "key": key, "enrol_url": enrol_url})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def device_revoke(request, pk):
    device = get_visible_or_404(KioskDevice, request.user, pk=pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写停用原因")
    elif _run(request, None, actions.revoke_device, device=device, reason=form.cleaned_data["reason"]):
        messages.success(request, f"已停用“{device.name}”：该终端的密钥立即失效")
    return redirect(device)


@login_required
@require_POST
def device_reissue(request, pk):
    device = get_visible_or_404(KioskDevice, request.user, pk=pk)
    key = _run(request, None, actions.issue_key, device=device)
    if key:
        request.session[KEY_SESSION] = {"device": device.pk, "key": key}
        return redirect("kiosk:device_key", pk=device.pk)
    return redirect(device)


# --- policies ------------------------------------------------------------------------------------

@login_required
def policy_list(request):
    _need(request, "kiosk.view_policydocument")
    flt = PolicyFilter(request.GET or None)
    d = flt.cleaned_data if flt.is_valid() else {}
    qs = queries.staff_policies(request.user, q=d.get("q", ""), category=d.get("category", ""),
                                status=d.get("status", ""), scope=getattr(request, "active_scope", ""))
    page = CappedPaginator(qs.only("pk", "title", "issuer", "issued_on", "category", "status", "valid_to", "division_code"),
                     30).get_page(request.GET.get("page"))
    return render(request, "kiosk/staff/policy_list.html", {
        "filter": flt, "page": page, "can_add": can(request.user, "kiosk.add_policydocument"), "today": clock.today()})


@login_required
def policy_edit(request, pk=None):
    policy = get_visible_or_404(PolicyDocument, request.user, pk=pk) if pk else None
    _need(request, "kiosk.change_policydocument" if policy else "kiosk.add_policydocument",
          policy.division_code if policy else None)
    divisions = _divisions(request.user, "kiosk.add_policydocument", [1, 2, 3])
    form = PolicyForm(request.POST or None, instance=policy, divisions=divisions)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        division = data.pop("division", None)
        saved = _run(request, form, actions.save_policy, policy=policy, division=division, data=data)
        if saved:
            messages.success(request, "已保存")
            return redirect(saved)
    return render(request, "kiosk/staff/form.html", {"form": form, "title": "编辑政策文件" if policy else "新增政策文件"})


@login_required
def policy_detail(request, pk):
    policy = get_visible_or_404(PolicyDocument, request.user, pk=pk)
    code = policy.division_code
    form = AttachmentForm()
    if request.method == "POST":
        what = request.POST.get("action")
        if what == "publish":
            if _run(request, None, actions.publish_policy, policy=policy):
                messages.success(request, "已发布：终端和网站即可查阅")
        elif what == "withdraw":
            if _run(request, None, actions.withdraw_policy, policy=policy, reason=request.POST.get("reason", "")):
                messages.success(request, "已撤回")
        elif what == "attach":
            form = AttachmentForm(request.POST, request.FILES)
            if form.is_valid() and _run(request, form, actions.add_policy_attachment, policy=policy,
                                        title=form.cleaned_data["title"], upload=form.cleaned_data["file"]):
                messages.success(request, "附件已上传")
                return redirect(policy)
        elif what == "detach":
            item = PolicyAttachment.objects.filter(policy=policy, pk=request.POST.get("attachment")).first()
            if item is None:
                raise Http404("对象不存在或无权访问")
            _run(request, None, actions.remove_policy_attachment, attachment=item)
        if what != "attach":
            return redirect(policy)
    return render(request, "kiosk/staff/policy_detail.html", {
        "policy": policy, "form": form, "attachments": policy.attachments.all(),
        "can_change": can(request.user, "kiosk.change_policydocument", code),
        "can_publish": can(request.user, "kiosk.publish_policydocument", code), "today": clock.today()})
