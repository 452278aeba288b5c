"""Forms of the proxy-service (双代) pages. The actions validate again; these give the phone
pages their fields, sizes and Chinese labels."""

from django import forms

from gridgov.core.uploads import ImageUploadField

from .choices import Channel, NeedSource
from .models import ServiceItem


def proxy_items():
    """Active items whose current version allows the proxy channel."""
    return [i for i in ServiceItem.objects.filter(is_active=True).select_related("current").order_by("code")
            if i.current and Channel.PROXY in (i.current.channels or [])]


class NeedForm(forms.Form):
    description = forms.CharField(label="需求说明", max_length=300, min_length=4,
                                  widget=forms.Textarea(attrs={"rows": 3, "placeholder": "如：行动不便，需代办高龄津贴申领"}))
    item = forms.TypedChoiceField(label="代办事项", required=False, coerce=int, empty_value=None,
                                  help_text="不确定时可留空，由承办党员上门了解后选择")
    source = forms.ChoiceField(label="需求来源", choices=NeedSource.choices, initial=NeedSource.GRID_WORKER,
                               widget=forms.RadioSelect)
    contact_name = forms.CharField(label="家属姓名与关系", max_length=50, required=False,
                                   help_text="家属代为提出时填写，如：王芳（女儿）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", "—— 暂不确定 ——")] + [(i.pk, f"{i.code} {i.name}") for i in proxy_items()]


class AssignForm(forms.Form):
    member = forms.TypedChoiceField(label="承办党员", coerce=int)
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "—— 请选择党员 ——")] + [
            (m.pk, f"{m.name}{'（党员服务协理员）' if getattr(m, 'is_service', False) else ''}"
                   f" · 在办 {getattr(m, 'running', 0)} 件") for m in members]


class DeliverNeedForm(forms.Form):
    photo = ImageUploadField(label="送达确认照片", required=True, error_messages={"required": "请拍摄送达确认照片"},
                             help_text="拍摄居民收到证照或结果文书的照片（仅保存重新编码后的图片）")
    confirmed_by = forms.CharField(label="签收人", max_length=50, help_text="居民本人或代收家属的姓名",
                                   error_messages={"required": "请填写签收人"})
    confirmed = forms.BooleanField(label="居民已确认收到办理结果", required=True,
                                   error_messages={"required": "请由居民本人（或其家属）确认已收到办理结果"})
    note = forms.CharField(label="送达说明", max_length=300, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label="撤销原因", max_length=300, min_length=2, error_messages={"required": "请填写撤销原因"})


def mandate_field():
    return ImageUploadField(label="委托书照片", required=True, error_messages={"required": "请上传居民签字的委托书照片"},
                            help_text="居民签字（按手印）的委托书，拍照上传；仅保存重新编码后的图片")
