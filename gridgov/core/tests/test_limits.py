"""Text length limits (issue 11, "no length limits"): every text a user can send is bounded."""

import importlib
import pkgutil

import pytest
from django import forms
from django.apps import apps
from django.db import models

import gridgov
from gridgov.core import limits

# Written by the platform itself, never from a request (logs, errors, notifications it composes).
SYSTEM_TEXT = {"core.Job.log", "core.Job.error", "core.Notification.body", "divisions.GridProposal.error"}


def _gridgov_models():
    return [m for m in apps.get_models() if m.__module__.startswith("gridgov.")]


def test_every_model_text_field_has_a_max_length():
    missing = [f"{m._meta.label}.{f.name}" for m in _gridgov_models() for f in m._meta.concrete_fields
               if isinstance(f, models.CharField | models.TextField) and not f.max_length]
    missing = [name for name in missing if name not in SYSTEM_TEXT]
    assert not missing, f"give these a max_length from core/limits.py: {missing}"


def _project_forms():
    for info in pkgutil.walk_packages(gridgov.__path__, "gridgov."):
        if ".tests" in info.name or ".migrations" in info.name or "partition." in info.name:
            continue
        if info.name.rsplit(".", 1)[-1] in ("forms", "views") or ".forms." in info.name or ".views." in info.name:
            importlib.import_module(info.name)
    seen, stack = [], [forms.BaseForm]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            stack.append(sub)
            if sub.__module__.startswith("gridgov."):
                seen.append(sub)
    return seen


def test_every_form_text_field_has_a_max_length():
    missing = []
    for form in _project_forms():
        for name, field in getattr(form, "base_fields", {}).items():
            if type(field) in (forms.CharField, forms.RegexField, forms.SlugField) and not field.max_length:
                missing.append(f"{form.__module__}.{form.__name__}.{name}")
    assert not missing, f"give these a max_length from core/limits.py: {missing}"


def test_check_lengths_names_the_field_in_chinese():
    from django.core.exceptions import ValidationError

    from gridgov.cases.models import Case

    with pytest.raises(ValidationError) as exc:
        limits.check_lengths(Case(title="x" * 121, description="y" * (limits.TEXT + 1)))
    assert exc.value.message_dict["description"] == [f"“问题描述”不能超过 {limits.TEXT} 个字"]
    assert "title" in exc.value.message_dict


def test_json_depth_is_measured_without_recursion():
    deep = []
    for _ in range(100_000):
        deep = [deep]
    assert not limits.json_depth(deep)
    assert limits.json_depth({"a": [1, {"b": 2}]})
