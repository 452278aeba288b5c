"""Pages of the community app: the communities and their compliance, the printable profile
(社区概况), facilities, the committee and workstation, the type dictionary and the standard."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gridgov.core.access import can, get_visible_or_404, is_district_wide
from gridgov.core.paging import CappedPaginator
from gridgov.core.uploads import ImageUploadField
from gridgov.divisions.models import Division, DivisionShape

from . import actions, compliance, queries
from .forms import (
    CommitteeForm,
    CommitteeMemberForm,
    FacilityFilter,
    FacilityForm,
    FacilityTypeForm,
    StaffForm,
    StandardForm,
)
from .models import (
    Committee,
    CommitteeMember,
    Facility,
    FacilityPhoto,
    FacilityStandard,
    FacilityType,
    WorkstationStaff,
)

ROOT = {"label": "社区概况", "url": "/community/"}


def _scope(request):
    return getattr(request, "active_scope", "") or request.session.get("active_scope", "")


def _need(request, perm, code=None):
    if not can(request.user, perm, code):
        raise Http404("对象不存在或无权访问")


def _community_or_404(request, code):
    return get_visible_or_404(Division.objects.communities(), request.user, code=code)


def _run(request, fn, form, success, **kwargs):
    """Call an action with a bound, valid form's data; put a ValidationError back on the form."""
    try:
        result = fn(actor=request.user, **kwargs)
    except ValidationError as exc:
        for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
            form.add_error(field if field in form.fields else None, errors)
        return None
    except PermissionDenied:
        raise Http404("对象不存在或无权访问")
    messages.success(request, success)
    return result


# --- communities, compliance ---------------------------------------------------------------------

@login_required
def community_list(request):
    """The communities in scope with their compliance: a table and a map coloured by it."""
    _need(request, "community.view_facility")
    communities = list(compliance.communities_within(request.user, _scope(request)))
    rows = compliance.compliance_for(communities)
    shapes = dict(DivisionShape.objects.filter(division__in=communities, valid_to__isnull=True)
                  .values_list("division__code", "geometry"))
    features = [{"type": "Feature", "geometry": shapes[r.code], "properties": {
        **r.as_dict(), "url": reverse("community:profile", args=[r.code])}} for r in rows if r.code in shapes]
    return render(request, "community/community_list.html", {
        "rows": rows, "summary": compliance.summary(rows), "standard": FacilityStandard.current(),
        "geojson": {"type": "FeatureCollection", "features": features},
        "breadcrumb": [ROOT, {"label": "设施达标"}],
    })


@login_required
def profile(request, code):
    """社区概况: committee, workstation, party branch, grids with workers, counts, facilities and
    compliance, on one printable page."""
    community = _community_or_404(request, code)
    _need(request, "community.view_facility", community.code)
    committee = Committee.objects.filter(community=community).order_by("-term_start").first()
    grids = queries.grids_of(community)
    workers = queries.grid_workers(grids)
    for g in grids:
        g.workers = workers.get(g.id, [])
    facilities = list(Facility.objects.filter(community=community).select_related("facility_type"))
    user = request.user
    return render(request, "community/profile.html", {
        "community": community, "ancestors": community.ancestors(),
        "committee": committee,
        "members": list(committee.members.all()) if committee else [],
        "staff": list(WorkstationStaff.objects.filter(community=community, is_active=True)),
        "branch": queries.party_branch(community),
        "grids": grids, "grids_in_range": sum(g.in_range for g in grids),
        "counts": queries.profile_counts(community),
        "facilities": facilities,
        "compliance": compliance.compliance_for([community])[0],
        "standard": FacilityStandard.current(),
        "can_edit": can(user, "community.change_committee", community.code),
        "can_add_facility": can(user, "community.add_facility", community.code),
        "breadcrumb": [ROOT, {"label": community.name}],
    })


# --- facilities ----------------------------------------------------------------------------------

PER_PAGE = 50


@login_required
def facility_list(request):
    _need(request, "community.view_facility")
    qs = (Facility.objects.visible_to(request.user).within(_scope(request))
          .select_related("facility_type", "community"))
    form = FacilityFilter(request.GET or None)
    if form.is_valid():
        d = form.cleaned_data
        if d["q"]:
            qs = qs.filter(Q(name__contains=d["q"]) | Q(community__name__contains=d["q"]))
        if d["facility_type"]:
            qs = qs.filter(facility_type=d["facility_type"])
        if d["status"]:
            qs = qs.filter(status=d["status"])
        if d["bookable"]:
            qs = qs.filter(bookable=d["bookable"] == "1")
    page = CappedPaginator(qs.order_by("division_code", "facility_type__sort", "id"), PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "community/facility_list.html", {
        "page": page, "filter": form, "can_add": can(request.user, "community.add_facility"),
        "breadcrumb": [ROOT, {"label": "社区设施"}],
    })


@login_required
def facility_detail(request, pk):
    facility = get_visible_or_404(Facility.objects.select_related("facility_type", "community"), request.user,
                                  pk=pk)
    return render(request, "community/facility_detail.html", {
        "facility": facility, "photos": list(facility.photos.all()), "photo_form": PhotoForm(),
        "can_edit": can(request.user, "community.change_facility", facility.division_code),
        "can_delete": can(request.user, "community.delete_facility", facility.division_code),
        "breadcrumb": [ROOT, {"label": facility.community.name, "url": reverse("community:profile",
                                                                                 args=[facility.community.code])},
                       {"label": facility.name}],
    })


@login_required
def facility_create(request, code):
    community = _community_or_404(request, code)
    _need(request, "community.add_facility", community.code)
    form = FacilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        facility = _run(request, actions.create_facility, form, "已登记设施", community=community,
                        data=form.action_data())
        if facility:
            return HttpResponseRedirect(facility.get_absolute_url())
    return render(request, "community/form.html", {
        "form": form, "title": f"登记设施 · {community.name}",
        "breadcrumb": [ROOT, {"label": community.name, "url": reverse("community:profile", args=[code])},
                       {"label": "登记设施"}],
    })


@login_required
def facility_edit(request, pk):
    facility = get_visible_or_404(Facility, request.user, "change", pk=pk)
    form = FacilityForm(request.POST or None, instance=facility)
    if request.method == "POST" and form.is_valid():
        fresh = Facility.objects.get(pk=pk)  # the form already wrote into `facility`
        if _run(request, actions.update_facility, form, "已保存", facility=fresh, data=form.action_data()):
            return HttpResponseRedirect(fresh.get_absolute_url())
    return render(request, "community/form.html", {
        "form": form, "title": f"编辑设施 · {facility.name}",
        "breadcrumb": [ROOT, {"label": facility.name, "url": facility.get_absolute_url()}, {"label": "编辑"}],
    })


@login_required
@require_POST
def facility_delete(request, pk):
    facility = get_visible_or_404(Facility, request.user, "delete", pk=pk)
    code = facility.community.code
    actions.delete_facility(actor=request.user, facility=facility)
    messages.success(request, "已删除设施")
    return HttpResponseRedirect(reverse("community:profile", args=[code]))


# --- committee and workstation -------------------------------------------------------------------

def _edit_page(request, form, title, community, back):
    return render(request, "community/form.html", {
        "form": form, "title": title,
        "breadcrumb": [ROOT, {"label": community.name, "url": back}, {"label": title}],
    })


@login_required
def committee_edit(request, code, pk=None):
    """Register a new committee term (pk None) or edit one."""
    community = _community_or_404(request, code)
    committee = get_object_or_404(Committee, pk=pk, community=community) if pk else None
    _need(request, "community.change_committee" if pk else "community.add_committee", community.code)
    form = CommitteeForm(request.POST or None, instance=committee)
    back = reverse("community:profile", args=[code])
    if request.method == "POST" and form.is_valid():
        target = Committee.objects.get(pk=pk) if pk else None
        if _run(request, actions.save_committee, form, "已保存居委会信息", community=community, committee=target,
                data=form.cleaned_data):
            return HttpResponseRedirect(back)
    return _edit_page(request, form, "居委会换届登记" if not pk else "编辑居委会", community, back)


@login_required
def member_edit(request, code, committee_pk, pk=None):
    community = _community_or_404(request, code)
    committee = get_object_or_404(Committee, pk=committee_pk, community=community)
    member = get_object_or_404(CommitteeMember, pk=pk, committee=committee) if pk else None
    _need(request, "community.change_committeemember" if pk else "community.add_committeemember", community.code)
    form = CommitteeMemberForm(request.POST or None, instance=member)
    back = reverse("community:profile", args=[code])
    if request.method == "POST":
        if pk and "remove" in request.POST:
            actions.remove_committee_member(actor=request.user, member=CommitteeMember.objects.get(pk=pk))
            messages.success(request, "已移除")
            return HttpResponseRedirect(back)
        if form.is_valid():
            target = CommitteeMember.objects.get(pk=pk) if pk else None
            if _run(request, actions.save_committee_member, form, "已保存", committee=committee, member=target,
                    data=form.cleaned_data):
                return HttpResponseRedirect(back)
    return _edit_page(request, form, "编辑居委会成员" if pk else "添加居委会成员", community, back)


@login_required
def staff_edit(request, code, pk=None):
    community = _community_or_404(request, code)
    staff = get_object_or_404(WorkstationStaff, pk=pk, community=community) if pk else None
    _need(request, "community.change_workstationstaff" if pk else "community.add_workstationstaff", community.code)
    form = StaffForm(request.POST or None, instance=staff)
    back = reverse("community:profile", args=[code])
    if request.method == "POST" and form.is_valid():
        target = WorkstationStaff.objects.get(pk=pk) if pk else None
        if _run(request, actions.save_staff, form, "已保存", community=community, staff=target,
                data=form.cleaned_data):
            return HttpResponseRedirect(back)
    return _edit_page(request, form, "编辑工作站人员" if pk else "添加工作站人员", community, back)


# --- dictionary and standard ---------------------------------------------------------------------

@login_required
def standards(request):
    """The facility type dictionary and the standards."""
    _need(request, "community.view_facilitytype")
    return render(request, "community/standards.html", {
        "types": list(FacilityType.objects.all()),
        "standards": list(FacilityStandard.objects.prefetch_related("required_types")),
        "current": FacilityStandard.current(),
        "can_edit": is_district_wide(request.user, "community.change_facilitystandard"),
        "breadcrumb": [ROOT, {"label": "设施类型与标准"}],
    })


@login_required
def type_edit(request, pk=None):
    if not is_district_wide(request.user, "community.change_facilitytype"):
        raise Http404
    obj = get_object_or_404(FacilityType, pk=pk) if pk else None
    form = FacilityTypeForm(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        target = FacilityType.objects.get(pk=pk) if pk else None
        if _run(request, actions.save_facility_type, form, "已保存设施类型", facility_type=target,
                data=form.cleaned_data):
            return HttpResponseRedirect(reverse("community:standards"))
    return render(request, "community/form.html", {"form": form, "title": "设施类型", "breadcrumb": [
        ROOT, {"label": "设施类型与标准", "url": reverse("community:standards")}, {"label": "设施类型"}]})


@login_required
def standard_edit(request, pk=None):
    if not is_district_wide(request.user, "community.change_facilitystandard"):
        raise Http404
    obj = get_object_or_404(FacilityStandard, pk=pk) if pk else None
    form = StandardForm(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        target = FacilityStandard.objects.get(pk=pk) if pk else None
        data = {k: v for k, v in form.cleaned_data.items() if k != "required_types"}
        if _run(request, actions.save_standard, form, "已保存配置标准", standard=target, data=data,
                required_types=form.cleaned_data["required_types"]):
            return HttpResponseRedirect(reverse("community:standards"))
    return render(request, "community/form.html", {"form": form, "title": "设施配置标准", "breadcrumb": [
        ROOT, {"label": "设施类型与标准", "url": reverse("community:standards")}, {"label": "配置标准"}]})



class PhotoForm(forms.Form):
    photo = ImageUploadField(label="照片")
    caption = forms.CharField(label="说明", required=False, max_length=100)


@login_required
@require_POST
def facility_photo_add(request, pk):
    facility = get_visible_or_404(Facility, request.user, "change", pk=pk)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    else:
        try:
            actions.add_facility_photo(actor=request.user, facility=facility, upload=form.cleaned_data["photo"],
                                       caption=form.cleaned_data["caption"])
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已上传照片")
    return HttpResponseRedirect(facility.get_absolute_url())


@login_required
@require_POST
def facility_photo_remove(request, pk, photo_pk):
    facility = get_visible_or_404(Facility, request.user, "change", pk=pk)
    photo = get_object_or_404(FacilityPhoto, pk=photo_pk, facility=facility)
    actions.remove_facility_photo(actor=request.user, photo=photo)
    messages.success(request, "已删除照片")
    return HttpResponseRedirect(facility.get_absolute_url())
