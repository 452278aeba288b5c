"""Forms of the community app: facilities (with weekly opening hours), committee terms and
members, workstation staff, the type dictionary and the standard."""

import datetime

from django import forms

from .choices import Weekday
from .models import Committee, CommitteeMember, Facility, FacilityStandard, FacilityType, WorkstationStaff

HOURS_HELP = "每行一段：开放日 开始-结束，例如“1-5 08:30-17:30”或“6,7 09:00-12:00”（1=周一）"


def parse_hours(text):
    """"1-5 08:30-17:30" lines → [{"days": [1..5], "open": "08:30", "close": "17:30"}]."""
    spans = []
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        try:
            days_part, time_part = line.split()
            days = set()
            for piece in days_part.replace("，", ",").split(","):
                if "-" in piece:
                    a, b = (int(x) for x in piece.split("-"))
                    days.update(range(a, b + 1))
                else:
                    days.add(int(piece))
            start, end = time_part.replace("–", "-").split("-")
            start, end = datetime.time.fromisoformat(start), datetime.time.fromisoformat(end)
        except ValueError:
            raise forms.ValidationError(f"无法识别“{line[:40]}”。{HOURS_HELP}") from None
        if not days or not days <= set(range(1, 8)):
            raise forms.ValidationError("开放日须为 1–7（周一至周日）")
        if end <= start:
            raise forms.ValidationError(f"“{line[:40]}”：结束时间须晚于开始时间")
        spans.append({"days": sorted(days), "open": start.strftime("%H:%M"), "close": end.strftime("%H:%M")})
    if len(spans) > 14:
        raise forms.ValidationError("开放时间最多 14 段")
    return spans


def hours_text(spans):
    lines = []
    for span in spans or []:
        days = span["days"]
        if days == list(range(days[0], days[-1] + 1)) and len(days) > 1:
            d = f"{days[0]}-{days[-1]}"
        else:
            d = ",".join(str(x) for x in days)
        lines.append(f"{d} {span['open']}-{span['close']}")
    return "\n".join(lines)


class FacilityForm(forms.ModelForm):
    hours = forms.CharField(label="开放时间", required=False, max_length=600, help_text=HOURS_HELP,
                            widget=forms.Textarea(attrs={"rows": 3}))

    class Meta:
        model = Facility
        fields = ["facility_type", "name", "status", "area_m2", "address", "lng", "lat", "bookable", "capacity",
                  "phone", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility_type"].queryset = FacilityType.objects.filter(is_active=True)
        if self.instance.pk:
            self.fields["hours"].initial = hours_text(self.instance.opening_hours)

    def clean_hours(self):
        return parse_hours(self.cleaned_data.get("hours"))

    def action_data(self):
        data = {k: v for k, v in self.cleaned_data.items() if k != "hours"}
        data["opening_hours"] = self.cleaned_data["hours"]
        return data


class DateInput(forms.DateInput):
    input_type = "date"


class CommitteeForm(forms.ModelForm):
    class Meta:
        model = Committee
        fields = ["name", "term_start", "term_end", "election_date", "office_address", "office_phone",
                  "workstation_name", "workstation_hours"]
        widgets = {"term_start": DateInput(), "term_end": DateInput(), "election_date": DateInput()}

    def clean(self):
        data = super().clean()
        if data.get("term_start") and data.get("term_end") and data["term_end"] <= data["term_start"]:
            raise forms.ValidationError("任期结束须晚于任期开始")
        return data


class CommitteeMemberForm(forms.ModelForm):
    class Meta:
        model = CommitteeMember
        fields = ["name", "post", "duties", "is_party_member", "concurrent", "sort"]


class StaffForm(forms.ModelForm):
    class Meta:
        model = WorkstationStaff
        fields = ["name", "post", "duties", "is_active", "sort"]


class FacilityTypeForm(forms.ModelForm):
    class Meta:
        model = FacilityType
        fields = ["code", "name", "category", "is_service_room", "bookable_default", "description", "sort",
                  "is_active"]


class StandardForm(forms.ModelForm):
    class Meta:
        model = FacilityStandard
        fields = ["name", "required_types", "area_per_100_households", "min_service_area", "effective_from",
                  "is_active", "note"]
        widgets = {"effective_from": DateInput(), "required_types": forms.CheckboxSelectMultiple()}


class FacilityFilter(forms.Form):
    q = forms.CharField(label="名称", required=False, max_length=50)
    facility_type = forms.ModelChoiceField(label="类型", queryset=FacilityType.objects.all(), required=False,
                                           empty_label="全部类型")
    status = forms.ChoiceField(label="状态", required=False,
                               choices=[("", "全部状态"), *Facility._meta.get_field("status").choices])
    bookable = forms.ChoiceField(label="预约", required=False, choices=[("", "全部"), ("1", "可预约"), ("0", "不可预约")])


WEEKDAYS = Weekday
