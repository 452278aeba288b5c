"""Phone pages for grid workers (网格员移动端): my grid, my buildings, a house with its people,
record a visit (note/photo/GPS), move-in/move-out, flag a change for review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from gridgov.core.access import can, get_visible_or_404
from gridgov.divisions.models import Division

from .. import actions, queries
from ..choices import ChangeRequestStatus
from ..forms import ChangeRequestForm, VisitForm
from ..models import Building, ChangeRequest, House, Person, Visit
from .common import form_errors


def _need(user):
    if not can(user, "registry.record_visit"):
        raise PermissionDenied


@login_required
def mobile_home(request):
    _need(request.user)
    grids = list(Division.objects.grids().current().visible_to(request.user).order_by("code")[:20])
    grid = next((g for g in grids if g.code == request.GET.get("grid")), grids[0] if grids else None)
    buildings = Building.objects.visible_to(request.user).filter(grid=grid).order_by("code") if grid else []
    return render(request, "registry/mobile/home.html", {
        "grids": grids, "grid": grid, "buildings": buildings[:300],
        "visits": Visit.objects.visible_to(request.user).filter(worker=request.user).select_related("house")[:5],
        "pending": ChangeRequest.objects.visible_to(request.user).filter(
            requested_by=request.user, status=ChangeRequestStatus.PENDING).count(),
    })


@login_required
def mobile_building(request, pk):
    _need(request.user)
    building = get_visible_or_404(Building, request.user, pk=pk)
    plan = queries.floor_plan(request.user, building)
    return render(request, "registry/mobile/building.html", {"building": building, "plan": plan})


@login_required
def mobile_house(request, pk):
    _need(request.user)
    house = get_visible_or_404(House.objects.select_related("building"), request.user, pk=pk)
    households, loose = queries.persons_in_house(request.user, house)
    return render(request, "registry/mobile/house.html", {"house": house, "households": households, "loose": loose})


@login_required
def mobile_visit(request, pk):
    """Record a visit to a house (optionally to one person of it)."""
    _need(request.user)
    house = get_visible_or_404(House.objects.select_related("building"), request.user, pk=pk)
    person = None
    if request.GET.get("person") or request.POST.get("person"):
        person = get_visible_or_404(Person.objects.filter(house=house), request.user,
                                    pk=request.GET.get("person") or request.POST.get("person"))
    form = VisitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.record_visit(actor=request.user, house=house, person=person, note=d["note"], photo=d["photo"],
                                 lng=d["lng"], lat=d["lat"])
        except PermissionDenied:
            form.add_error(None, "无权在该网格记录走访")
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "走访已记录")
            return redirect("registry:mobile_house", pk=house.pk)
    return render(request, "registry/mobile/visit.html", {"house": house, "person": person, "form": form})


@login_required
def mobile_change(request, kind, pk):
    """Flag a change of a person or house for review (信息变更申请)."""
    _need(request.user)
    model = {"person": Person, "house": House}.get(kind)
    if model is None:
        raise PermissionDenied
    target = get_visible_or_404(model, request.user, pk=pk)
    house = target if kind == "house" else target.house
    form = ChangeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        proposed = {d["field"]: d["value"]} if d["field"] and d["value"] else {}
        try:
            cr = actions.request_change(actor=request.user, target=target, summary=d["summary"], proposed=proposed)
        except PermissionDenied:
            form.add_error(None, "无权提交变更")
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "变更已提交审核" if cr.status == ChangeRequestStatus.PENDING else "变更已生效")
            return redirect("registry:mobile_house", pk=house.pk) if house else redirect("registry:mobile_home")
    return render(request, "registry/mobile/change.html", {"target": target, "kind": kind, "form": form,
                                                          "house": house})


@login_required
def visit_photo(request, pk):
    """A visit's photo, for users who may see the visit (media files are not served publicly)."""
    from django.http import Http404

    from gridgov.core.media import file_response

    visit = get_visible_or_404(Visit, request.user, pk=pk)
    if not visit.photo:
        raise Http404
    return file_response(visit.photo)
