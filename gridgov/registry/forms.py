"""Forms of the registry pages. They only parse input; actions validate and write."""

from django import forms

from gridgov.core.importing import DEFAULT_MAX_CELL  # noqa: F401  (documents the cell limit)
from gridgov.core.uploads import ACCEPT, ImageUploadField
from gridgov.core.widgets import SearchableSelect

from .choices import (
    ComponentStatus,
    Education,
    Employment,
    EntityStatus,
    EntityType,
    IdType,
    Industry,
    PersonStatus,
    PoliticalStatus,
    Relation,
    ResidenceType,
    Sex,
)
from .models import Building, CareTag, Component, House, LegalEntity


def _blank(choices):
    return [("", "—")] + list(choices)


class SearchForm(forms.Form):
    q = forms.CharField(label="关键词", max_length=100, required=False,
                        widget=forms.TextInput(attrs={"placeholder": "姓名/拼音/首字母、证件号码或后六位、电话或后四位、地址、信用代码",
                                                      "autocomplete": "off", "type": "search"}))


class PersonFilterForm(forms.Form):
    q = forms.CharField(label="姓名/拼音/后六位", max_length=50, required=False)
    status = forms.ChoiceField(label="状态", choices=_blank(PersonStatus.choices), required=False)
    residence_type = forms.ChoiceField(label="人口类型", choices=_blank(ResidenceType.choices), required=False)
    care_tag = forms.ModelChoiceField(label="关爱人群", queryset=CareTag.objects.filter(is_active=True),
                                      required=False, empty_label="—")
    sort = forms.ChoiceField(label="排序", required=False, choices=[
        ("", "默认"), ("name", "姓名"), ("-birth_date", "年龄从小到大"), ("birth_date", "年龄从大到小"),
        ("-updated_at", "最近更新"),
    ])


class PersonForm(forms.Form):
    """Person attributes. On edit, blank ID/phone fields mean "unchanged" (they are never
    pre-filled: the page does not hold plain values)."""

    name = forms.CharField(label="姓名", max_length=50)
    id_type = forms.ChoiceField(label="证件类型", choices=IdType.choices, initial=IdType.RESIDENT_ID)
    id_number = forms.CharField(label="证件号码", max_length=30, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    phone = forms.CharField(label="联系电话", max_length=20, required=False,
                            widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}))
    sex = forms.ChoiceField(label="性别", choices=Sex.choices, initial=Sex.UNKNOWN, required=False,
                            help_text="填写身份证号码时自动推出")
    birth_date = forms.DateField(label="出生日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    ethnicity = forms.CharField(label="民族", max_length=20, required=False, initial="汉族")
    residence_type = forms.ChoiceField(label="人口类型", choices=ResidenceType.choices)
    relation = forms.ChoiceField(label="与户主关系", choices=_blank(Relation.choices), required=False)
    employment = forms.ChoiceField(label="就业状况", choices=_blank(Employment.choices), required=False)
    employer = forms.CharField(label="工作单位", max_length=100, required=False)
    education = forms.ChoiceField(label="文化程度", choices=_blank(Education.choices), required=False)
    political_status = forms.ChoiceField(label="政治面貌", choices=PoliticalStatus.choices)
    care_tags = forms.ModelMultipleChoiceField(label="关爱人群", queryset=CareTag.objects.filter(is_active=True),
                                               required=False, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label="备注", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, editing=False, can_reveal=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing and not can_reveal:  # the birth date is revealed like the ID (docs/security.md)
            del self.fields["birth_date"]
        if editing:
            self.fields["id_number"].help_text = "不修改请留空"
            self.fields["phone"].help_text = "不修改请留空"

    def action_data(self):
        """The dict the person actions take (blank ID/phone omitted on edit)."""
        d = dict(self.cleaned_data)
        d.pop("care_tags", None)
        for key in ("id_number", "phone"):
            if self.editing and not d.get(key):
                d.pop(key, None)
        if not d.get("sex"):
            d.pop("sex", None)
        return d


class LifeEventForm(forms.Form):
    occurred_on = forms.DateField(label="发生日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    destination = forms.CharField(label="迁往地", max_length=100, required=False)
    note = forms.CharField(label="说明", max_length=300, required=False)


class ChangeHouseForm(forms.Form):
    building = forms.ModelChoiceField(label="楼栋", queryset=Building.objects.none(), widget=SearchableSelect)
    unit = forms.IntegerField(label="单元", min_value=1, max_value=99, initial=1)
    room = forms.CharField(label="房号", max_length=10)
    note = forms.CharField(label="说明", max_length=300, required=False)

    def __init__(self, *args, buildings=None, **kwargs):
        super().__init__(*args, **kwargs)
        if buildings is not None:
            self.fields["building"].queryset = buildings

    def clean(self):
        data = super().clean()
        if data.get("building") and data.get("room"):
            house = House.objects.filter(building=data["building"], unit=data.get("unit") or 1,
                                         room=data["room"].strip().upper()).first()
            if house is None:
                raise forms.ValidationError("该楼栋内没有此房屋")
            data["house"] = house
        return data


class RevealForm(forms.Form):
    field = forms.ChoiceField(label="字段", choices=[("id_number", "证件号码"), ("phone", "联系电话"),
                                                           ("birth_date", "出生日期")])
    reason = forms.CharField(label="查看事由", max_length=200, min_length=2)


class VisitForm(forms.Form):
    note = forms.CharField(label="走访情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    photo = ImageUploadField(label="照片", required=False, widget=forms.ClearableFileInput(
        attrs={"accept": ACCEPT, "capture": "environment"}))
    lng = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)


class ChangeRequestForm(forms.Form):
    summary = forms.CharField(label="变更说明", max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
    field = forms.ChoiceField(label="变更项（可选）", required=False, choices=[
        ("", "—"), ("phone", "联系电话"), ("name", "姓名"), ("employment", "就业状况"), ("employer", "工作单位"),
        ("status", "房屋居住状态"), ("note", "备注"),
    ])
    value = forms.CharField(label="新值", max_length=200, required=False)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "通过"), ("reject", "驳回")])
    note = forms.CharField(label="审核意见", max_length=300, required=False)


class ActionModelForm(forms.ModelForm):
    """A ModelForm used only to parse input: model validation is left to the action (which
    also knows the grid and assigns codes)."""

    def _post_clean(self):
        pass


class BuildingForm(ActionModelForm):
    class Meta:
        model = Building
        fields = ["code", "name", "address", "building_type", "floors", "units", "lng", "lat", "year_built",
                  "property_company"]
        help_texts = {"code": "5位数字，留空自动编号"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False


class HouseForm(ActionModelForm):
    class Meta:
        model = House
        fields = ["unit", "floor", "room", "area", "use", "status", "owner_name"]


class EntityForm(ActionModelForm):
    class Meta:
        model = LegalEntity
        fields = ["name", "credit_code", "entity_type", "industry", "legal_representative", "address", "employees",
                  "status"]


class ComponentForm(ActionModelForm):
    class Meta:
        model = Component
        fields = ["component_class", "code", "name", "address", "lng", "lat", "owner_department", "owner_name",
                  "maintainer", "status"]
        help_texts = {"code": "16位，留空自动编号"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False
        self.fields["component_class"].queryset = self.fields["component_class"].queryset.filter(
            parent__isnull=False, is_active=True
        )


ENTITY_CHOICES = {"type": EntityType, "status": EntityStatus, "industry": Industry, "component": ComponentStatus}
