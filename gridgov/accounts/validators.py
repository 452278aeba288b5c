"""Password rules beyond Django's, and Chinese messages for Django's own.

Django 5.2's zh-hans catalogue lacks the new plural message of MinimumLengthValidator, so
`validate_password` here swaps in a subclass with a Chinese message (same min_length, taken
from settings.AUTH_PASSWORD_VALIDATORS). Use it wherever a password is set.
"""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError


class CharacterClassValidator:
    def validate(self, password, user=None):
        if not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
            raise ValidationError("密码必须同时包含字母和数字。", code="password_classes")

    def get_help_text(self):
        return "密码必须同时包含字母和数字。"


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return f"密码长度太短，至少需要 {self.min_length} 个字符。"

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(self.get_error_message(), code="password_too_short",
                                  params={"min_length": self.min_length})

    def get_help_text(self):
        return f"密码至少需要 {self.min_length} 个字符。"


def password_validators():
    """The configured validators, with Chinese messages where Django has none."""
    out = []
    for v in password_validation.get_default_password_validators():
        if type(v) is password_validation.MinimumLengthValidator:
            v = MinimumLengthValidator(v.min_length)
        out.append(v)
    return out


def validate_password(password, user=None):
    password_validation.validate_password(password, user, password_validators())


def help_texts():
    return [v.get_help_text().rstrip("。.") for v in password_validators()]
