from django import forms

from gridgov.core.widgets import SearchableSelect
from gridgov.divisions.models import Division

from .choices import PolicyCategory, PolicyStatus
from .models import KioskDevice, PolicyDocument


class DeviceForm(forms.ModelForm):
    community = forms.ModelChoiceField(Division.objects.none(), label="所属社区", widget=SearchableSelect)

    class Meta:
        model = KioskDevice
        fields = ["community", "name", "location", "offline_minutes"]

    def __init__(self, *args, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["community"]
        else:
            self.fields["community"].queryset = communities if communities is not None else Division.objects.none()


class RevokeForm(forms.Form):
    reason = forms.CharField(label="停用原因", max_length=200)


class EnrolForm(forms.Form):
    key = forms.CharField(label="终端密钥", max_length=80, widget=forms.TextInput(attrs={"autocomplete": "off", "class": "form-control"}))


class PolicyForm(forms.ModelForm):
    division = forms.ModelChoiceField(Division.objects.none(), label="发布范围", widget=SearchableSelect,
                                      help_text="本区、街道或社区：终端显示所在社区及上级发布的文件")

    class Meta:
        model = PolicyDocument
        fields = ["division", "title", "doc_number", "issuer", "issued_on", "category", "summary", "body",
                  "valid_from", "valid_to"]
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 14}),
        }

    def __init__(self, *args, divisions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["division"]
        else:
            self.fields["division"].queryset = divisions if divisions is not None else Division.objects.none()


class PolicyFilter(forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=40)
    category = forms.ChoiceField(label="类别", required=False, choices=[("", "全部类别"), *PolicyCategory.choices])
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *PolicyStatus.choices])


class AttachmentForm(forms.Form):
    title = forms.CharField(label="附件名称", max_length=120, required=False)
    file = forms.FileField(label="文件（PDF、DOCX、XLSX，不超过 20 MB）")


class IdentifyForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号码", max_length=18)
    phone_last4 = forms.CharField(label="手机号后四位", max_length=4, required=False)
