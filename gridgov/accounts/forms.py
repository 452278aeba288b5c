"""Forms of the accounts app (Chinese labels and errors; bad input never loses data)."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import lazy

from gridgov.core import limits
from gridgov.core.widgets import SearchableSelect

from .models import Department, Role, User
from .queries import manageable_divisions
from .validators import help_texts, validate_password

PASSWORD_HELP = lazy(lambda: "；".join(help_texts()), str)()


class LockoutAuthenticationForm(AuthenticationForm):
    """The login form: says clearly when an account is locked and until when."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "用户名或密码不正确。连续失败 5 次将锁定账号。",
        "inactive": "该账号已停用，请联系管理员。",
        "locked": "账号已锁定，请于 %(until)s 后再试",
    }
    password = forms.CharField(label="密码", strip=False, max_length=limits.PASSWORD,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            until = getattr(self.request, "login_locked_until", None)
            if until:
                raise ValidationError(
                    self.error_messages["locked"], code="locked",
                    params={"until": timezone.localtime(until).strftime("%H:%M")},
                )
            raise


class ChinesePasswordChangeForm(PasswordChangeForm):
    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": "原密码不正确，请重新输入。",
        "password_mismatch": "两次输入的新密码不一致。",
    }
    old_password = forms.CharField(label="原密码", strip=False, max_length=limits.PASSWORD,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    new_password1 = forms.CharField(label="新密码", strip=False, max_length=limits.PASSWORD,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    new_password2 = forms.CharField(label="确认新密码", strip=False, max_length=limits.PASSWORD,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = "；".join(help_texts())

    def validate_password_for_user(self, user, password_field_name="password2"):
        password = self.cleaned_data.get(password_field_name)
        if password:
            try:
                validate_password(password, user)
            except ValidationError as error:
                self.add_error(password_field_name, error)


class UserForm(forms.Form):
    """Profile fields of a user (create and edit)."""

    username = forms.RegexField(label="用户名", max_length=150, regex=r"^[\w.@+-]+$",
                                error_messages={"invalid": "用户名只能包含字母、数字和 @/./+/-/_"})
    full_name = forms.CharField(label="姓名", max_length=50, required=False)
    phone = forms.RegexField(label="手机号", max_length=20, required=False, regex=r"^[0-9+\- ]{5,20}$",
                             error_messages={"invalid": "请输入正确的电话号码"})
    email = forms.EmailField(label="电子邮箱", required=False)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)


class UserCreateForm(UserForm):
    password = forms.CharField(label="初始密码", max_length=limits.PASSWORD, widget=forms.PasswordInput(render_value=True),
                               help_text=PASSWORD_HELP)
    role = forms.ModelChoiceField(label="角色", queryset=Role.objects.all(), required=False)
    division = forms.ModelChoiceField(label="管辖区划", queryset=None, required=False, widget=SearchableSelect)
    department = forms.ModelChoiceField(label="所属部门", queryset=Department.objects.filter(is_active=True),
                                        required=False, widget=SearchableSelect)

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = manageable_divisions(actor)
        self.fields["division"].label_from_instance = lambda d: f"{d.code} {d.name}"

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username=username).exists():
            raise ValidationError("该用户名已存在")
        return username


class AssignmentForm(forms.Form):
    role = forms.ModelChoiceField(label="角色", queryset=Role.objects.all())
    division = forms.ModelChoiceField(label="管辖区划", queryset=None, required=False, widget=SearchableSelect,
                                      help_text="留空表示全区（仅区级管理员可用）")
    department = forms.ModelChoiceField(label="所属部门", queryset=Department.objects.filter(is_active=True),
                                        required=False, widget=SearchableSelect)

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = manageable_divisions(actor)
        self.fields["division"].label_from_instance = lambda d: f"{d.code} {d.name}"


class ResetPasswordForm(forms.Form):
    password = forms.CharField(label="新密码", max_length=limits.PASSWORD, widget=forms.PasswordInput,
                               help_text=PASSWORD_HELP)
