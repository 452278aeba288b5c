"""Review of change requests (信息变更申请) by community staff."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gridgov.core.access import can, get_visible_or_404

from .. import actions
from ..choices import ChangeRequestStatus
from ..forms import ReviewForm
from ..models import ChangeRequest
from .common import crumbs, paginate, scope_of


@login_required
def changerequest_list(request):
    if not can(request.user, "registry.view_changerequest"):
        raise PermissionDenied
    status = request.GET.get("status") or ChangeRequestStatus.PENDING
    qs = (ChangeRequest.objects.visible_to(request.user).within(scope_of(request)).filter(status=status)
          .select_related("requested_by", "reviewed_by"))
    return render(request, "registry/changerequest_list.html", {
        "page": paginate(request, qs), "status": status, "statuses": ChangeRequestStatus.choices,
        "can_approve": can(request.user, "registry.approve_changerequest"),
        "breadcrumb": crumbs(("变更审核", None)),
    })


@login_required
@require_POST
def changerequest_review(request, pk):
    cr = get_visible_or_404(ChangeRequest, request.user, pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                actions.approve_change(actor=request.user, change_request=cr, note=form.cleaned_data["note"])
                messages.success(request, "已通过并生效")
            else:
                actions.reject_change(actor=request.user, change_request=cr, note=form.cleaned_data["note"])
                messages.success(request, "已驳回")
        except PermissionDenied:
            messages.error(request, "没有审核权限")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    return redirect("registry:changerequest_list")
