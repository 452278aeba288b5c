"""District administrator pages: case classes, routing rules, Open311 API keys."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gridgov.core.access import can, is_district_wide

from .. import actions
from ..forms import CategoryForm, RoutingRuleForm
from ..models import CaseCategory, Open311ApiKey, RoutingRule


def _need(user, perm):
    if not can(user, perm):
        raise Http404("对象不存在或无权访问")


def _need_district(user, perm):
    """Configuration of the whole district: the permission over the whole district."""
    if not is_district_wide(user, perm):
        raise Http404("对象不存在或无权访问")


@login_required
def categories(request):
    _need(request.user, "cases.change_category")
    majors = CaseCategory.objects.filter(parent__isnull=True).prefetch_related(
        "children__default_department").order_by("kind", "sort")
    return render(request, "cases/categories.html", {
        "majors": majors, "rules": RoutingRule.objects.select_related("category", "department"),
        "keys": Open311ApiKey.objects.all() if is_district_wide(request.user, "cases.manage_open311") else None,
        "can_edit": is_district_wide(request.user, "cases.change_category"),
        "breadcrumb": [{"label": "事件管理"}, {"label": "事件分类"}],
    })


@login_required
def category_edit(request, pk=None):
    _need_district(request.user, "cases.change_category")
    category = get_object_or_404(CaseCategory, pk=pk) if pk else CaseCategory()
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_category(actor=request.user, category=category, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, "；".join(exc.messages))
        else:
            messages.success(request, "分类已保存")
            return redirect("cases:categories")
    return render(request, "cases/category_form.html", {
        "form": form, "category": category,
        "breadcrumb": [{"label": "事件分类", "url": reverse("cases:categories")},
                       {"label": str(category) if category.pk else "新增分类"}],
    })


@login_required
def rule_edit(request, pk=None):
    _need_district(request.user, "cases.change_category")
    rule = get_object_or_404(RoutingRule, pk=pk) if pk else RoutingRule()
    form = RoutingRuleForm(request.POST or None, instance=rule)
    if request.method == "POST":
        if request.POST.get("delete") and rule.pk:
            actions.delete_routing_rule(actor=request.user, rule=rule)
            return redirect("cases:categories")
        if form.is_valid():
            # the form has already set the fields on its instance: the action gets a fresh row
            fresh = RoutingRule.objects.get(pk=rule.pk) if rule.pk else RoutingRule()
            try:
                actions.save_routing_rule(actor=request.user, rule=fresh, data=form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, "；".join(exc.messages))
            else:
                messages.success(request, "派遣规则已保存")
                return redirect("cases:categories")
    return render(request, "cases/rule_form.html", {
        "form": form, "rule": rule,
        "breadcrumb": [{"label": "事件分类", "url": reverse("cases:categories")}, {"label": "派遣规则"}],
    })


@login_required
@require_POST
def api_key_create(request):
    _need_district(request.user, "cases.manage_open311")
    try:
        key, plain = actions.create_api_key(actor=request.user, name=request.POST.get("name", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已创建密钥“{key.name}”：{plain}（只显示这一次，请妥善保存）")
    return redirect("cases:categories")


@login_required
@require_POST
def api_key_revoke(request, pk):
    _need_district(request.user, "cases.manage_open311")
    actions.revoke_api_key(actor=request.user, key=get_object_or_404(Open311ApiKey, pk=pk))
    messages.success(request, "密钥已停用")
    return redirect("cases:categories")
