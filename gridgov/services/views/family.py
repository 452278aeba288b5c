"""代办服务 (双代) on the community website: a verified resident holding an active family link to an
elderly relative (`core.residents.acting_for`, not themselves) asks for a party member to act for
that relative, and follows the requests they made. The need goes through `record_need` (source
家属), which checks the link again; the branch secretary assigns it as any other need."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render

from gridgov.core.residents import acting_for, resident_required
from gridgov.divisions.queries import public_community_or_404

from .. import actions
from ..models import ProxyNeed, ServiceItem
from ..proxy_forms import proxy_items
from ._common import run


class FamilyNeedForm(forms.Form):
    person = forms.TypedChoiceField(label="为哪位家人申请", coerce=int,
                                    error_messages={"required": "请选择家人",
                                                    "invalid_choice": "只能为已获代办授权的家人申请"})
    description = forms.CharField(label="需要代办什么", max_length=300, min_length=4,
                                  widget=forms.Textarea(attrs={"rows": 3, "placeholder": "如：母亲行动不便，需代办高龄津贴申领"}),
                                  error_messages={"required": "请填写需要代办的事情",
                                                  "min_length": "需求说明至少 4 个字",
                                                  "max_length": "需求说明不能超过 300 字"})
    item = forms.TypedChoiceField(label="代办事项", required=False, coerce=int, empty_value=None,
                                  help_text="不确定时可留空，由上门的党员了解后选择",
                                  error_messages={"invalid_choice": "该事项不支持代办"})
    contact_name = forms.CharField(label="您的姓名与关系", max_length=50, help_text="如：王芳（女儿），党员上门前会先联系",
                                   error_messages={"required": "请填写您的姓名与关系"})

    def __init__(self, *args, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "—— 请选择 ——")] + [(p.pk, p.name) for p in persons]
        self.fields["item"].choices = [("", "—— 暂不确定 ——")] + [(i.pk, i.name) for i in proxy_items()]


def family_need(request, code):
    return resident_required(_family_need, verified=True)(request, code)


def _family_need(request, code):
    community = public_community_or_404(code)
    resident = request.resident
    persons = [p for p in acting_for(resident) if p.pk != getattr(resident, "person_id", None)]
    name = getattr(resident, "display_name", "") or ""
    form = FamilyNeedForm(request.POST or None, persons=persons, initial={"contact_name": name})
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        person = next(p for p in persons if p.pk == cd["person"])
        item = ServiceItem.objects.filter(pk=cd["item"]).first() if cd["item"] else None
        need = run(request, actions.record_need, form, "", person=person, description=cd["description"],
                   source="family", item=item, contact_name=cd["contact_name"])
        if need and need is not True:
            messages.success(request, f"已提交：社区党支部将安排党员联系您并上门为{person.name}代办（需求编号 {need.pk}）")
            return redirect("services:family_need", code=code)
    mine = (ProxyNeed.objects.filter(recorded_by=request.user, person__in=[p.pk for p in persons])
            .select_related("person", "item").order_by("-recorded_at")[:20])
    return render(request, "services/family_need.html", {
        "community": community, "form": form, "persons": persons, "mine": mine})
