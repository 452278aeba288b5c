"""Forms of the services app. Materials and fields of an item are edited as lines of text
(one per line, parts separated by "|"), which staff find easier than a grid of inputs."""

from django import forms

from gridgov.accounts.models import Department
from gridgov.core import limits
from gridgov.core.uploads import ImageUploadField

from .choices import Category, Channel, Delivery, FieldType, Handling, Result, Satisfaction

ORIGINAL = {"原件": "original", "复印件": "copy", "原件及复印件": "both"}
ORIGINAL_LABEL = {v: k for k, v in ORIGINAL.items()}
MATERIALS_HELP = "每行一项：名称|原件或复印件|份数|必须或可选，例如“居民身份证|原件|1|必须”"
FIELDS_HELP = ("每行一项：编码|名称|类型|必填或选填|选项（以、分隔）|预填来源。类型：" +
               "、".join(f"{v}={label}" for v, label in FieldType.choices) +
               "；预填来源：name、id_number、phone、birth_date、address")


def materials_to_text(materials):
    return "\n".join(f"{m['name']}|{ORIGINAL_LABEL.get(m.get('original'), '原件')}|{m.get('count', 1)}|"
                     f"{'必须' if m.get('required') else '可选'}" for m in materials or [])


def fields_to_text(fields):
    return "\n".join(f"{f['key']}|{f['label']}|{f['type']}|{'必填' if f.get('required') else '选填'}|"
                     f"{'、'.join(f.get('choices') or [])}|{f.get('prefill', '')}" for f in fields or [])


def parse_materials(text):
    out = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")] + ["", "", ""]
        if not parts[0]:
            raise forms.ValidationError(f"第 {n} 行：缺少材料名称")
        if parts[1] and parts[1] not in ORIGINAL:
            raise forms.ValidationError(f"第 {n} 行：须写“原件”“复印件”或“原件及复印件”")
        try:
            count = int(parts[2] or 1)
        except ValueError:
            raise forms.ValidationError(f"第 {n} 行：份数须为数字") from None
        out.append({"key": f"m{len(out) + 1}", "name": parts[0], "original": ORIGINAL.get(parts[1], "original"),
                    "count": count, "required": parts[3] != "可选", "note": ""})
    return out


def parse_fields(text):
    out = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")] + [""] * 5
        if not parts[0] or not parts[1]:
            raise forms.ValidationError(f"第 {n} 行：缺少编码或名称")
        if parts[2] not in FieldType.values:
            raise forms.ValidationError(f"第 {n} 行：类型不正确（{parts[2]}）")
        choices = [c for c in parts[4].replace(",", "、").split("、") if c]
        out.append({"key": parts[0], "label": parts[1], "type": parts[2], "required": parts[3] != "选填",
                    "choices": choices, "prefill": parts[5]})
    return out


class ItemForm(forms.Form):
    code = forms.CharField(label="事项编码", max_length=30)
    name = forms.CharField(label="事项名称", max_length=100)
    department = forms.ModelChoiceField(label="主管部门", queryset=Department.objects.filter(is_active=True))
    category = forms.ChoiceField(label="类别", choices=Category.choices)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)
    handling = forms.ChoiceField(label="办理方式", choices=Handling.choices)
    channels = forms.MultipleChoiceField(label="办理渠道", choices=Channel.choices, widget=forms.CheckboxSelectMultiple)
    promised_days = forms.IntegerField(label="承诺时限(工作日)", min_value=0, max_value=365)
    statutory_days = forms.IntegerField(label="法定时限(工作日)", min_value=0, max_value=365)
    fee_fen = forms.IntegerField(label="收费(分)", min_value=0, initial=0, help_text="以分为单位，0 表示不收费")
    min_age = forms.IntegerField(label="资格：最低年龄", required=False, min_value=0, max_value=150)
    max_age = forms.IntegerField(label="资格：最高年龄", required=False, min_value=0, max_value=150)
    care_tags = forms.MultipleChoiceField(label="资格：关爱人群（任一）", required=False,
                                          widget=forms.CheckboxSelectMultiple)
    residence_types = forms.MultipleChoiceField(label="资格：人口类型", required=False,
                                                widget=forms.CheckboxSelectMultiple)
    in_community = forms.BooleanField(label="资格：须在本社区居住", required=False)
    conditions = forms.CharField(max_length=limits.TEXT, label="办理条件", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    materials = forms.CharField(max_length=limits.TEXT, label="申请材料", required=False, help_text=MATERIALS_HELP,
                                widget=forms.Textarea(attrs={"rows": 5}))
    form_fields = forms.CharField(max_length=limits.TEXT, label="表单字段", required=False, help_text=FIELDS_HELP,
                             widget=forms.Textarea(attrs={"rows": 6}))
    legal_basis = forms.CharField(max_length=limits.TEXT, label="设定依据", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    result_name = forms.CharField(label="办理结果", required=False, max_length=100)
    description = forms.CharField(max_length=limits.TEXT, label="事项说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from gridgov.registry.choices import ResidenceType
        from gridgov.registry.models import CareTag

        self.fields["care_tags"].choices = list(CareTag.objects.filter(is_active=True).values_list("code", "name"))
        self.fields["residence_types"].choices = ResidenceType.choices

    @staticmethod
    def initial_for(item):
        v = item.current
        e = v.eligibility or {}
        return {"code": item.code, "name": item.name, "department": item.department_id, "category": item.category,
                "is_active": item.is_active, "handling": v.handling, "channels": v.channels,
                "promised_days": v.promised_days, "statutory_days": v.statutory_days, "fee_fen": v.fee_fen,
                "min_age": e.get("min_age"), "max_age": e.get("max_age"), "care_tags": e.get("care_tags_any", []),
                "residence_types": e.get("residence_types", []), "in_community": e.get("in_community", False),
                "conditions": v.conditions, "materials": materials_to_text(v.materials),
                "form_fields": fields_to_text(v.fields), "legal_basis": v.legal_basis, "result_name": v.result_name,
                "description": v.description}

    def clean_materials(self):
        return parse_materials(self.cleaned_data["materials"])

    def clean_form_fields(self):
        return parse_fields(self.cleaned_data["form_fields"])

    def action_data(self):
        d = self.cleaned_data
        elig = {k: d[k] for k in ("min_age", "max_age") if d.get(k) is not None}
        if d["care_tags"]:
            elig["care_tags_any"] = list(d["care_tags"])
        if d["residence_types"]:
            elig["residence_types"] = list(d["residence_types"])
        if d["in_community"]:
            elig["in_community"] = True
        keep = ("code", "name", "department", "category", "is_active", "handling", "promised_days", "statutory_days",
                "fee_fen", "conditions", "materials", "legal_basis", "result_name", "description")
        return {**{k: d[k] for k in keep}, "fields": d["form_fields"], "channels": list(d["channels"]), "eligibility": elig}


class RejectForm(forms.Form):
    reason = forms.CharField(label="不予受理理由", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    note = forms.CharField(max_length=limits.TEXT, label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CompleteForm(forms.Form):
    result = forms.ChoiceField(label="办理结果", choices=Result.choices, widget=forms.RadioSelect)
    note = forms.CharField(max_length=limits.TEXT, label="结果说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    document = ImageUploadField(label="结果文书（扫描件）", required=False)


class DeliverForm(forms.Form):
    method = forms.ChoiceField(label="送达方式", choices=Delivery.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="送达说明", required=False, max_length=200)


LEVELS = sorted(Satisfaction.choices, reverse=True)


class RateForm(forms.Form):
    level = forms.TypedChoiceField(label="总体评价", choices=LEVELS, coerce=int, widget=forms.RadioSelect)
    efficiency = forms.TypedChoiceField(label="服务效率", choices=LEVELS, coerce=int, widget=forms.RadioSelect)
    quality = forms.TypedChoiceField(label="服务水平", choices=LEVELS, coerce=int, widget=forms.RadioSelect)
    attitude = forms.TypedChoiceField(label="服务态度", choices=LEVELS, coerce=int, widget=forms.RadioSelect)
    comment = forms.CharField(label="评价内容", required=False, max_length=300)


class ResponseForm(forms.Form):
    response = forms.CharField(max_length=limits.TEXT, label="整改情况", widget=forms.Textarea(attrs={"rows": 3}))


class CallbackForm(forms.Form):
    note = forms.CharField(max_length=limits.TEXT, label="回访记录", widget=forms.Textarea(attrs={"rows": 3}))
    satisfied = forms.BooleanField(label="回访满意", required=False)


def application_form(version, person, data=None, files=None):
    """The counter form of an item version: its fields (registry values prefilled and locked),
    the materials received on paper, and a scan per material."""
    from .catalogue import prefill_values, registry_values

    fixed = registry_values(version, person)
    initial = prefill_values(version, person)
    form = forms.Form(data, files, initial=initial)
    for f in version.fields or []:
        name, label, kind, required = f"f_{f['key']}", f["label"], f.get("type"), bool(f.get("required"))
        if kind == FieldType.CHOICE:
            field = forms.ChoiceField(label=label, required=False, choices=[("", "请选择")] + [(c, c) for c in f["choices"]])
        elif kind == FieldType.DATE:
            field = forms.CharField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}))
        elif kind == FieldType.NUMBER:
            field = forms.CharField(label=label, required=False, widget=forms.NumberInput(attrs={"min": 0}))
        elif kind == FieldType.FILE:
            field = ImageUploadField(label=label, required=False)
        else:
            field = forms.CharField(label=label, required=False, max_length=500)
        field.widget.attrs["data-required"] = "1" if required else "0"
        if f["key"] in fixed:
            field.disabled = True
            field.help_text = "来自实有人口信息"
        field.initial = initial.get(f["key"])
        form.fields[name] = field
    form.fields["materials"] = forms.MultipleChoiceField(
        label="已收纸质材料", required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(m["key"], f"{m['name']}（{ORIGINAL_LABEL.get(m.get('original'), '原件')}{m.get('count', 1)}份"
                             f"{'' if m.get('required') else '，可选'}）") for m in version.materials or []])
    for m in version.materials or []:
        form.fields[f"scan_{m['key']}"] = ImageUploadField(label=f"扫描件：{m['name']}", required=False)
    return form


def answers_of(form, version):
    answers, files = {}, []
    for f in version.fields or []:
        value = form.cleaned_data.get(f"f_{f['key']}")
        if f.get("type") == FieldType.FILE:
            if value:
                files.append((f["key"], value))
        elif value not in (None, ""):
            answers[f["key"]] = value
    for m in version.materials or []:
        if upload := form.cleaned_data.get(f"scan_{m['key']}"):
            files.append((m["key"], upload))
    return answers, files, list(form.cleaned_data.get("materials") or [])
