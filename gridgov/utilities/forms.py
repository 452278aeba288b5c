from django import forms

from gridgov.core import limits

from .choices import BillStatus, Channel, PaymentStatus, UtilityKind
from .models import Utility


def _utilities():
    return [("", "全部单位"), *((u.code, u.name) for u in Utility.objects.order_by("kind", "code"))]


class BillFilter(forms.Form):
    q = forms.CharField(label="户号/地址", required=False, max_length=limits.NAME)
    utility = forms.ChoiceField(label="单位", required=False)
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *BillStatus.choices])
    period = forms.RegexField(label="账期", required=False, regex=r"^\d{4}-\d{2}$", max_length=7,
                              widget=forms.TextInput(attrs={"placeholder": "2026-10"}))
    overdue = forms.ChoiceField(label="逾期", required=False, choices=[("", "不限"), ("1", "仅逾期未缴")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["utility"].choices = _utilities()


class AccountFilter(forms.Form):
    q = forms.CharField(label="户号/户名/地址", required=False, max_length=limits.NAME)
    utility = forms.ChoiceField(label="单位", required=False)
    linked = forms.ChoiceField(label="关联房屋", required=False,
                               choices=[("", "不限"), ("1", "已关联"), ("0", "未关联")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["utility"].choices = _utilities()


class PaymentFilter(forms.Form):
    q = forms.CharField(label="交易号/幂等键", required=False, max_length=64)
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *PaymentStatus.choices])
    channel = forms.ChoiceField(label="渠道", required=False, choices=[("", "全部渠道"), *Channel.choices])
    provider = forms.ChoiceField(label="支付方式", required=False)
    day = forms.DateField(label="支付日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        from .providers import provider_choices

        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [("", "全部方式"), *provider_choices()]


class LookupForm(forms.Form):
    account_no = forms.RegexField(label="缴费户号", regex=r"^[0-9A-Za-z\-]{1,30}$", max_length=30,
                                  error_messages={"invalid": "户号应为 1–30 位字母或数字"},
                                  widget=forms.TextInput(attrs={"inputmode": "text", "autocomplete": "off"}))


class RefundForm(forms.Form):
    reason = forms.CharField(label="退款原因", max_length=200, widget=forms.TextInput())


class UtilityForm(forms.ModelForm):
    class Meta:
        model = Utility
        fields = ["code", "name", "kind", "phone", "is_active"]


class ReconForm(forms.Form):
    date = forms.DateField(label="对账日期", widget=forms.DateInput(attrs={"type": "date"}))


KINDS = UtilityKind
