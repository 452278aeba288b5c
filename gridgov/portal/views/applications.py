"""Online applications (网上办事) on the community website: an item's 办事指南, the apply form
built from the item's fields, 我的办件 and 好差评. Reads come from `gridgov.services.public`,
writes go through `gridgov.services.actions` (`submit_application`, `rate_application`,
`correct_application_online` for 补正 uploads). A
resident files and sees applications only for the persons `portal.access.acting_for` names
(themselves once verified, and the elders who authorised them); anything else is a 404."""

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from ..access import acting_for, current_resident, resident_required
from ..forms import (
    ApplicationRatingForm,
    application_form,
    application_payload,
    correction_form,
    correction_payload,
)
from .common import community_or_404, error_text


def _public():
    if not apps.is_installed("gridgov.services"):
        raise Http404("网上办事未启用")
    from gridgov.services import public

    return public


def guide_item(request, code, item_code):
    """办事指南 of one item (public): materials, fields, time limits, fee, legal basis; for a
    verified resident, whether each person they act for meets the conditions."""
    public = _public()
    community = community_or_404(code)
    guide = public.guide(item_code)
    if guide is None:
        raise Http404("找不到该事项")
    checks = []
    profile = current_resident(request.user)
    if guide["online"] and profile is not None:
        item = public.web_item(item_code)
        checks = [(p, public.eligibility(item, p)) for p in acting_for(profile)[:6]]
    return render(request, "portal/services/guide_item.html", {
        "community": community, "g": guide, "checks": checks, "profile": profile})


def _messages_of(exc):
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return exc.message_dict
    return {"": [error_text(exc)]}


@never_cache
@resident_required(verified=True)
def apply(request, code, item_code):
    public = _public()
    community = community_or_404(code)
    item = public.web_item(item_code)
    if item is None:
        raise Http404("该事项不能网上办理")
    guide = public.guide(item_code)
    persons = list(acting_for(request.resident).order_by("pk"))
    chosen = request.POST.get("person") or request.GET.get("person") or request.resident.person_id
    person = next((p for p in persons if str(p.pk) == str(chosen)), None) or next(
        p for p in persons if p.pk == request.resident.person_id)
    fixed = public.registry_answers(item, person)
    form = application_form(guide, fixed, persons, request.POST or None, request.FILES or None)
    if len(persons) > 1:
        form.fields["person"].initial = person.pk
    failures = public.eligibility(item, person)
    if request.method == "POST" and form.is_valid():
        answers, files = application_payload(form, guide, fixed)
        try:
            app = _submit(request, item, person, answers, files)
        except (ValidationError, PermissionDenied) as exc:
            for key, msgs in _messages_of(exc).items():
                field = _form_field(key)
                form.add_error(field if field in form.fields else None, msgs)
        else:
            messages.success(request, f"申请已提交，办件编号 {app.number}，请留意办理进度")
            return redirect("portal:my_application", app.number)
    return render(request, "portal/services/apply.html", {
        "community": community, "g": guide, "form": form, "person": person, "failures": failures})


def _submit(request, item, person, answers, files):
    from gridgov.services.actions import submit_application

    return submit_application(actor=request.user, item=item, person=person, channel="web", answers=answers,
                              files=files)


def _form_field(key):
    """The form field an action's error key names ("answers.x" → f_x, "materials.m1" → m_m1)."""
    if key.startswith("answers."):
        return "f_" + key.split(".", 1)[1]
    if key.startswith("materials."):
        name = key.split(".", 1)[1]
        return ("m_" if name.startswith("m") else "f_") + name
    return None


def _mine(request):
    return list(acting_for(request.resident).values_list("pk", flat=True))


@resident_required
def my_applications(request):
    public = _public()
    rows = list(public.applications_of(_mine(request))[:100])
    return render(request, "portal/services/mine.html", {"rows": rows, "open_states": public.OPEN})


@never_cache
@resident_required
def my_application(request, number):
    public = _public()
    app = public.application_of(_mine(request), number)
    if app is None:
        raise Http404("找不到该办件")
    form = ApplicationRatingForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            level = data["level"]
            try:
                _rate(request, app, level, data)
            except (ValidationError, PermissionDenied) as exc:
                errors = _messages_of(exc)
                if not any(key in form.fields for key in errors):  # e.g. rated already: say so on the page
                    messages.error(request, error_text(exc))
                    return redirect(reverse("portal:my_application", args=[app.number]))
                for key, msgs in errors.items():
                    form.add_error(key if key in form.fields else None, msgs)
            else:
                messages.success(request, "感谢您的评价")
                return redirect(reverse("portal:my_application", args=[app.number]))
    return _detail(request, public, app, form=form)


def _detail(request, public, app, *, form=None, correct_form=None):
    materials = public.correction_materials(app)
    if correct_form is None and materials:
        correct_form = correction_form(materials)
    return render(request, "portal/services/detail.html", {
        "app": app, "events": public.resident_events(app), "missing": public.missing_names(app),
        "can_rate": public.can_rate(app), "form": form or ApplicationRatingForm(), "community": app.community,
        "correct_form": correct_form})


@never_cache
@resident_required
def correct(request, number):
    """补正 online: upload a picture of each missing material; the application returns to review."""
    public = _public()
    app = public.application_of(_mine(request), number)
    if app is None:
        raise Http404("找不到该办件")
    url = reverse("portal:my_application", args=[app.number])
    if request.method != "POST":
        return redirect(url)
    materials = public.correction_materials(app)
    if not materials:
        messages.error(request, "该办件当前不需要补正，或须到窗口补正")
        return redirect(url)
    form = correction_form(materials, request.POST, request.FILES)
    if form.is_valid():
        try:
            _correct(request, app, correction_payload(form, materials))
        except (ValidationError, PermissionDenied) as exc:
            for key, msgs in _messages_of(exc).items():
                field = _form_field(key)
                form.add_error(field if field in form.fields else None, msgs)
        else:
            messages.success(request, "补正材料已提交，办件继续办理")
            return redirect(url)
    return _detail(request, public, app, correct_form=form)


def _correct(request, app, files):
    from gridgov.services.actions import correct_application_online

    correct_application_online(actor=request.user, application=app, files=files)


def _rate(request, app, level, data):
    from gridgov.services.actions import rate_application

    rate_application(actor=request.user, application=app, level=level,
                     efficiency=data.get("efficiency") or level, quality=data.get("quality") or level,
                     attitude=data.get("attitude") or level, comment=data.get("comment", ""), channel="web")
