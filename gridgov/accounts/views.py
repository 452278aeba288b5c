"""Views of the accounts app: login/logout, password change, users, roles and permissions."""

from collections import OrderedDict

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gridgov.core import audit
from gridgov.core.access import can
from gridgov.core.choices import AuditKind
from gridgov.core.manifest import all_contributions
from gridgov.core.paging import CappedPaginator

from . import actions
from .forms import (
    AssignmentForm,
    ChinesePasswordChangeForm,
    LockoutAuthenticationForm,
    ResetPasswordForm,
    UserCreateForm,
    UserForm,
)
from .models import Role, RoleAssignment
from .queries import is_district_wide, manageable_divisions, visible_users, with_assignments


def project_apps():
    """Apps whose permissions appear in the role editor: those with a manifest, in
    INSTALLED_APPS order (Django's own plumbing stays out)."""
    return [c.app for c in all_contributions()]

ACTION_LABELS = OrderedDict([("view", "查看"), ("add", "新增"), ("change", "修改"), ("delete", "删除")])


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LockoutAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        audit.record(user, "accounts.login", user, kind=AuditKind.LOGIN)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = ChinesePasswordChangeForm

    def get_success_url(self):
        return reverse("home")

    def form_valid(self, form):
        try:
            actions.set_password(actor=self.request.user, user=self.request.user,
                                 password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            form.add_error("new_password1", exc)
            return self.form_invalid(form)
        update_session_auth_hash(self.request, self.request.user)
        messages.success(self.request, "密码已修改。")
        return redirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["breadcrumb"] = [{"label": "首页", "url": reverse("home")}, {"label": "修改密码"}]
        return ctx


def _crumbs(*items):
    return [{"label": "系统管理"}, *items]


def _require_view_users(user):
    if not can(user, "accounts.view_user"):
        raise PermissionDenied


@login_required
def user_list(request):
    _require_view_users(request.user)
    qs = visible_users(request.user)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q) | Q(phone__icontains=q))
    role = request.GET.get("role", "")
    if role:
        qs = qs.filter(assignments__role__code=role)
    division = request.GET.get("division", "").strip() or request.active_scope
    if division:
        from gridgov.divisions.codes import path_of

        qs = qs.filter(assignments__division__code__prefix=path_of(division))
    status = request.GET.get("status", "")
    if status == "locked":
        from gridgov.core import clock

        qs = qs.filter(locked_until__gt=clock.now())
    elif status == "inactive":
        qs = qs.filter(is_active=False)
    qs = with_assignments(qs.distinct().order_by("username"))
    page = CappedPaginator(qs, 30).get_page(request.GET.get("page"))
    for u in page:
        u.is_locked = _is_locked(u)
    return render(request, "accounts/user_list.html", {
        "page": page, "roles": Role.objects.all(), "q": q, "role": role, "division": division, "status": status,
        "can_add": can(request.user, "accounts.add_user"),
        "breadcrumb": _crumbs({"label": "用户"}),
    })


@login_required
def user_create(request):
    if not can(request.user, "accounts.add_user"):
        raise PermissionDenied
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = actions.create_user(actor=request.user, **data)
        except ValidationError as exc:
            _add_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or "没有权限")
        else:
            messages.success(request, f"已创建用户 {user.username}。")
            return redirect("accounts:user_edit", pk=user.pk)
    return render(request, "accounts/user_form.html", {
        "form": form, "creating": True,
        "breadcrumb": _crumbs({"label": "用户", "url": reverse("accounts:user_list")}, {"label": "新建用户"}),
    })


def _add_errors(form, exc):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error("password" if "password" in form.fields else None, exc.messages)


@login_required
def user_edit(request, pk):
    _require_view_users(request.user)
    user = get_object_or_404(with_assignments(visible_users(request.user)), pk=pk)
    can_manage = visible_users(request.user, "change").filter(pk=pk).exists()
    form = UserForm(request.POST or None, initial={f: getattr(user, f) for f in actions.USER_FIELDS})
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if form.is_valid():
            try:
                actions.update_user(actor=request.user, user=user, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, "用户信息已保存。")
                return redirect("accounts:user_edit", pk=user.pk)
    return render(request, "accounts/user_edit.html", {
        "subject": user, "form": form, "can_manage": can_manage,
        "assign_form": AssignmentForm(actor=request.user), "password_form": ResetPasswordForm(),
        "is_locked": _is_locked(user),
        "breadcrumb": _crumbs({"label": "用户", "url": reverse("accounts:user_list")}, {"label": str(user)}),
    })


def _is_locked(user):
    from gridgov.core import clock

    return bool(user.locked_until and user.locked_until > clock.now())


def _managed_user_or_404(request, pk):
    return get_object_or_404(visible_users(request.user, "change"), pk=pk)


@login_required
@require_POST
def user_assign(request, pk):
    user = _managed_user_or_404(request, pk)
    form = AssignmentForm(request.POST, actor=request.user)
    if form.is_valid():
        try:
            actions.assign_role(actor=request.user, user=user, **form.cleaned_data)
            messages.success(request, "已分配角色。")
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.error(request, "；".join(f"{form.fields[f].label if f in form.fields else ''}{e}"
                                         for f, errs in form.errors.items() for e in errs))
    return redirect("accounts:user_edit", pk=user.pk)


@login_required
@require_POST
def user_revoke(request, pk, assignment_id):
    user = _managed_user_or_404(request, pk)
    assignment = get_object_or_404(RoleAssignment.objects.select_related("role", "division", "department"),
                                   pk=assignment_id, user=user)
    try:
        actions.revoke_role(actor=request.user, assignment=assignment)
        messages.success(request, "已撤销角色。")
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect("accounts:user_edit", pk=user.pk)


@login_required
@require_POST
def user_unlock(request, pk):
    user = _managed_user_or_404(request, pk)
    actions.unlock_user(actor=request.user, user=user)
    messages.success(request, "已解除锁定。")
    return redirect("accounts:user_edit", pk=user.pk)


@login_required
@require_POST
def user_password(request, pk):
    user = _managed_user_or_404(request, pk)
    form = ResetPasswordForm(request.POST)
    if form.is_valid():
        try:
            actions.set_password(actor=request.user, user=user, password=form.cleaned_data["password"])
            messages.success(request, "密码已重置。")
        except ValidationError as exc:
            messages.error(request, "密码不符合要求：" + "；".join(exc.messages))
    else:
        messages.error(request, "请输入新密码。")
    return redirect("accounts:user_edit", pk=user.pk)


@login_required
def role_list(request):
    if not can(request.user, "accounts.view_role"):
        raise PermissionDenied
    roles = Role.objects.annotate(
        n_users=Count("assignments__user", distinct=True), n_perms=Count("permissions", distinct=True)
    )
    return render(request, "accounts/role_list.html", {
        "roles": roles, "can_edit": is_district_wide(request.user, "accounts.change_role"),
        "breadcrumb": _crumbs({"label": "角色权限"}),
    })


def permission_matrix(selected_ids):
    """Rows per model: {app, model, cells: {action: perm or None}, others: [perm]}, grouped by app."""
    apps = project_apps()
    perms = Permission.objects.filter(content_type__app_label__in=apps).select_related("content_type")
    rows = OrderedDict()
    for p in sorted(perms, key=lambda p: (apps.index(p.content_type.app_label), p.content_type.model,
                                          p.codename)):
        ct = p.content_type
        model = ct.model_class()
        row = rows.setdefault(ct.pk, {
            "app": ct.app_label, "model": ct.model,
            "label": str(model._meta.verbose_name) if model else ct.model,
            "cells": OrderedDict((a, None) for a in ACTION_LABELS), "others": [],
        })
        action = p.codename.split("_", 1)[0]
        p.checked = p.pk in selected_ids
        if action in ACTION_LABELS and p.codename == f"{action}_{ct.model}":
            row["cells"][action] = p
        else:
            row["others"].append(p)
    groups = OrderedDict()
    for row in rows.values():
        groups.setdefault(row["app"], []).append(row)
    return groups


@login_required
def role_edit(request, pk):
    if not is_district_wide(request.user, "accounts.change_role"):
        raise PermissionDenied
    role = get_object_or_404(Role, pk=pk)
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("perm") if v.isdigit()]
        # permissions of apps not shown in the editor are kept as they are
        hidden = role.permissions.exclude(content_type__app_label__in=project_apps()).values_list("pk", flat=True)
        actions.set_role_permissions(actor=request.user, role=role, permissions=[*ids, *hidden])
        messages.success(request, f"角色“{role}”的权限已保存。")
        return redirect("accounts:role_list")
    selected = set(role.permissions.values_list("pk", flat=True))
    return render(request, "accounts/role_edit.html", {
        "role": role, "groups": permission_matrix(selected), "actions": ACTION_LABELS,
        "breadcrumb": _crumbs({"label": "角色权限", "url": reverse("accounts:role_list")}, {"label": role.name}),
    })


__all__ = ["LoginView", "PasswordChangeView", "manageable_divisions"]
