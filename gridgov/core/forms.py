"""Forms of the core app."""

from django import forms

from .choices import AuditKind, CalendarDayKind


class AuditFilterForm(forms.Form):
    user = forms.CharField(label="操作人", required=False, max_length=150)
    object_type = forms.CharField(label="对象类型", required=False, max_length=80)
    object_id = forms.CharField(label="对象ID", required=False, max_length=64)
    action = forms.CharField(label="动作", required=False, max_length=80)
    kind = forms.ChoiceField(label="类别", required=False, choices=[("", "全部"), *AuditKind.choices])
    start = forms.DateField(label="开始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"invalid": "日期格式应为 YYYY-MM-DD"})
    end = forms.DateField(label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                          error_messages={"invalid": "日期格式应为 YYYY-MM-DD"})
    division = forms.RegexField(label="区划代码", required=False, regex=r"^\d{1,15}$", max_length=15,
                                error_messages={"invalid": "区划代码应为数字"})

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "结束日期不能早于开始日期")
        return data


class CalendarDayForm(forms.Form):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={"invalid": "日期格式应为 YYYY-MM-DD", "required": "请填写日期"})
    kind = forms.ChoiceField(label="类型", choices=[*CalendarDayKind.choices, ("normal", "恢复为普通日")])
    name = forms.CharField(label="名称", max_length=50, required=False)
    official = forms.BooleanField(label="官方发布", required=False, initial=True)
