"""Forms of the portal (Chinese labels and errors)."""

from django import forms
from django.core.exceptions import ValidationError

from gridgov.accounts.choices import AccountKind
from gridgov.accounts.forms import PASSWORD_HELP, LockoutAuthenticationForm
from gridgov.core import limits

from .actions.residents import username_for
from .choices import PRIVACY_VERSION


class ResidentLoginForm(LockoutAuthenticationForm):
    """Residents sign in with their mobile number (mapped to the account's hashed username);
    provider accounts with their username. Lockout as for staff (same backend). Staff accounts
    are sent to the staff login."""

    username = forms.CharField(label="手机号或用户名", max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "tel"}))

    def clean(self):
        raw = (self.cleaned_data.get("username") or "").strip()
        if raw.isdigit() and len(raw) == 11:
            self.cleaned_data["username"] = username_for(raw)
        cleaned = super().clean()
        if self.user_cache is not None and self.user_cache.kind == AccountKind.STAFF:
            raise ValidationError("工作人员请从工作台登录页登录", code="staff")
        return cleaned


class SignUpForm(forms.Form):
    phone = forms.CharField(label="手机号", max_length=11, min_length=11,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "numeric"}))
    code = forms.CharField(label="短信验证码", max_length=6, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))
    display_name = forms.CharField(label="称呼", max_length=30, required=False, help_text="如：张阿姨（可不填）")
    password = forms.CharField(label="设置密码", max_length=limits.PASSWORD, required=False, help_text=PASSWORD_HELP,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True))
    agree = forms.BooleanField(label="我已阅读并同意《个人信息保护说明》", required=False)


class ConsentForm(forms.Form):
    agree = forms.BooleanField(label="我已阅读并同意以上《个人信息保护说明》", required=True,
                               error_messages={"required": "请勾选同意后继续"})
    version = forms.CharField(widget=forms.HiddenInput, initial=PRIVACY_VERSION, max_length=20)


class VerifyForm(forms.Form):
    name = forms.CharField(label="真实姓名", max_length=50)
    id_number = forms.CharField(label="身份证号码", max_length=18, min_length=18,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))


class FamilyForm(forms.Form):
    elder_name = forms.CharField(label="老人姓名", max_length=50)
    elder_id_number = forms.CharField(label="老人身份证号码", max_length=18, min_length=18)
    relation = forms.CharField(label="与老人关系", max_length=20, help_text="如：子女、配偶")


class DeleteForm(forms.Form):
    confirm = forms.CharField(label="请输入“注销”确认", max_length=10)

    def clean_confirm(self):
        if self.cleaned_data["confirm"].strip() != "注销":
            raise ValidationError("请输入“注销”两个字确认")
        return "注销"


class BookingForm(forms.Form):
    starts_at = forms.DateTimeField(label="开始时间", widget=forms.HiddenInput,
                                    input_formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M",
                                                   "%Y-%m-%d %H:%M"])
    slots = forms.TypedChoiceField(label="时长", coerce=int, choices=[(1, "1 个时段")])
    attendees = forms.IntegerField(label="使用人数", min_value=1, max_value=10000, initial=1)
    purpose = forms.CharField(label="用途", max_length=100, help_text="如：老年合唱排练、亲子阅读")

    def __init__(self, *args, rule=None, **kwargs):
        super().__init__(*args, **kwargs)
        if rule is not None:
            self.fields["slots"].choices = [(n, f"{n} 个时段（{n * rule.slot_minutes} 分钟）")
                                            for n in range(1, rule.max_slots_per_booking + 1)]


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(label="评价", coerce=int, choices=[(5, "★★★★★ 非常满意"), (4, "★★★★ 满意"),
                                                                    (3, "★★★ 一般"), (2, "★★ 不满意"),
                                                                    (1, "★ 很不满意")],
                                    widget=forms.RadioSelect)
    comment = forms.CharField(label="说说您的感受", max_length=200, required=False)


class PostForm(forms.Form):
    community = forms.ModelChoiceField(label="社区", queryset=None)
    kind = forms.ChoiceField(label="类别")
    title = forms.CharField(label="标题", max_length=100)
    summary = forms.CharField(label="摘要", max_length=200, required=False)
    body = forms.CharField(label="正文", required=False, max_length=limits.LONG_TEXT,
                           widget=forms.Textarea(attrs={"rows": 10}),
                           help_text="可使用简单的 HTML（段落、加粗、列表、链接、图片）；脚本等不安全内容会被拒绝")
    cover = forms.FileField(label="配图", required=False, help_text="JPEG/PNG/WebP，10 MB 以内")
    event_at = forms.DateTimeField(label="活动时间", required=False,
                                   widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                   input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    place = forms.CharField(label="活动地点", max_length=120, required=False)
    pinned = forms.BooleanField(label="置顶", required=False)
    publish = forms.BooleanField(label="保存后立即发布", required=False, initial=True)

    def __init__(self, *args, communities=None, **kwargs):
        from .choices import PostKind

        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        self.fields["community"].label_from_instance = lambda d: d.name
        self.fields["kind"].choices = PostKind.choices


class RuleForm(forms.Form):
    slot_minutes = forms.IntegerField(label="时段长度(分钟)", min_value=15, max_value=480)
    max_slots_per_booking = forms.IntegerField(label="单次最多时段数", min_value=1, max_value=12)
    max_per_week = forms.IntegerField(label="每人每周最多预约次数", min_value=1, max_value=50)
    advance_days = forms.IntegerField(label="可提前预约天数", min_value=1, max_value=90)
    needs_approval = forms.BooleanField(label="需审批", required=False)
    cancel_hours_before = forms.IntegerField(label="最晚提前几小时取消", min_value=0, max_value=168)
    verified_only = forms.BooleanField(label="仅限实名认证居民", required=False)
    note = forms.CharField(label="使用须知", max_length=300, required=False)


class SessionForm(forms.Form):
    community = forms.ModelChoiceField(label="社区", queryset=None)
    kind = forms.ChoiceField(label="类别")
    title = forms.CharField(label="名称", max_length=100)
    place = forms.CharField(label="地点", max_length=120)
    provider = forms.CharField(label="服务方", max_length=100, required=False)
    description = forms.CharField(label="说明", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label="开始时间", widget=forms.TimeInput(attrs={"type": "time"}))
    slot_minutes = forms.IntegerField(label="每个时段(分钟)", min_value=5, max_value=480, initial=30)
    slot_count = forms.IntegerField(label="时段数", min_value=1, max_value=24, initial=4)
    capacity = forms.IntegerField(label="每个时段名额", min_value=1, max_value=1000, initial=10)

    def __init__(self, *args, communities=None, editing=False, **kwargs):
        from .choices import SessionKind

        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        self.fields["community"].label_from_instance = lambda d: d.name
        self.fields["kind"].choices = SessionKind.choices
        if editing:  # the community stays; new slots are optional (existing ones are kept)
            del self.fields["community"]
            for name in ("date", "start"):
                self.fields[name].required = False
            self.fields["date"].label = "增加时段：日期（不增加可留空）"
            self.fields["start"].label = "增加时段：开始时间"

    def new_slots(self):
        d = self.cleaned_data
        if not d.get("date") or not d.get("start"):
            return []
        import datetime

        from django.utils import timezone

        start = timezone.make_aware(datetime.datetime.combine(d["date"], d["start"]))
        step = datetime.timedelta(minutes=d["slot_minutes"])
        return [(start + i * step, start + (i + 1) * step, d["capacity"]) for i in range(d["slot_count"])]

    def clean(self):
        d = super().clean()
        if "community" not in self.fields and bool(d.get("date")) != bool(d.get("start")):
            self.add_error("start", "增加时段须同时填写日期和开始时间")
        return d


class CounterVerifyForm(forms.Form):
    id_number = forms.CharField(label="身份证号码（已核验证件原件）", max_length=18, min_length=18)


# --- online applications (services app) ----------------------------------------------------------

SATISFACTION = [(5, "非常满意"), (4, "满意"), (3, "基本满意"), (2, "不满意"), (1, "非常不满意")]


def application_form(guide, fixed, persons, data=None, files=None):
    """The web form of an item, built from its guide's fields (data, not code): text, number,
    date, choice, ID, phone and file fields, plus one upload per material. Fields the registry
    answers (`fixed`: name, masked ID, phone …) are shown locked and never posted back. A
    `person` choice appears when the resident may act for more than one person."""
    from gridgov.core.uploads import ImageUploadField

    form = forms.Form(data, files)
    if len(persons) > 1:
        form.fields["person"] = forms.TypedChoiceField(
            label="申请人", coerce=int, choices=[(p.pk, p.name) for p in persons],
            help_text="可为已授权您代办的家人申请")
    for f in guide["fields"]:
        name, label, kind, required = f"f_{f['key']}", f["label"], f["type"], f["required"]
        if f["key"] in fixed:
            field = forms.CharField(label=label, required=False, disabled=True, help_text="来自实有人口信息，无需填写")
            field.initial = fixed[f["key"]]
        elif kind == "choice":
            field = forms.ChoiceField(label=label, required=required,
                                      choices=[("", "请选择")] + [(c, c) for c in f["choices"]])
        elif kind == "date":
            field = forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))
        elif kind == "number":
            field = forms.DecimalField(label=label, required=required, min_value=0, max_digits=12, decimal_places=2)
        elif kind == "file":
            field = ImageUploadField(label=label, required=required)
        elif kind == "id_number":
            field = forms.CharField(label=label, required=required, max_length=18, min_length=18,
                                    widget=forms.TextInput(attrs={"autocomplete": "off"}))
        elif kind == "phone":
            field = forms.CharField(label=label, required=required, max_length=13,
                                    widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
        else:
            field = forms.CharField(label=label, required=required, max_length=500)
        form.fields[name] = field
    for m in guide["materials"]:
        form.fields[f"m_{m['key']}"] = ImageUploadField(
            label=f"{m['name']}（{m['form']}照片或扫描件{'' if m['required'] else '，可选'}）", required=m["required"])
    return form


def application_payload(form, guide, fixed):
    """(answers, files) for `submit_application` from a valid form."""
    answers, files = {}, []
    for f in guide["fields"]:
        if f["key"] in fixed:
            continue
        value = form.cleaned_data.get(f"f_{f['key']}")
        if f["type"] == "file":
            if value:
                files.append((f["key"], value))
        elif value not in (None, ""):
            answers[f["key"]] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    for m in guide["materials"]:
        if upload := form.cleaned_data.get(f"m_{m['key']}"):
            files.append((m["key"], upload))
    return answers, files


def correction_form(materials, data=None, files=None):
    """补正 online: one required picture upload per missing material (`[(key, name)]`); the
    field checks the picture with `core.uploads` (content, size, pixels) as the apply form does."""
    from gridgov.core.uploads import ImageUploadField

    form = forms.Form(data, files, prefix="c")
    for key, name in materials:
        form.fields[f"m_{key}"] = ImageUploadField(label=f"{name}（照片或扫描件）", required=True,
                                                   error_messages={"required": f"请上传“{name}”的照片或扫描件"})
    return form


def correction_payload(form, materials):
    return [(key, form.cleaned_data[f"m_{key}"]) for key, _name in materials if form.cleaned_data.get(f"m_{key}")]


class ApplicationRatingForm(forms.Form):
    """好差评 on the website: the overall level (five levels); the three dimensions default to it."""

    level = forms.TypedChoiceField(label="总体评价", coerce=int, choices=SATISFACTION, widget=forms.RadioSelect)
    efficiency = forms.TypedChoiceField(label="服务效率", coerce=int, required=False, empty_value=None,
                                        choices=[("", "同总体评价")] + SATISFACTION)
    quality = forms.TypedChoiceField(label="服务水平", coerce=int, required=False, empty_value=None,
                                     choices=[("", "同总体评价")] + SATISFACTION)
    attitude = forms.TypedChoiceField(label="服务态度", coerce=int, required=False, empty_value=None,
                                      choices=[("", "同总体评价")] + SATISFACTION)
    comment = forms.CharField(label="评价内容", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text="选择“不满意”或“非常不满意”时请说明原因")
