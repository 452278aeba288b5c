"""Application pages: the list, the counter (find the resident, choose the item, file), the
detail page with its next steps, the receipt with its QR code, the department's queue, the
overdue board, bad-rating rectifications, statistics, and the public status page."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gridgov.core.access import can, get_visible_or_404
from gridgov.core.exports import export_response
from gridgov.core.paging import CappedPaginator, KeysFirstPaginator

from .. import actions, queries
from ..choices import OPEN_STATES, AppState, Channel, RectificationState
from ..forms import (
    CallbackForm,
    CompleteForm,
    DeliverForm,
    NoteForm,
    RateForm,
    RejectForm,
    ResponseForm,
    answers_of,
    application_form,
)
from ..models import Application, Rectification, ServiceItem
from ._common import need, run, scope_of

LIST_CAP = 10_000  # applications counted at most on the list pages

ROOT = {"label": "办件列表", "url": "/services/applications/"}


@login_required
def app_list(request):
    need(request, "services.view_application")
    qs = queries.application_list(request.user, request.GET, scope_of(request))
    # a capped count (nobody pages past the 10,000th), and the page's keys first on the sort's
    # index, then its 30 rows with their joins — as the case list does (issue 14: p95 < 100 ms;
    # bench/services figure 1 times this page and the same query alone)
    page = KeysFirstPaginator(qs, 30, cap=LIST_CAP, fetch=lambda keys: qs.filter(pk__in=keys)).get_page(
        request.GET.get("page"))
    return render(request, "services/app_list.html", {
        "page": page, "states": AppState.choices, "params": request.GET,
        "items": ServiceItem.objects.only("pk", "name"), "title": "办件列表",
        "can_file": can(request.user, "services.add_application"),
        "breadcrumb": [{"label": "办件列表"}],
    })


@login_required
def overdue(request):
    need(request, "services.view_application")
    qs = queries.application_list(request.user, {"overdue": "1"}, scope_of(request)).order_by("due_at")
    page = CappedPaginator(qs, 50, cap=LIST_CAP).get_page(request.GET.get("page"))
    return render(request, "services/app_list.html", {
        "page": page, "title": "超期督办", "board": True, "breadcrumb": [ROOT, {"label": "超期督办"}]})


@login_required
def review_queue(request):
    """The department approver's own queue: forwarded applications of their departments."""
    need(request, "services.review_application")
    # a grant bound to a department sees that department's applications only (core.access)
    qs = Application.objects.visible_to(request.user, "review").filter(state=AppState.REVIEW)
    qs = qs.select_related("item", "department", "community").order_by("due_at")
    page = CappedPaginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "services/app_list.html", {
        "page": page, "title": "部门审核", "board": True, "breadcrumb": [ROOT, {"label": "部门审核"}]})


def _application(request, number, action="view"):
    app = Application.objects.select_related("item", "version", "department", "community", "person", "proxy_member",
                                             "rating").filter(number=number).first()
    if app is None:
        raise Http404("对象不存在或无权访问")
    if action == "review" and app.state == AppState.REVIEW and can(
            request.user, "services.review_application", app.division_code, department=app.department_id):
        return app
    return get_visible_or_404(Application.objects.select_related("item", "version", "department", "community",
                                                                 "person", "proxy_member", "rating"),
                              request.user, number=number)


@login_required
def app_detail(request, number):
    app = _application(request, number, "review")
    user = request.user
    can_accept = can(user, "services.accept_application", app.division_code)
    can_review = app.state == AppState.REVIEW and can(user, "services.review_application", app.division_code,
                                                      department=app.department_id)
    rating = getattr(app, "rating", None) if hasattr(app, "rating") else None
    names = {m["key"]: m["name"] for m in app.version.materials}
    return render(request, "services/app_detail.html", {
        "app": app, "v": app.version, "events": app.events.all(), "attachments": app.attachments.all(),
        "received": [names.get(k, k) for k in app.materials_received],
        "missing": [names.get(k, k) for k in app.missing_materials],
        "answers": [(f["label"], app.answers.get(f["key"], "")) for f in app.version.fields if f["type"] != "file"],
        "can_accept": can_accept, "can_review": can_review, "rating": rating,
        "reject_form": RejectForm(), "note_form": NoteForm(), "complete_form": CompleteForm(),
        "deliver_form": DeliverForm(), "rate_form": RateForm(), "materials": app.version.materials,
        "status_url": queries.status_url(app.number),
        "breadcrumb": [ROOT, {"label": app.number}],
    })


STEPS = {"accept", "reject", "correction", "corrected", "forward", "complete", "deliver", "rate"}


@login_required
@require_POST
def app_act(request, number, step):
    if step not in STEPS:
        raise Http404
    app = _application(request, number, "review")
    post = request.POST
    ok = None
    if step == "accept":
        ok = run(request, actions.accept_application, None, "已受理", application=app, note=post.get("note", ""))
    elif step == "reject":
        ok = run(request, actions.reject_application, None, "已作不予受理", application=app,
                 reason=post.get("reason", ""))
    elif step == "correction":
        ok = run(request, actions.request_correction, None, "已一次性告知补正材料", application=app,
                 missing=post.getlist("missing"), note=post.get("note", ""))
    elif step == "corrected":
        ok = run(request, actions.correct_application, None, "补正完成，办件继续办理", application=app,
                 materials=post.getlist("materials"))
    elif step == "forward":
        ok = run(request, actions.forward_application, None, f"已转{app.department.name}审核", application=app,
                 note=post.get("note", ""))
    elif step == "complete":
        form = CompleteForm(post, request.FILES)
        if form.is_valid():
            ok = run(request, actions.complete_application, None, "已办结", application=app,
                     result=form.cleaned_data["result"], note=form.cleaned_data["note"],
                     document=form.cleaned_data.get("document"))
        else:
            for errors in form.errors.values():
                for e in errors:
                    messages.error(request, e)
    elif step == "deliver":
        ok = run(request, actions.deliver_application, None, "已送达", application=app,
                 method=post.get("method", ""), note=post.get("note", ""))
    elif step == "rate":
        ok = run(request, actions.rate_application, None, "评价已记录", application=app, level=post.get("level"),
                 efficiency=post.get("efficiency"), quality=post.get("quality"), attitude=post.get("attitude"),
                 comment=post.get("comment", ""), channel=Channel.COUNTER)
    if ok and step == "complete" and app.state == AppState.REVIEW and not can(
            request.user, "services.view_application", app.division_code):
        return redirect("services:review_queue")
    return redirect(app.get_absolute_url())


@login_required
def counter(request):
    """窗口受理: find the resident in the registry (within the clerk's scope), choose the item."""
    need(request, "services.add_application")
    from gridgov.registry.models import Person
    from gridgov.registry.queries import person_filter

    q = request.GET.get("q", "").strip()[:50]
    persons = []
    if q and (pf := person_filter(q)) is not None:
        persons = list(Person.objects.visible_to(request.user).within(scope_of(request)).filter(pf)
                       .only("pk", "name", "id_masked", "phone_masked", "birth_date", "division_code")[:20])
    person = None
    if (pk := request.GET.get("person", "")).isdigit():
        person = get_visible_or_404(Person, request.user, pk=int(pk))
    items = [i for i in ServiceItem.objects.filter(is_active=True).select_related("department", "current")
             if i.current and Channel.COUNTER in i.current.channels]
    return render(request, "services/counter.html", {
        "q": q, "persons": persons, "person": person, "items": items, "ticket": request.GET.get("ticket", ""),
        "breadcrumb": [ROOT, {"label": "窗口受理"}],
    })


@login_required
def file_application(request, item_pk, person_pk):
    """The counter form: prefilled from the registry, materials ticked or scanned."""
    need(request, "services.add_application")
    from gridgov.registry.models import Person

    person = get_visible_or_404(Person, request.user, pk=person_pk)
    item = get_object_or_404(ServiceItem.objects.select_related("current", "department"), pk=item_pk, is_active=True)
    version = item.current
    if version is None:
        raise Http404
    form = application_form(version, person, request.POST or None, request.FILES or None)
    ticket = None
    if (tid := request.GET.get("ticket", "")).isdigit():
        from ..models import Ticket

        ticket = Ticket.objects.visible_to(request.user).filter(pk=int(tid)).first()
    if request.method == "POST" and form.is_valid():
        answers, files, materials = answers_of(form, version)
        try:
            app = actions.submit_application(actor=request.user, item=item, person=person, channel=Channel.COUNTER,
                                             answers=answers, files=files, materials=materials, ticket=ticket)
        except ValidationError as exc:
            for key, errors in exc.message_dict.items():
                field = f"f_{key[8:]}" if key.startswith("answers.") else (
                    f"scan_{key[10:]}" if key.startswith("materials.") else None)
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"已提交，办件编号 {app.number}")
            return redirect(app.get_absolute_url())
    from ..catalogue import eligibility_failures

    failures = eligibility_failures(version, person, (person.division_code or "")[:12], timezone.localdate())
    return render(request, "services/file.html", {
        "form": form, "item": item, "v": version, "person": person, "failures": failures,
        "breadcrumb": [ROOT, {"label": "窗口受理", "url": "/services/counter/"}, {"label": item.name}],
    })


@login_required
def receipt(request, number):
    """回执: printable, with a QR code linking to the public status page."""
    import segno

    app = _application(request, number)
    url = request.build_absolute_uri(queries.status_url(app.number))
    qr = segno.make(url, error="m").svg_data_uri(scale=4)
    names = {m["key"]: m["name"] for m in app.version.materials}
    return render(request, "services/receipt.html", {
        "app": app, "qr": qr, "status_link": url, "received": [names.get(k, k) for k in app.materials_received],
        "breadcrumb": [ROOT, {"label": app.number, "url": app.get_absolute_url()}, {"label": "回执"}],
    })


def public_status(request, token):
    number = queries.number_from_token(token)
    info = queries.status_for_public(number) if number else None
    if info is None:
        raise Http404("办件不存在")
    return render(request, "services/public_status.html", {"info": info})


@login_required
def rectifications(request):
    need(request, "services.view_rectification")
    qs = Rectification.objects.visible_to(request.user).within(scope_of(request)).select_related(
        "rating", "rating__application", "rating__application__item").order_by("state", "due_at")
    page = CappedPaginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "services/rectifications.html", {
        "page": page, "response_form": ResponseForm(), "callback_form": CallbackForm(),
        "breadcrumb": [ROOT, {"label": "差评整改"}]})


@login_required
@require_POST
def rectification_act(request, pk):
    rect = get_visible_or_404(Rectification, request.user, pk=pk)
    if rect.state == RectificationState.OPEN:
        run(request, actions.answer_rectification, None, "整改情况已记录", rectification=rect,
            response=request.POST.get("response", ""))
    else:
        run(request, actions.callback_rectification, None, "回访已记录", rectification=rect,
            note=request.POST.get("note", ""), satisfied=bool(request.POST.get("satisfied")))
    return redirect("services:rectifications")


def _period(request):
    today = timezone.localdate()
    try:
        start = datetime.date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = today.replace(month=1, day=1)
    try:
        end = datetime.date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end = today
    tz = timezone.get_current_timezone()
    return start, end, (datetime.datetime.combine(start, datetime.time(), tz),
                        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), tz))


@login_required
def stats(request):
    """服务统计 per item / department / community over a period, with XLSX export."""
    need(request, "services.view_servicestats")
    by = request.GET.get("by", "item")
    by = by if by in ("item", "department", "community") else "item"
    start, end, (a, b) = _period(request)
    rows = queries.stats(request.user, scope=scope_of(request), start=a, end=b, by=by)
    if request.GET.get("export") == "xlsx":
        return export_response(
            request.user, [[r["name"], r["volume"], r["done"], r["on_time_rate"], r["avg_days"], r["rated"],
                            r["satisfaction"], r["good_rate"]] for r in rows],
            headers=["名称", "办件量", "办结量", "按期办结率(%)", "平均用时(工作日)", "评价数", "平均满意度",
                     "满意率(%)"], filename=f"服务统计_{start}_{end}", fmt="xlsx",
            subject=("services.application", "", "服务统计"), filters=request.GET.dict())
    return render(request, "services/stats.html", {
        "rows": rows, "by": by, "start": start, "end": end, "open_states": OPEN_STATES,
        "groupings": [("item", "按事项"), ("department", "按部门"), ("community", "按社区")],
        "breadcrumb": [ROOT, {"label": "服务统计"}]})
