"""Drill-down pages: grid → building (floor plan) → house → households → persons; building,
entity and component lists and forms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render

from gridgov.core.access import can, get_visible_or_404
from gridgov.divisions.models import Division

from .. import actions, queries
from ..choices import BuildingType, ComponentStatus, EntityType, HouseStatus, Industry, PersonStatus
from ..forms import BuildingForm, ComponentForm, EntityForm, HouseForm
from ..models import Building, Component, ComponentClass, House, LegalEntity, Person
from ..tables import BuildingTable
from .common import crumbs, form_errors, paginate, scope_of


def _need(user, perm):
    if not can(user, perm):
        raise PermissionDenied


@login_required
def grid_list(request):
    """The grids the user may see, with household counts: the top of the drill-down."""
    _need(request.user, "registry.view_building")
    qs = Division.objects.grids().current().visible_to(request.user).within(scope_of(request))
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(code__startswith=q))
    page = paginate(request, qs.order_by("code"), 50)
    return render(request, "registry/grid_list.html", {"page": page, "q": q,
                                                       "breadcrumb": crumbs(("网格", None))})


@login_required
def grid_detail(request, code):
    grid = get_visible_or_404(Division.objects.grids(), request.user, code=code)
    buildings = Building.objects.visible_to(request.user).filter(grid=grid).order_by("code")
    page = paginate(request, buildings, 50)
    persons = Person.objects.visible_to(request.user).filter(division_code=grid.code, status=PersonStatus.ACTIVE)
    return render(request, "registry/grid_detail.html", {
        "grid": grid, "page": page, "person_count": persons.count(),
        "breadcrumb": crumbs(("网格", "registry:grid_list"), (grid.name, None)),
    })


BUILDING_SORTS = {"code": "code", "address": "address", "-household_count": "-household_count", "": "division_code"}


@login_required
def building_list(request):
    _need(request.user, "registry.view_building")
    qs = Building.objects.visible_to(request.user).within(scope_of(request)).select_related("grid")
    q = request.GET.get("q", "").strip()[:100]
    if q:
        qs = qs.filter(Q(code=q) | queries.prefix_q("address", q) | Q(name__contains=q) | Q(address__contains=q))
    if request.GET.get("type") in BuildingType.values:
        qs = qs.filter(building_type=request.GET["type"])
    sort = request.GET.get("sort", "")
    qs = qs.order_by(BUILDING_SORTS.get(sort, "division_code"), "code")
    page = paginate(request, qs)
    return render(request, "registry/building_list.html", {
        "page": page, "table": BuildingTable(page.object_list), "q": q, "types": BuildingType.choices, "sort": sort,
        "can_add": can(request.user, "registry.add_building"),
        "breadcrumb": crumbs(("楼栋房屋", None)),
    })


@login_required
def building_detail(request, pk):
    building = get_visible_or_404(Building.objects.select_related("grid"), request.user, pk=pk)
    plan = queries.floor_plan(request.user, building)
    return render(request, "registry/building_detail.html", {
        "building": building, "plan": plan, "statuses": HouseStatus.choices,
        "can_change": can(request.user, "registry.change_building", building.division_code),
        "breadcrumb": crumbs(("网格", "registry:grid_list"), (building.grid.name, f"/registry/grids/{building.grid.code}/"),
                             (str(building), None)),
    })


@login_required
def house_detail(request, pk):
    house = get_visible_or_404(House.objects.select_related("building__grid"), request.user, pk=pk)
    households, loose = queries.persons_in_house(request.user, house)
    b = house.building
    return render(request, "registry/house_detail.html", {
        "house": house, "households": households, "loose": loose,
        "entities": LegalEntity.objects.visible_to(request.user).filter(house=house),
        "can_add": can(request.user, "registry.add_person", house.division_code),
        "breadcrumb": crumbs(("网格", "registry:grid_list"), (b.grid.name, f"/registry/grids/{b.grid.code}/"),
                             (str(b), f"/registry/buildings/{b.pk}/"), (f"{house.unit}单元{house.room}室", None)),
    })


def _model_form_page(request, form, title, crumb, save):
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form.cleaned_data)
        except PermissionDenied:
            form.add_error(None, "无权在该范围内操作")
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect(obj)
    return render(request, "registry/simple_form.html", {"form": form, "title": title, "submit": "保存",
                                                         "multipart": False, "breadcrumb": crumbs(crumb, (title, None))})


@login_required
def building_create(request, code):
    grid = get_visible_or_404(Division.objects.grids(), request.user, code=code)
    form = BuildingForm(request.POST or None)
    return _model_form_page(request, form, f"新增楼栋：{grid.name}", ("楼栋房屋", "registry:building_list"),
                            lambda d: actions.create_building(actor=request.user, grid=grid, data=d))


@login_required
def building_edit(request, pk):
    building = get_visible_or_404(Building, request.user, pk=pk)
    form = BuildingForm(request.POST or None, instance=Building.objects.get(pk=pk))
    return _model_form_page(request, form, f"编辑楼栋：{building}", ("楼栋房屋", "registry:building_list"),
                            lambda d: actions.update_building(actor=request.user, building=building, data=d))


@login_required
def house_create(request, pk):
    building = get_visible_or_404(Building, request.user, pk=pk)
    form = HouseForm(request.POST or None)
    return _model_form_page(request, form, f"新增房屋：{building}", ("楼栋房屋", "registry:building_list"),
                            lambda d: actions.create_house(actor=request.user, building=building, data=d))


@login_required
def entity_list(request):
    _need(request.user, "registry.view_legalentity")
    qs = LegalEntity.objects.visible_to(request.user).within(scope_of(request))
    q = request.GET.get("q", "").strip()[:100]
    if q:
        qs = qs.filter(Q(credit_code=q.upper()) | queries.prefix_q("name", q) | Q(name__contains=q))
    if request.GET.get("type") in EntityType.values:
        qs = qs.filter(entity_type=request.GET["type"])
    if request.GET.get("industry") in Industry.values:
        qs = qs.filter(industry=request.GET["industry"])
    sort = request.GET.get("sort", "")
    qs = qs.order_by({"name": "name", "-employees": "-employees"}.get(sort, "division_code"), "id")
    return render(request, "registry/entity_list.html", {
        "page": paginate(request, qs), "q": q, "types": EntityType.choices, "industries": Industry.choices,
        "breadcrumb": crumbs(("法人单位", None)),
    })


@login_required
def entity_detail(request, pk):
    entity = get_visible_or_404(LegalEntity.objects.select_related("grid", "building", "house"), request.user, pk=pk)
    return render(request, "registry/entity_detail.html", {
        "entity": entity, "breadcrumb": crumbs(("法人单位", "registry:entity_list"), (entity.name, None)),
    })


@login_required
def component_list(request):
    _need(request.user, "registry.view_component")
    qs = queries.component_list(request.user, scope_of(request))
    q = request.GET.get("q", "").strip()[:50]
    if q:
        qs = qs.filter(Q(code=q) | queries.prefix_q("code", q) if q.isdigit() else Q(name__contains=q)
                       | Q(address__contains=q))
    major = request.GET.get("cls", "")
    if major:
        qs = qs.filter(component_class__code__startswith=major[:4])
    if request.GET.get("status") in ComponentStatus.values:
        qs = qs.filter(status=request.GET["status"])
    by_class = dict(
        queries.component_list(request.user, scope_of(request)).order_by().values("component_class__code")
        .annotate(n=Count("id")).values_list("component_class__code", "n")
    ) if request.GET.get("stats") else {}
    return render(request, "registry/component_list.html", {
        "page": paginate(request, qs.order_by("code")), "q": q, "cls": major,
        "classes": ComponentClass.objects.filter(is_active=True), "statuses": ComponentStatus.choices,
        "by_class": by_class, "breadcrumb": crumbs(("城市部件", None)),
    })


@login_required
def component_detail(request, pk):
    component = get_visible_or_404(Component.objects.select_related("component_class", "grid", "owner_department"),
                                   request.user, pk=pk)
    return render(request, "registry/component_detail.html", {
        "component": component,
        "breadcrumb": crumbs(("城市部件", "registry:component_list"), (component.code, None)),
    })


@login_required
def entity_create(request, code):
    grid = get_visible_or_404(Division.objects.grids(), request.user, code=code)
    form = EntityForm(request.POST or None)
    return _model_form_page(request, form, f"新增法人：{grid.name}", ("法人单位", "registry:entity_list"),
                            lambda d: actions.create_entity(actor=request.user, grid=grid, data=d))


@login_required
def component_create(request, code):
    grid = get_visible_or_404(Division.objects.grids(), request.user, code=code)
    form = ComponentForm(request.POST or None)
    return _model_form_page(request, form, f"新增部件：{grid.name}", ("城市部件", "registry:component_list"),
                            lambda d: actions.create_component(actor=request.user, grid=grid, data=d))
