"""三五工程 pages: the library with the scope's progress, an indicator's history and breakdown,
reporting (填报) with evidence, the review queue (审核), the XLSX and printable reports."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gridgov.core import clock
from gridgov.core.access import can, get_visible_or_404, is_district_wide
from gridgov.core.exports import export_response
from gridgov.core.media import file_response
from gridgov.divisions.models import Division

from . import actions
from .choices import Source, ValueStatus
from .models import IndicatorDefinition, IndicatorEvidence, IndicatorValue
from .progress import expected, period_label, period_start, rag, recent_periods, rollup_table

ROOT = {"label": "三五工程", "url": "/indicators/"}
HISTORY = 8


def _scope_division(request):
    """The division the pages report on: ?scope=, else the scope switcher's, else the viewer's
    widest visible division."""
    from .screen import root_for

    code = request.GET.get("scope") or getattr(request, "active_scope", "") or ""
    if code:
        division = Division.objects.visible_to(request.user).filter(code=code).first()
        if division:
            return division
    root = root_for(request.user)
    if root is None:
        divisions = [a.division for a in request.user.active_assignments() if a.division_id]
        root = min(divisions, key=lambda d: d.level) if divisions else None
    if root is None:
        raise Http404
    return root


def _need_view(request):
    if not can(request.user, "dashboard.view_indicatorvalue"):
        raise Http404


def progress_rows(division, day=None):
    """One row per active indicator for `division` in the current period: value, target,
    expected on the pace line, RAG."""
    day = day or clock.today()
    defs = list(IndicatorDefinition.objects.filter(is_active=True))
    rows = []
    for p in {d.period for d in defs}:
        start = period_start(day, p)
        table = rollup_table([d for d in defs if d.period == p], division, start)
        for d in (d for d in defs if d.period == p):
            r = table[d.id]
            rows.append({"d": d, "value": r.value, "count": r.count, "expected": expected(d, day).quantize(
                d.target_value), "rag": rag(d, r.value, day), "period": period_label(start, p)})
    return sorted(rows, key=lambda r: (r["d"].sort, r["d"].id))


@login_required
def library(request):
    _need_view(request)
    division = _scope_division(request)
    rows = progress_rows(division)
    user = request.user
    return render(request, "dashboard/library.html", {
        "division": division, "rows": rows,
        "groups": [(g, [r for r in rows if r["d"].group == g]) for g in ("improve", "full", "coverage")],
        "can_report": can(user, "dashboard.report_indicatorvalue"),
        "can_review": can(user, "dashboard.approve_indicatorvalue"),
        "can_refresh": is_district_wide(user, "dashboard.refresh_indicatorvalue"),
        "pending": IndicatorValue.objects.visible_to(user).filter(status=ValueStatus.SUBMITTED).count(),
        "breadcrumb": [ROOT, {"label": division.name}],
    })


@login_required
def detail(request, code):
    _need_view(request)
    definition = get_object_or_404(IndicatorDefinition, code=code)
    division = _scope_division(request)
    today = clock.today()
    history = []
    for start in recent_periods(definition.period, HISTORY, today):
        r = rollup_table([definition], division, start)[definition.id]
        history.append({"period": period_label(start, definition.period), "value": r.value, "count": r.count,
                        "expected": expected(definition, min(today, start)).quantize(definition.target_value),
                        "rag": rag(definition, r.value, min(today, start))})
    start = period_start(today, definition.period)
    children = list(Division.objects.visible_to(request.user).filter(parent=division, is_active=True))
    breakdown = []
    if definition.level >= division.level + 1:
        for c in children:
            r = rollup_table([definition], c, start)[definition.id]
            breakdown.append({"division": c, "value": r.value, "rag": rag(definition, r.value, today)})
    values = (IndicatorValue.objects.visible_to(request.user).filter(definition=definition,
                                                                     division_code__startswith=division.path)
              .select_related("division", "reported_by").order_by("-period_start", "division_code")[:50])
    return render(request, "dashboard/detail.html", {
        "definition": definition, "division": division, "history": history, "breakdown": breakdown,
        "values": values, "period": period_label(start, definition.period),
        "chart": {"labels": [h["period"] for h in history],
                  "values": [float(h["value"]) if h["value"] is not None else None for h in history],
                  "expected": [float(h["expected"]) for h in history], "target": float(definition.target_value)},
        "can_report": definition.source == Source.REPORTED and can(request.user, "dashboard.report_indicatorvalue"),
        "can_edit": is_district_wide(request.user, "dashboard.change_indicatordefinition"),
        "breadcrumb": [ROOT, {"label": definition.name}],
    })


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ReportForm(forms.Form):
    definition = forms.ModelChoiceField(label="指标", queryset=IndicatorDefinition.objects.none())
    division = forms.ModelChoiceField(label="填报单位（区划）", queryset=Division.objects.none())
    period_day = forms.DateField(label="统计周期内任一日期", widget=forms.DateInput(attrs={"type": "date"}))
    value = forms.DecimalField(label="数值", max_digits=14, decimal_places=2)
    note = forms.CharField(label="说明", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    files = MultipleFileField(label="佐证材料", required=False,
                              help_text="PDF、JPG、PNG、docx、xlsx，单个不超过 10 MB；提交审核至少一个")
    submit = forms.BooleanField(label="提交审核（不勾选则保存为草稿）", required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["definition"].queryset = IndicatorDefinition.objects.filter(source=Source.REPORTED,
                                                                                is_active=True)
        self.fields["division"].queryset = Division.objects.visible_to(user).filter(is_active=True, level__lte=3) \
            .order_by("code")
        self.initial.setdefault("period_day", clock.today())


@login_required
def report(request):
    if not can(request.user, "dashboard.report_indicatorvalue"):
        raise Http404
    form = ReportForm(request.POST or None, request.FILES or None, user=request.user,
                      initial={"definition": IndicatorDefinition.objects.filter(code=request.GET.get("indicator"))
                               .first()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            value = actions.report_value(actor=request.user, definition=d["definition"], division=d["division"],
                                         period_start_day=d["period_day"], value=d["value"], note=d["note"],
                                         files=d["files"], submit=d["submit"])
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        except PermissionDenied:
            form.add_error("division", "您不能为该区划填报")
        else:
            messages.success(request, "已提交审核" if d["submit"] else "已保存草稿")
            return HttpResponseRedirect(reverse("dashboard:value", args=[value.pk]))
    return render(request, "dashboard/report.html", {"form": form, "breadcrumb": [ROOT, {"label": "指标填报"}]})


@login_required
def value_detail(request, pk):
    value = get_visible_or_404(IndicatorValue.objects.select_related("definition", "division", "reported_by",
                                                                     "reviewed_by"), request.user, pk=pk)
    user = request.user
    return render(request, "dashboard/value.html", {
        "value": value, "evidence": list(value.evidence.all()),
        "can_review": value.status == ValueStatus.SUBMITTED and value.reported_by_id != user.pk
        and can(user, "dashboard.approve_indicatorvalue", value.division_code),
        "breadcrumb": [ROOT, {"label": value.definition.name, "url": reverse("dashboard:detail",
                                                                             args=[value.definition.code])},
                       {"label": f"{value.division.name} {period_label(value.period_start, value.definition.period)}"}],
    })


@login_required
@require_POST
def review(request, pk):
    value = get_visible_or_404(IndicatorValue, request.user, pk=pk)
    try:
        actions.review_value(actor=request.user, value=value, approve=request.POST.get("decision") == "approve",
                             note=request.POST.get("note", "")[:300])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or "无权审核")
    else:
        messages.success(request, "已审核通过" if request.POST.get("decision") == "approve" else "已退回")
    return HttpResponseRedirect(reverse("dashboard:value", args=[pk]))


@login_required
def review_queue(request):
    if not can(request.user, "dashboard.approve_indicatorvalue"):
        raise Http404
    rows = (IndicatorValue.objects.visible_to(request.user).filter(status=ValueStatus.SUBMITTED)
            .exclude(reported_by=request.user).select_related("definition", "division", "reported_by")
            .order_by("reported_at")[:200])
    return render(request, "dashboard/review_queue.html", {"rows": rows,
                                                           "breadcrumb": [ROOT, {"label": "待审核"}]})


@login_required
def evidence(request, pk):
    ev = get_object_or_404(IndicatorEvidence, pk=pk)
    get_visible_or_404(IndicatorValue, request.user, pk=ev.value_id)
    return file_response(ev.file, download_name=ev.name)


@login_required
@require_POST
def refresh(request):
    try:
        n = actions.refresh_computed(actor=request.user)
    except PermissionDenied:
        raise Http404
    messages.success(request, f"已重新计算平台指标（{n} 条变化）")
    return HttpResponseRedirect(reverse("dashboard:library"))


def _report_rows(request):
    division = _scope_division(request)
    children = list(Division.objects.visible_to(request.user).filter(parent=division, is_active=True)
                    .order_by("code"))
    rows = progress_rows(division)
    today = clock.today()
    child_tables = {}
    for c in children:
        defs = [r["d"] for r in rows]
        child_tables[c.code] = {p: rollup_table([d for d in defs if d.period == p], c, period_start(today, p))
                                for p in {d.period for d in defs}}
    return division, children, rows, child_tables


@login_required
def export_xlsx(request):
    """The 三五 report as XLSX: one row per indicator, the scope's value, target, pace, RAG, and a
    column per child division."""
    if not can(request.user, "dashboard.export_indicatorvalue"):
        raise Http404
    division, children, rows, child_tables = _report_rows(request)
    headers = ["类别", "指标", "单位", "统计周期", "目标值", "目标日期", "按进度应达", f"{division.name}", "进度",
               *[c.name for c in children]]
    out = []
    for r in rows:
        d = r["d"]
        out.append([str(d.get_group_display()), d.name, d.unit, r["period"], d.target_value, d.target_date,
                    r["expected"], r["value"] if r["value"] is not None else "", str(r["rag"].label),
                    *[(child_tables[c.code][d.period][d.id].value or "") for c in children]])
    return export_response(request.user, out, headers=headers, filename=f"三五工程指标_{division.name}", fmt="xlsx",
                           subject=("dashboard.indicatorvalue", division.code, "三五工程报表"),
                           division_code=division.code)


@login_required
def print_report(request):
    _need_view(request)
    division, children, rows, child_tables = _report_rows(request)
    for r in rows:
        r["children"] = [child_tables[c.code][r["d"].period][r["d"].id].value for c in children]
    return render(request, "dashboard/print.html", {"division": division, "children": children, "rows": rows,
                                                    "today": clock.today(),
                                                    "breadcrumb": [ROOT, {"label": "打印报表"}]})


class DefinitionForm(forms.ModelForm):
    class Meta:
        model = IndicatorDefinition
        fields = ["code", "name", "group", "definition", "unit", "direction", "baseline_value", "baseline_date",
                  "target_value", "target_date", "level", "source", "computation", "aggregation", "period",
                  "department", "sort", "is_active"]
        widgets = {"baseline_date": forms.DateInput(attrs={"type": "date"}),
                   "target_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True


@login_required
def definition_edit(request, code=None):
    """Add or edit an indicator of the library (district-wide)."""
    if not is_district_wide(request.user, "dashboard.change_indicatordefinition"):
        raise Http404
    obj = get_object_or_404(IndicatorDefinition, code=code) if code else None
    form = DefinitionForm(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        target = IndicatorDefinition.objects.get(pk=obj.pk) if obj else None
        try:
            saved = actions.save_definition(actor=request.user, definition=target, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, "已保存指标")
            return HttpResponseRedirect(reverse("dashboard:detail", args=[saved.code]))
    return render(request, "dashboard/report.html", {
        "form": form, "title": "编辑指标" if obj else "新增指标",
        "breadcrumb": [ROOT, {"label": obj.name if obj else "新增指标"}]})
