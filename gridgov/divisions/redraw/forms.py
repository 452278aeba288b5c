"""Forms of the grid-drawing pages (inline Chinese errors; bad input is shown back, not lost)."""

from django import forms

from gridgov.core.widgets import SearchableSelect

from ..choices import Level
from ..models import Division
from .choices import PartitionMode, PartitionTarget


class AreaChoiceField(forms.ModelChoiceField):
    widget = SearchableSelect

    def label_from_instance(self, obj):
        return f"{'　' * (obj.level - 1)}{obj.name}（{obj.code}）"


def areas_for(user):
    return Division.objects.visible_to(user, "partition").current().filter(level__lt=Level.GRID).order_by("code")


class PartitionForm(forms.Form):
    area = AreaChoiceField(label="划分范围", queryset=Division.objects.none(), to_field_name="code",
                           error_messages={"required": "请选择划分范围", "invalid_choice": "所选范围不存在或无权操作"})
    min_households = forms.IntegerField(label="每格最少户数", initial=350, min_value=1, max_value=100000,
                                        error_messages={"required": "请填写最少户数", "min_value": "最少户数至少为 1",
                                                        "invalid": "请输入整数"})
    max_households = forms.IntegerField(label="每格最多户数", initial=500, min_value=1, max_value=100000,
                                        error_messages={"required": "请填写最多户数", "invalid": "请输入整数"})
    target = forms.ChoiceField(label="划分目标", choices=PartitionTarget.choices, initial=PartitionTarget.BALANCED)
    mode = forms.ChoiceField(label="方式", choices=PartitionMode.choices, initial=PartitionMode.REDRAW,
                             widget=forms.RadioSelect)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas_for(user)

    def clean(self):
        data = super().clean()
        lo, hi = data.get("min_households"), data.get("max_households")
        if lo and hi and hi < lo:
            self.add_error("max_households", "最多户数不能小于最少户数")
        return data


class MoveCommunityForm(forms.Form):
    community = AreaChoiceField(label="社区", queryset=Division.objects.none(), to_field_name="code")
    new_street = AreaChoiceField(label="调整至街道", queryset=Division.objects.none(), to_field_name="code")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Division.objects.visible_to(user, "change").current()
        self.fields["community"].queryset = qs.filter(level=Level.COMMUNITY)
        self.fields["new_street"].queryset = qs.filter(level=Level.STREET)


class MergeCommunitiesForm(forms.Form):
    keep = AreaChoiceField(label="保留社区", queryset=Division.objects.none(), to_field_name="code")
    absorb = AreaChoiceField(label="并入的社区（撤销）", queryset=Division.objects.none(), to_field_name="code")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Division.objects.visible_to(user, "change").current().filter(level=Level.COMMUNITY)
        self.fields["keep"].queryset = qs
        self.fields["absorb"].queryset = qs

    def clean(self):
        data = super().clean()
        if data.get("keep") and data.get("keep") == data.get("absorb"):
            self.add_error("absorb", "不能与自身合并")
        return data
