"""Text length limits (see docs/security.md, "for app authors").

Every text a user can send has a limit, picked from this short list so that the same kind of
text has the same limit everywhere:

    description = models.TextField(_("问题描述"), max_length=limits.TEXT, blank=True)
    title = forms.CharField(label="标题", max_length=limits.TITLE)
    limits.check_lengths(case)          # in the action, before save: Chinese error per field

`tests/test_limits.py` fails when a model Char/TextField or a form CharField has no max_length,
so a new app inherits the rule. The database does not enforce a TextField's max_length; forms
and `check_lengths` (called by actions, which every writer goes through) do.
"""

from django.core.exceptions import ValidationError
from django.db import models

NAME = 50  # a person's name, a short label
PASSWORD = 128  # hashing a megabyte "password" is work an attacker should not get for free
TITLE = 120  # a title, a subject line
ADDRESS = 200  # an address or a place
REASON = 300  # a reason, a short comment
NOTE = 2000  # a note on a workflow step, a visit record
TEXT = 4000  # a description (Open311's limit too)
LONG_TEXT = 20_000  # a notice or an article body (rich text after sanitising)
JSON_VALUE = 500  # one answer to an extra question
MAX_JSON_DEPTH = 32  # nesting of a JSON request body (deeper is a 400, never a 500)


def too_long(label, limit):
    return f"“{label}”不能超过 {limit} 个字"


def check_lengths(instance, fields=None):
    """Raise ValidationError({field: message}) for every Char/TextField of `instance` whose value
    is longer than its max_length."""
    errors = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if not isinstance(field, models.CharField | models.TextField) or not field.max_length:
            continue
        value = getattr(instance, field.attname)
        if isinstance(value, str) and len(value) > field.max_length:
            errors[field.name] = too_long(field.verbose_name, field.max_length)
    if errors:
        raise ValidationError(errors)


def check_text(value, limit, label):
    """One value against one limit (for inputs that are not model fields)."""
    if value is not None and len(str(value)) > limit:
        raise ValidationError(too_long(label, limit))
    return value


def json_depth(value, limit=MAX_JSON_DEPTH):
    """True when `value` (parsed JSON) nests no deeper than `limit`; iterative, so a hostile
    document cannot exhaust the stack while being measured."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return False
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return True
