"""Forms of the party app. Forms only parse input; the actions decide."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from gridgov.core import clock
from gridgov.core.uploads import MultiImageUploadField
from gridgov.core.widgets import SearchableSelect, SearchableSelectMultiple
from gridgov.divisions.models import Division

from .choices import MemberCategory
from .models import RolePost, ScoringRule, ServiceItem, WorkUnit


def grid_options():
    """(pk, code, name) of the active grids — templates render these as a plain <select> loop
    (Django's option sub-templates cost ~1 ms per option on a 577-grid district)."""
    return list(Division.objects.current_grids().order_by("code").values_list("pk", "code", "name"))


def grid_choices():
    return [("", "—— 请选择网格 ——")] + [(pk, f"{code} {name}") for pk, code, name in grid_options()]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value):
        if hasattr(value, "strftime"):
            return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if timezone.is_aware(value) else \
                value.strftime("%Y-%m-%dT%H:%M")
        return value


def dt_field(label, required=True):
    return forms.DateTimeField(label=label, required=required, widget=DateTimeInput(),
                               input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"])


class GridChoiceField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=grid_choices, coerce=int, **kwargs)


def grid_of(pk):
    return Division.objects.grids().get(pk=pk)


class RegisterForm(forms.Form):
    grid = GridChoiceField(label="报到网格", help_text="一般为您居住的网格")
    note = forms.CharField(label="说明", required=False, max_length=200)


class ClaimForm(forms.Form):
    post = forms.ModelChoiceField(label="认领岗位", queryset=RolePost.objects.filter(is_active=True),
                                  empty_label="—— 请选择岗位 ——")
    skills = forms.CharField(label="特长说明", required=False, max_length=200)


class ActivityForm(forms.Form):
    item = forms.ModelChoiceField(label="服务事项", queryset=ServiceItem.objects.filter(
        is_active=True, source="manual").select_related("post"), empty_label="—— 请选择服务事项 ——")
    occurred_at = dt_field("服务时间")
    duration_minutes = forms.IntegerField(label="时长(分钟)", required=False, min_value=0, max_value=24 * 60)
    quantity = forms.DecimalField(label="数量", required=False, min_value=1, max_value=100, initial=1,
                                  decimal_places=1)
    place = forms.CharField(label="地点", required=False, max_length=120)
    note = forms.CharField(label="服务内容", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultiImageUploadField(label="现场照片", required=False, max_count=6)
    check_in_at = dt_field("签到时间", required=False)
    check_out_at = dt_field("签退时间", required=False)

    def __init__(self, *args, post=None, **kwargs):
        super().__init__(*args, **kwargs)
        if post is not None:
            self.fields["item"].queryset = self.fields["item"].queryset.filter(post=post)
        self.fields["occurred_at"].initial = timezone.localtime(clock.now()).replace(second=0, microsecond=0)


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(choices=[("1", "通过"), ("0", "驳回")], coerce=lambda v: v == "1")
    note = forms.CharField(required=False, max_length=200)


class MemberForm(forms.Form):
    id_number = forms.CharField(label="身份证号", max_length=18, help_text="须已登记在实有人口中")
    category = forms.ChoiceField(label="党员类别", choices=MemberCategory.choices)
    work_unit = forms.ModelChoiceField(label="工作单位", queryset=WorkUnit.objects.all(), required=False,
                                       widget=SearchableSelect)
    origin_organization = forms.CharField(label="原党组织", required=False, max_length=120)
    joined_on = forms.DateField(label="入党日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    register = forms.BooleanField(label="直接在居住网格报到", required=False, initial=True)

    def clean_id_number(self):
        from gridgov.core import pii
        from gridgov.registry.models import Person

        value = pii.normalise(self.cleaned_data["id_number"])
        person = Person.objects.filter(id_hash=pii.keyed_hash(value)).select_related("grid").first()
        if person is None:
            raise ValidationError("实有人口中没有该身份证号，请先登记人员信息")
        self.person = person
        return value


class TransferForm(forms.Form):
    to_grid = GridChoiceField(label="转入网格")
    note = forms.CharField(label="说明", required=False, max_length=200)


class OrgForm(forms.Form):
    secretary = forms.ModelChoiceField(label="书记", queryset=None, required=False, widget=SearchableSelect)
    committee = forms.ModelMultipleChoiceField(label="委员", queryset=None, required=False,
                                               widget=SearchableSelectMultiple)
    contact_name = forms.CharField(label="联系人", required=False, max_length=50)
    contact_phone = forms.CharField(label="联系电话", required=False, max_length=30)
    residents_committee = forms.CharField(label="居委会", required=False, max_length=100)
    workstation = forms.CharField(label="社区工作站", required=False, max_length=100)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["secretary"].queryset = members
        self.fields["committee"].queryset = members


class PostForm(forms.ModelForm):
    class Meta:
        model = RolePost
        fields = ["name", "duties", "capacity_per_grid", "target_period", "target_points", "sort", "is_active"]
        widgets = {"duties": forms.Textarea(attrs={"rows": 3})}


class ItemForm(forms.ModelForm):
    class Meta:
        model = ServiceItem
        fields = ["post", "name", "standard", "source", "points", "max_points_per_record", "max_points_per_day",
                  "is_active"]


class RuleForm(forms.ModelForm):
    class Meta:
        model = ScoringRule
        fields = ["enabled", "behind_ratio", "grace_days", "notify_member", "notify_secretary"]


class EventForm(forms.Form):
    title = forms.CharField(label="活动名称", max_length=100)
    place = forms.CharField(label="地点", max_length=120)
    starts_at = dt_field("开始时间")
    ends_at = dt_field("结束时间")
    capacity = forms.IntegerField(label="名额", min_value=1, max_value=10000)
    item = forms.ModelChoiceField(label="计入服务事项", queryset=ServiceItem.objects.filter(is_active=True)
                                  .select_related("post"))
    description = forms.CharField(label="活动内容", required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", "结束时间必须晚于开始时间")
        return data


def apply_errors(form, exc):
    """Show an action's ValidationError on the form, field by field where it names fields."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
