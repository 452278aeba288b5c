"""Forms of the care app (crispy-bootstrap5). Money is entered in yuan and kept in fen."""

from decimal import Decimal, InvalidOperation

from django import forms

from gridgov.core.uploads import ACCEPT, ImageUploadField
from gridgov.core.widgets import ManyOptionsSelect

from .choices import CARE_CATEGORIES, ItemCategory, OrderKind, OrderStatus, ProviderKind
from .models import Doctor, Provider, Schedule, ServiceItem, SubsidyRule


class YuanField(forms.CharField):
    """A price in yuan ("12.50") → integer fen (1250)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 12)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return None
        try:
            fen = (Decimal(str(value).strip()) * 100).quantize(Decimal(1))
        except InvalidOperation:
            raise forms.ValidationError("请输入金额（元），例如 12.50") from None
        if fen < 0 or fen > 10_000_000:
            raise forms.ValidationError("金额须在 0–100000 元之间")
        return int(fen)


class ProviderForm(forms.ModelForm):
    class Meta:
        model = Provider
        fields = ["kind", "name", "contact", "phone", "address", "service_hours", "licence", "is_active", "note"]


class ItemForm(forms.ModelForm):
    price = YuanField(label="单价(元)")

    class Meta:
        model = ServiceItem
        fields = ["category", "name", "unit", "minutes", "description", "is_active", "sort"]

    def __init__(self, *args, provider=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["price"].initial = f"{self.instance.price_fen / 100:.2f}"
        kind = provider.kind if provider else None
        allowed = {ProviderKind.ELDERLY: CARE_CATEGORIES, ProviderKind.MERCHANT: (ItemCategory.GOODS,)}.get(
            kind, (ItemCategory.REPAIR,))
        self.fields["category"].choices = [(c.value, c.label) for c in allowed]

    def action_data(self):
        data = {k: v for k, v in self.cleaned_data.items() if k != "price"}
        data["price_fen"] = self.cleaned_data["price"]
        return data


class AccountForm(forms.Form):
    username = forms.CharField(label="登录名", max_length=40)
    full_name = forms.CharField(label="显示名称", max_length=50)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput, min_length=10, max_length=128,
                               help_text="至少 10 位，含字母和数字；请告知服务商首次登录后修改")


class DoctorForm(forms.ModelForm):
    class Meta:
        model = Doctor
        fields = ["name", "title", "specialty", "is_family_doctor", "open_days_ahead", "signed_days_ahead",
                  "is_active"]


class TimeInput(forms.TimeInput):
    input_type = "time"


class ScheduleForm(forms.ModelForm):
    class Meta:
        model = Schedule
        fields = ["weekday", "start", "end", "capacity", "is_active"]
        widgets = {"start": TimeInput(format="%H:%M"), "end": TimeInput(format="%H:%M")}

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            raise forms.ValidationError("结束时间须晚于开始时间")
        return data


class RuleForm(forms.ModelForm):
    hours = forms.DecimalField(label="每月补贴时长(小时)", min_value=0, max_value=744, decimal_places=1)
    category_list = forms.MultipleChoiceField(label="适用服务类别", required=False,
                                              choices=[(c.value, c.label) for c in CARE_CATEGORIES],
                                              widget=forms.CheckboxSelectMultiple, help_text="不选表示全部类别")

    class Meta:
        model = SubsidyRule
        fields = ["name", "min_age", "required_tags", "is_active", "note"]
        widgets = {"required_tags": forms.CheckboxSelectMultiple()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from gridgov.registry.models import CareTag

        self.fields["required_tags"].queryset = CareTag.objects.filter(is_active=True)
        if self.instance.pk:
            self.fields["hours"].initial = self.instance.monthly_minutes / 60
            self.fields["category_list"].initial = self.instance.categories

    def clean(self):
        data = super().clean()
        if not data.get("min_age") and not data.get("required_tags"):
            raise forms.ValidationError("须至少规定“年龄不低于”或“关爱人群标签”之一")
        return data

    def action_data(self):
        d = self.cleaned_data
        return {"name": d["name"], "min_age": d["min_age"], "is_active": d["is_active"], "note": d["note"],
                "monthly_minutes": int(d["hours"] * 60), "categories": d["category_list"]}


class OrderFilter(forms.Form):
    q = forms.CharField(label="订单号/联系人/地址", required=False, max_length=50)
    kind = forms.ChoiceField(label="类型", required=False, choices=[("", "全部类型"), *OrderKind.choices])
    status = forms.ChoiceField(label="状态", required=False,
                               choices=[("", "全部状态"), ("open", "未完成"), *OrderStatus.choices])
    provider = forms.ModelChoiceField(label="服务商", required=False, queryset=Provider.objects.none(),
                                      empty_label="全部服务商", widget=ManyOptionsSelect)

    def __init__(self, *args, providers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers if providers is not None else Provider.objects.none()


class AcceptForm(forms.Form):
    worker_name = forms.CharField(label="服务人员", required=False, max_length=50)


class CheckForm(forms.Form):
    """Check in / out: the phone page's script fills the position when the browser gives it."""

    lng = forms.FloatField(required=False, widget=forms.HiddenInput(attrs={"data-geo": "lng"}))
    lat = forms.FloatField(required=False, widget=forms.HiddenInput(attrs={"data-geo": "lat"}))


class CheckOutForm(CheckForm):
    note = forms.CharField(label="完成说明", required=False, max_length=300,
                           widget=forms.Textarea(attrs={"rows": 2}))
    photo = ImageUploadField(label="完工照片", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photo"].widget.attrs.update({"accept": ACCEPT, "capture": "environment"})


class CancelForm(forms.Form):
    reason = forms.CharField(label="取消原因", max_length=200)


class RevisitForm(forms.Form):
    satisfaction = forms.TypedChoiceField(label="满意度", coerce=int,
                                          choices=[(5, "非常满意"), (4, "满意"), (3, "一般"), (2, "不满意"),
                                                   (1, "很不满意")])
    note = forms.CharField(label="回访记录", required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(label="评分", coerce=int, widget=forms.RadioSelect,
                                    choices=[(5, "★★★★★ 非常满意"), (4, "★★★★ 满意"), (3, "★★★ 一般"),
                                             (2, "★★ 不满意"), (1, "★ 很不满意")])
    comment = forms.CharField(label="评价", required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class MonthForm(forms.Form):
    month = forms.DateField(label="月份", input_formats=["%Y-%m"], widget=forms.DateInput(
        attrs={"type": "month"}, format="%Y-%m"))
