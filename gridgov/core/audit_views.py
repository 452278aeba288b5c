"""The audit log page: filters, pagination, CSV/XLSX export (the export is audited too).
Non-administrators see the entries inside their scope (division_code prefix)."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone

from . import audit
from .access import ALL, can, prefix_q, scope_prefixes
from .exports import export_response
from .forms import AuditFilterForm
from .models import AuditEntry
from .paging import CappedPaginator

EXPORT_HEADERS = ["时间", "操作人", "类别", "动作", "动作代码", "对象类型", "对象ID", "对象", "区划代码", "事由", "修改前", "修改后",
                  "请求ID"]


def visible_entries(user):
    prefixes = scope_prefixes(user, "core.view_auditentry")
    qs = AuditEntry.objects.all()
    if prefixes == ALL:
        return qs
    if not prefixes:
        return qs.none()
    return qs.filter(prefix_q("division_code", prefixes))


def filtered_entries(user, data):
    qs = visible_entries(user)
    if data.get("user"):
        u = data["user"]
        qs = qs.filter(Q(actor__username=u) | Q(actor_name__icontains=u) |
                       (Q(actor_id=int(u)) if u.isdigit() else Q()))
    for field in ("object_type", "object_id"):
        if data.get(field):
            qs = qs.filter(**{field: data[field]})
    if data.get("action"):  # a code ("cases.report") or words of its label ("上报")
        text = data["action"]
        codes = [code for code, label in audit.action_labels().items() if text in label]
        qs = qs.filter(Q(action__icontains=text) | Q(action__in=codes))
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    tz = timezone.get_current_timezone()
    if data.get("start"):
        qs = qs.filter(at__gte=datetime.datetime.combine(data["start"], datetime.time.min, tz))
    if data.get("end"):
        qs = qs.filter(at__lt=datetime.datetime.combine(data["end"] + datetime.timedelta(days=1),
                                                        datetime.time.min, tz))
    if data.get("division"):
        qs = qs.filter(division_code__prefix=data["division"])
    return qs


@login_required
def audit_list(request):
    if not can(request.user, "core.view_auditentry"):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    if not request.GET.get("division") and request.active_scope:
        data = {**data, "division": request.active_scope}
    qs = filtered_entries(request.user, data).select_related("actor")
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx") and not form.errors:
        if not can(request.user, "core.export_auditentry"):
            raise PermissionDenied
        labels = audit.action_labels()
        rows = ([timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.actor_name, e.get_kind_display(),
                 audit.action_label(e.action, labels), e.action, e.object_type, e.object_id, e.object_repr, e.division_code, e.reason,
                 _json(e.before), _json(e.after), e.request_id] for e in qs.iterator(chunk_size=2000))
        return export_response(request.user, rows, headers=EXPORT_HEADERS, filename="审计日志", fmt=fmt,
                               subject=("core.auditentry", "", "审计日志"),
                               filters={k: v for k, v in request.GET.items() if k != "export"})
    page = CappedPaginator(qs, 50).get_page(request.GET.get("page"))
    labels = audit.action_labels()
    for entry in page:
        entry.action_label = audit.action_label(entry.action, labels)
        entry.object_label = _model_label(entry.object_type)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return render(request, "core/audit_list.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "can_export": can(request.user, "core.export_auditentry"),
        "breadcrumb": [{"label": "系统管理"}, {"label": "审计日志"}],
    })


def _model_label(object_type):
    """"cases.case" → "事件" (the model's verbose name); "" for subjects that are not models."""
    from django.apps import apps

    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return ""


def _json(value):
    if value in (None, {}, []):
        return ""
    import json

    return json.dumps(value, ensure_ascii=False)[:2000]
