"""Catalogue pages: the item list, an item with its versions, editing (publishes a new
version), the printable guide (办事指南) and the XLSX export."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from gridgov.core.access import is_district_wide
from gridgov.core.exports import export_response

from .. import actions
from ..catalogue import describe_eligibility
from ..choices import Category
from ..forms import ItemForm
from ..models import ServiceItem
from ._common import need, run

ROOT = {"label": "事项清单", "url": "/services/items/"}


@login_required
def item_list(request):
    need(request, "services.view_serviceitem")
    items = ServiceItem.objects.select_related("department", "current")
    cat = request.GET.get("category", "")
    if cat in Category.values:
        items = items.filter(category=cat)
    if q := request.GET.get("q", "").strip():
        items = items.filter(name__contains=q)
    return render(request, "services/item_list.html", {
        "items": items, "categories": Category.choices, "category": cat, "q": q,
        "can_edit": is_district_wide(request.user, "services.publish_serviceitem"),
        "breadcrumb": [{"label": "事项清单"}],
    })


@login_required
def item_detail(request, pk):
    need(request, "services.view_serviceitem")
    item = get_object_or_404(ServiceItem.objects.select_related("department", "current"), pk=pk)
    return render(request, "services/item_detail.html", {
        "item": item, "v": item.current, "rules": describe_eligibility(item.current) if item.current else [],
        "versions": item.versions.all()[:20],
        "can_edit": is_district_wide(request.user, "services.publish_serviceitem"),
        "breadcrumb": [ROOT, {"label": item.name}],
    })


@login_required
def item_guide(request, pk):
    need(request, "services.view_serviceitem")
    item = get_object_or_404(ServiceItem.objects.select_related("department", "current"), pk=pk)
    return render(request, "services/item_guide.html", {
        "item": item, "v": item.current, "rules": describe_eligibility(item.current) if item.current else [],
        "breadcrumb": [ROOT, {"label": item.name, "url": item.get_absolute_url()}, {"label": "办事指南"}],
    })


@login_required
def item_edit(request, pk=None):
    if not is_district_wide(request.user, "services.publish_serviceitem"):
        raise Http404("对象不存在或无权访问")
    item = get_object_or_404(ServiceItem, pk=pk) if pk else None
    form = ItemForm(request.POST or None, initial=ItemForm.initial_for(item) if item else {"channels": ["counter"]})
    if request.method == "POST" and form.is_valid():
        saved = run(request, actions.save_item, form, "已保存；规则有变化时已发布新版本", item=item,
                    data=form.action_data())
        if saved:
            return redirect(saved.get_absolute_url())
    return render(request, "services/form.html", {
        "form": form, "title": f"编辑事项：{item.name}" if item else "新增服务事项",
        "breadcrumb": [ROOT, {"label": item.name if item else "新增"}],
    })


@login_required
def item_export(request):
    """The whole catalogue as XLSX in the columns the import reads (export, edit, import back)."""
    from ..imports import export_table

    need(request, "services.view_serviceitem")
    headers, rows = export_table()
    return export_response(request.user, rows, filename="服务事项清单", fmt="xlsx", headers=headers,
                           subject=("services.serviceitem", "", "服务事项清单"))
