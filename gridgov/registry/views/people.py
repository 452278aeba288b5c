"""Pages about persons: search, list, detail with reveal, forms for registration and life
events, care-group lists and exports."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gridgov.core import audit, pii, throttle
from gridgov.core.access import can, get_visible_or_404
from gridgov.core.choices import AuditKind
from gridgov.core.importing import write_table
from gridgov.core.paging import KnownCountPaginator

from .. import actions, population, queries
from ..choices import PersonStatus
from ..forms import ChangeHouseForm, LifeEventForm, PersonFilterForm, PersonForm, RevealForm, SearchForm
from ..models import Building, CareTag, House, Household, Person
from ..tables import PersonTable
from .common import PAGE_SIZE, crumbs, form_errors, paginate, scope_of


def _need(user, perm):
    if not can(user, perm):
        raise PermissionDenied


EXACT_SEARCHES_PER_HOUR = 60


def _exact_search_allowed(user):
    """At most EXACT_SEARCHES_PER_HOUR full ID/phone look-ups per user an hour (a guessed number
    is otherwise confirmed in milliseconds, issue 11)."""
    return throttle.record(f"registry:exact-search:{user.pk}", 3600) <= EXACT_SEARCHES_PER_HOUR


@login_required
def search(request):
    """One search box, a GET: its URL can be shared. A full ID or phone number is the exception:
    the page's script sends it by POST (registry/search.js), so it never reaches a URL or an
    access log; one typed into a URL is not searched."""
    _need(request.user, "registry.view_person")
    result, notice = None, ""
    if request.method == "POST":
        form = SearchForm(request.POST)
        if form.is_valid() and queries.classify(form.cleaned_data["q"]) in ("id", "phone") \
                and not _exact_search_allowed(request.user):
            notice = f"完整号码查询过于频繁：每小时最多 {EXACT_SEARCHES_PER_HOUR} 次，请稍后再试。"
            form = SearchForm()
        elif form.is_valid():
            result = queries.search(request.user, form.cleaned_data["q"], scope=scope_of(request))
            if result["q_kind"] in ("id", "phone"):  # who looked up which number (hash only) is audited
                audit.record(request.user, "registry.search_exact",
                             ("search", "registry.person", "按完整证件号码或电话查询"), kind=AuditKind.REVEAL,
                             after={"kind": result["q_kind"], "found": len(result["persons"]),
                                    "hash": pii.keyed_hash(form.cleaned_data["q"])[:16]})
            if result["q_kind"] in ("id", "phone"):
                form = SearchForm()  # do not echo a full ID or phone number back into the page
    else:
        form = SearchForm(request.GET if request.GET.get("q") else None)
        if form.is_bound and form.is_valid():
            if queries.classify(form.cleaned_data["q"]) in ("id", "phone"):
                notice = "完整的证件号码和电话号码不通过链接查询：请在查询框中输入后点“查询”。"
                form = SearchForm()
            else:
                result = queries.search(request.user, form.cleaned_data["q"], scope=scope_of(request))
    response = render(request, "registry/search.html", {
        "form": form, "result": result, "notice": notice, "breadcrumb": crumbs(("综合查询", None)),
    })
    response["Cache-Control"] = "no-store"
    return response


def person_queryset(request, form):
    qs = Person.objects.visible_to(request.user).within(scope_of(request))
    if not form.is_valid():
        return qs.filter(status=PersonStatus.ACTIVE), ""
    d = form.cleaned_data
    notice = ""
    if d.get("q"):
        kind = queries.classify(d["q"])
        if kind in ("id", "phone"):
            notice = "完整的证件号码和电话请在“综合查询”中查找（不会出现在链接中）。"
            qs = qs.none()
        else:
            f = queries.person_filter(d["q"])
            qs = qs.filter(f) if f is not None else qs.none()
    qs = qs.filter(status=d.get("status") or PersonStatus.ACTIVE)
    if d.get("residence_type"):
        qs = qs.filter(residence_type=d["residence_type"])
    if d.get("care_tag"):
        qs = qs.filter(care_tags=d["care_tag"])
    if d.get("sort"):
        qs = qs.order_by(d["sort"], "id")
    return qs, notice


@login_required
def person_list(request):
    _need(request.user, "registry.view_person")
    form = PersonFilterForm(request.GET or None)
    qs, notice = person_queryset(request, form)
    page = paginate(request, qs.only(*queries.PERSON_LIST_FIELDS))
    queries.attach_addresses(page.object_list)
    return render(request, "registry/person_list.html", {
        "form": form, "page": page, "notice": notice, "table": PersonTable(page.object_list),
        "can_add": can(request.user, "registry.add_person"),
        "can_export": can(request.user, "registry.export_person"),
        "can_reveal": can(request.user, "registry.reveal_person"),
        "breadcrumb": crumbs(("实有人口", None)),
    })


@login_required
def person_detail(request, pk):
    person = get_visible_or_404(Person.objects.select_related("grid", "house__building", "household"),
                                request.user, pk=pk)
    events = person.events.select_related("actor", "from_house", "to_house")[:50]
    members = []
    if person.household_id:
        members = list(Person.objects.visible_to(request.user).filter(household_id=person.household_id,
                                                                      status=PersonStatus.ACTIVE).exclude(pk=pk))
    return render(request, "registry/person_detail.html", {
        "person": person, "events": events, "members": members, "tags": person.care_tags.all(),
        "visits": person.visits.select_related("worker")[:10],
        "can_reveal": can(request.user, "registry.reveal_person", person.division_code),
        "can_change": can(request.user, "registry.change_person", person.division_code),
        "breadcrumb": crumbs(("实有人口", "registry:person_list"), (person.name, None)),
    })


@login_required
def person_reveal(request, pk):
    """htmx: GET shows the reason form, POST reveals (permission + reason, audited)."""
    person = get_visible_or_404(Person, request.user, pk=pk)
    field = request.GET.get("field") or request.POST.get("field") or "id_number"
    form = RevealForm(request.POST or None, initial={"field": field})
    value = None
    if request.method == "POST" and form.is_valid():
        try:
            value = actions.reveal_person_field(actor=request.user, person=person, field=form.cleaned_data["field"],
                                                reason=form.cleaned_data["reason"])
        except PermissionDenied:
            form.add_error(None, "您没有查看明文的权限")
        except ValidationError as exc:
            form_errors(form, exc)
    response = render(request, "registry/_reveal.html", {"person": person, "form": form, "field": field,
                                                         "value": value})
    response["Cache-Control"] = "no-store"
    return response


def _house_from_request(request):
    pk = request.GET.get("house") or request.POST.get("house")
    if not pk:
        return None
    return get_visible_or_404(House.objects.select_related("building", "grid"), request.user, pk=pk)


@login_required
def person_create(request):
    """Register a person in a house (迁入/登记) or directly in a grid."""
    _need(request.user, "registry.add_person")
    house = _house_from_request(request)
    households = list(Household.objects.visible_to(request.user).filter(house=house, is_active=True)) if house else []
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        hh_id = request.POST.get("household")
        household = next((h for h in households if str(h.pk) == hh_id), None)
        grid = request.POST.get("grid") if house is None else None
        try:
            tags = list(form.cleaned_data["care_tags"])
            if house is not None:
                person = actions.move_in(actor=request.user, house=house, household=household,
                                         data=form.action_data(), care_tags=tags)
            else:
                person = actions.register_person(actor=request.user, grid=grid or "", data=form.action_data(),
                                                 care_tags=tags)
        except (ValidationError, PermissionDenied) as exc:
            form_errors(form, exc if isinstance(exc, ValidationError) else ValidationError("无权在该网格登记人员"))
        else:
            messages.success(request, f"已登记：{person.name}")
            return redirect("registry:person_detail", pk=person.pk)
    grids = [] if house else _grids_for(request.user, "registry.add_person")
    return render(request, "registry/person_form.html", {
        "form": form, "house": house, "households": households, "grids": grids,
        "breadcrumb": crumbs(("实有人口", "registry:person_list"), ("登记人员", None)),
    })


def _grids_for(user, perm):
    from gridgov.divisions.models import Division

    return Division.objects.grids().current().visible_to(user).order_by("code")[:1000]


@login_required
def person_edit(request, pk):
    person = get_visible_or_404(Person, request.user, pk=pk)
    initial = {f: getattr(person, f) for f in ("name", "id_type", "sex", "birth_date", "ethnicity", "residence_type",
                                              "relation", "employment", "employer", "education", "political_status",
                                              "note")}
    initial["care_tags"] = list(person.care_tags.all())
    can_reveal = can(request.user, "registry.reveal_person", person.division_code)
    if not can_reveal:
        initial.pop("birth_date")
    form = PersonForm(request.POST or None, initial=initial, editing=True, can_reveal=can_reveal)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_person(actor=request.user, person=person, data=form.action_data(),
                                  care_tags=list(form.cleaned_data["care_tags"]))
        except PermissionDenied:
            raise Http404
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("registry:person_detail", pk=pk)
    return render(request, "registry/person_form.html", {
        "form": form, "person": person,
        "breadcrumb": crumbs(("实有人口", "registry:person_list"), (person.name, f"/registry/persons/{pk}/"),
                             ("编辑", None)),
    })


LIFE_EVENTS = {"move_out": ("迁出登记", actions.move_out), "death": ("死亡登记", actions.record_death)}


@login_required
def person_event(request, pk, kind):
    """迁出 / 死亡登记 for one person."""
    if kind not in LIFE_EVENTS:
        raise Http404
    person = get_visible_or_404(Person, request.user, pk=pk)
    title, action = LIFE_EVENTS[kind]
    form = LifeEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        kwargs = {"occurred_on": d["occurred_on"], "note": d["note"]}
        if kind == "move_out":
            kwargs["destination"] = d["destination"]
        try:
            action(actor=request.user, person=person, **kwargs)
        except PermissionDenied:
            form.add_error(None, "无权办理")
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"{title}已完成")
            if request.GET.get("next", "").startswith("/registry/"):
                return redirect(request.GET["next"])
            return redirect("registry:person_detail", pk=pk)
    return render(request, "registry/simple_form.html", {
        "form": form, "title": f"{title}：{person.name}", "submit": "确认办理",
        "breadcrumb": crumbs(("实有人口", "registry:person_list"), (person.name, f"/registry/persons/{pk}/"),
                             (title, None)),
    })


@login_required
def person_change_house(request, pk):
    person = get_visible_or_404(Person, request.user, pk=pk)
    buildings = Building.objects.visible_to(request.user, "change").filter(division_code__prefix=person.division_code[:12])
    form = ChangeHouseForm(request.POST or None, buildings=buildings)
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_house(actor=request.user, person=person, house=form.cleaned_data["house"],
                                 note=form.cleaned_data["note"])
        except PermissionDenied:
            form.add_error(None, "无权办理")
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "住房已变更")
            return redirect("registry:person_detail", pk=pk)
    return render(request, "registry/simple_form.html", {
        "form": form, "title": f"变更住房：{person.name}", "submit": "确认变更",
        "breadcrumb": crumbs(("实有人口", "registry:person_list"), (person.name, f"/registry/persons/{pk}/"),
                             ("变更住房", None)),
    })


@login_required
def care_list(request):
    """Care groups per grid: counts by tag and the list of one tag's persons."""
    from django.db.models import Exists, OuterRef

    _need(request.user, "registry.view_person")
    base = Person.objects.visible_to(request.user).within(scope_of(request)).filter(status=PersonStatus.ACTIVE)
    tags = list(CareTag.objects.filter(is_active=True))
    # the groups' sizes from the maintained sums (ADR 0025), not from the persons
    counts = population.summed(request.user, scope_of(request), [population.care_key(t.pk) for t in tags])
    for t in tags:
        t.count = counts[population.care_key(t.pk)]
    selected = next((t for t in tags if str(t.pk) == request.GET.get("tag")), tags[0] if tags else None)
    if selected:
        # walk the (division_code, name) index and stop at the page: no sort of the whole group;
        # the page count is the group's count above (no second count)
        tagged = Person.care_tags.through.objects.filter(person_id=OuterRef("pk"), caretag_id=selected.pk)
        qs = base.filter(Exists(tagged)).order_by("division_code", "name")
    else:
        qs = base.none()
    page = KnownCountPaginator(qs.only(*queries.PERSON_LIST_FIELDS), PAGE_SIZE,
                               count=selected.count if selected else 0).get_page(request.GET.get("page"))
    queries.attach_addresses(page.object_list)
    return render(request, "registry/care_list.html", {
        "tags": tags, "selected": selected, "page": page, "breadcrumb": crumbs(("关爱人群", None)),
    })


EXPORT_HEADERS = ["姓名", "性别", "出生日期", "证件类型", "证件号码", "联系电话", "网格编码", "人口类型", "状态", "住址"]


@login_required
@require_POST
def person_export(request):
    """CSV/XLSX of the filtered list, scope-respecting; plain ID/phone only for users holding
    reveal_person everywhere in the export (then audited as an export with the reason)."""
    _need(request.user, "registry.export_person")
    form = PersonFilterForm(request.POST)
    qs, _notice = person_queryset(request, form)
    qs = qs.order_by("division_code", "name", "id")[:200_000]
    fmt = "xlsx" if request.POST.get("format") == "xlsx" else "csv"
    plain = request.POST.get("plain") == "1" and can(request.user, "registry.reveal_person")
    reason = " ".join(request.POST.get("reason", "").split())[:200]
    if plain and len(reason) < 2:
        messages.error(request, "导出明文需要填写事由")
        return redirect("registry:person_list")
    persons = list(qs.only(*queries.PERSON_LIST_FIELDS, "id_type", "id_number_enc", "phone_enc"))
    if plain:  # reveal only rows inside the reveal scope
        persons = [p for p in persons if can(request.user, "registry.reveal_person", p.division_code)]
    queries.attach_addresses(persons)
    rows = [[p.name, p.get_sex_display(), (p.birth_date or "") if plain else ("" if p.age is None else p.age),
             p.get_id_type_display(),
             p.id_number_plain if plain else p.id_masked, p.phone_plain if plain else p.phone_masked, p.division_code,
             p.get_residence_type_display(), p.get_status_display(), p.address] for p in persons]
    audit.record(request.user, "registry.export_person", ("export", "registry.person", "导出实有人口"),
                 after={"rows": len(rows), "plain": plain, "format": fmt}, kind=AuditKind.EXPORT, reason=reason)
    content_type = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if fmt == "xlsx"
                    else "text/csv; charset=utf-8")
    buffer = io.BytesIO() if fmt == "xlsx" else io.StringIO()
    headers = EXPORT_HEADERS if plain else [("年龄" if h == "出生日期" else h) for h in EXPORT_HEADERS]
    write_table(buffer, headers, rows, fmt)
    body = buffer.getvalue() if fmt == "xlsx" else "\ufeff" + buffer.getvalue()
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="persons.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
