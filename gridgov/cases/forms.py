"""Forms of the cases app (Chinese labels; errors shown inline)."""

from django import forms
from django.core.exceptions import ValidationError

from gridgov.core import limits
from gridgov.divisions.models import Division

from .choices import Urgency
from .models import CaseCategory, RoutingRule


def minor_categories(public=False):
    """The active minor classes; `public` keeps the ones residents may choose (`is_public`)."""
    qs = CaseCategory.objects.filter(parent__isnull=False, is_active=True)
    if public:
        qs = qs.filter(is_public=True)
    return qs.select_related("parent").order_by("kind", "parent__sort", "sort", "code")


def major_categories():
    """The major classes for filters, each with a `label` that tells apart a name used by two
    kinds (市容环境 is an event class and a component class): "市容环境（部件类）"."""
    from collections import Counter

    from .choices import CategoryKind

    majors = list(CaseCategory.objects.filter(parent__isnull=True).order_by("kind", "sort", "code"))
    names = Counter(m.name for m in majors)
    for m in majors:
        m.label = f"{m.name}（{CategoryKind(m.kind).label}）" if names[m.name] > 1 else m.name
    return majors


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.parent.name} / {obj.name}"


class ReportForm(forms.Form):
    """One form for every intake page; the view decides which fields to show."""

    category = CategoryChoiceField(label="问题类别", queryset=CaseCategory.objects.none(), empty_label="请选择")
    title = forms.CharField(label="标题", max_length=120)
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                  max_length=limits.TEXT)
    urgency = forms.ChoiceField(label="紧急程度", choices=Urgency.choices, initial=Urgency.NORMAL, required=False)
    lng = forms.FloatField(label="经度", required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(label="纬度", required=False, widget=forms.HiddenInput)
    address = forms.CharField(label="地址/位置描述", max_length=200, required=False)
    grid = forms.CharField(label="网格代码", max_length=15, required=False,
                           help_text="未在地图上选点时，可直接填写 15 位网格代码")
    component = forms.CharField(label="部件编码", max_length=16, required=False)
    reporter_name = forms.CharField(label="您的称呼", max_length=50, required=False)
    reporter_phone = forms.CharField(label="联系电话", max_length=20, required=False)
    solve_in_grid = forms.BooleanField(label="已当场解决（简易程序，需上传处理后照片）", required=False)
    solve_note = forms.CharField(label="处理情况", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                 max_length=limits.NOTE)

    def __init__(self, *args, public=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = minor_categories(public=public)

    def questions(self):
        """The selected class's extra questions with the posted answers (for re-rendering)."""
        category = self.cleaned_data.get("category") if hasattr(self, "cleaned_data") else None
        if category is None:
            value = self.data.get("category") or self.initial.get("category")
            category = CaseCategory.objects.filter(pk=value).first() if str(value or "").isdigit() else None
        if category is None:
            return []
        return [{**q, "value": self.data.get(f"attr_{q.get('code')}", "")} for q in category.extra_questions or []]

    def attributes(self):
        """Answers to the extra questions, keyed by question code."""
        result = {}
        for q in self.questions():
            key = f"attr_{q.get('code')}"
            values = self.data.getlist(key) if hasattr(self.data, "getlist") else [self.data.get(key)]
            values = [v for v in values if v not in (None, "")]
            if values:
                result[q["code"]] = values if q.get("datatype") == "multivaluelist" else values[0]
        return result

    def clean_grid(self):
        code = self.cleaned_data.get("grid", "").strip()
        if not code:
            return None
        grid = Division.objects.current_grids().filter(code=code).first()
        if grid is None:
            raise ValidationError("找不到该网格代码")
        return grid

    def clean_component(self):
        code = self.cleaned_data.get("component", "").strip()
        if not code:
            return None
        from gridgov.registry.models import Component

        component = Component.objects.filter(code=code).select_related("grid").first()
        if component is None:
            raise ValidationError("找不到该部件编码")
        return component

    def clean_reporter_phone(self):
        phone = "".join(self.cleaned_data.get("reporter_phone", "").split())
        if phone and not (phone.isdigit() and 7 <= len(phone) <= 12):
            raise ValidationError("电话号码格式不正确")
        return phone


class TrackForm(forms.Form):
    """查询进度: a report's case number and the last four digits of the reporter's phone."""

    number = forms.CharField(label="案卷号", max_length=20, help_text="提交反映后页面上显示的案卷号")
    phone_last4 = forms.CharField(label="手机号后四位", min_length=4, max_length=4,
                                  help_text="反映问题时留下的联系电话的最后四位")

    def clean_number(self):
        value = "".join(self.cleaned_data["number"].split())
        if not value.isdigit():
            raise ValidationError("案卷号由数字组成")
        return value

    def clean_phone_last4(self):
        value = self.cleaned_data["phone_last4"].strip()
        if not (value.isdigit() and len(value) == 4):
            raise ValidationError("请填写 4 位数字")
        return value


class CategoryForm(forms.ModelForm):
    class Meta:
        model = CaseCategory
        fields = ["kind", "parent", "code", "name", "sort", "is_active", "is_public", "is_sensitive",
                  "registration_condition",
                  "closing_condition", "default_department", "urgent_allowed", "accept_minutes",
                  "accept_minutes_urgent", "sign_minutes", "handle_minutes", "handle_minutes_urgent",
                  "verify_minutes_city", "verify_minutes_rural", "close_minutes", "duplicate_radius_m",
                  "extra_questions"]
        widgets = {"registration_condition": forms.Textarea(attrs={"rows": 2}),
                   "closing_condition": forms.Textarea(attrs={"rows": 2}),
                   "extra_questions": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = CaseCategory.objects.filter(parent__isnull=True)

    def clean_extra_questions(self):
        value = self.cleaned_data.get("extra_questions") or []
        if not isinstance(value, list):
            raise ValidationError("补充问题必须是 JSON 列表")
        for q in value:
            if not isinstance(q, dict) or not q.get("code") or not q.get("label"):
                raise ValidationError("每个补充问题都需要 code 和 label")
            if q.get("datatype", "string") not in ("string", "number", "datetime", "text", "singlevaluelist",
                                                   "multivaluelist"):
                raise ValidationError(f"问题 {q.get('code')} 的 datatype 不正确")
        return value


class RoutingRuleForm(forms.ModelForm):
    class Meta:
        model = RoutingRule
        fields = ["order", "category", "division_prefix", "department", "is_active", "note"]

    def clean_division_prefix(self):
        value = self.cleaned_data.get("division_prefix", "").strip()
        if value and not value.isdigit():
            raise ValidationError("区划前缀只能是数字")
        return value
