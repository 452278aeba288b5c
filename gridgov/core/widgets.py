"""Form widgets of the design system (docs/ui.md).

`SearchableSelect` marks a select for tom-select (static/js/shell.js) and gives every option its
pinyin initials, so "wlq" finds 武陵区 and "dy" finds 丹阳街道. Use it for any select that can
hold more than a screenful of choices: grids, case classes, buildings, departments.
"""

import json
from functools import lru_cache

from django import forms
from django.utils.html import conditional_escape as escape
from django.utils.safestring import mark_safe
from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=8192)
def pinyin_keys(text: str) -> str:
    """"丹阳街道" → "dyjd danyangjiedao": the initials and the full pinyin, for client-side search."""
    if not text:
        return ""
    initials = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default"))
    full = "".join(lazy_pinyin(text, errors="default"))
    return f"{initials} {full}".lower()


class SearchableSelectMixin:
    """Adds data-searchable to the select and {"py": …} (pinyin keys) to each option."""

    def __init__(self, attrs=None, choices=(), placeholder="输入名称或拼音首字母搜索"):
        attrs = {"data-searchable": "", "data-placeholder": placeholder, **(attrs or {})}
        super().__init__(attrs, choices)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        if value not in (None, ""):
            option["attrs"]["data-data"] = json.dumps({"py": pinyin_keys(str(label))}, ensure_ascii=False)
        return option


class SearchableSelect(SearchableSelectMixin, forms.Select):
    pass


class SearchableSelectMultiple(SearchableSelectMixin, forms.SelectMultiple):
    pass


def _attrs_html(attrs):
    """django/forms/widgets/attrs.html, in Python."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {escape(name)}" if value is True else f' {escape(name)}="{escape(str(value))}"')
    return "".join(out)


class ManyOptionsSelect(forms.Select):
    """A select whose options are written in Python: the same HTML as Django's select.html and
    select_option.html, without one template include per option. For a select of hundreds of
    options (the care order filter's 672 providers: 40 of the page's 90 ms on SQLite)."""

    def render(self, name, value, attrs=None, renderer=None):
        w = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{escape(w["name"])}"{_attrs_html(w["attrs"])}>']
        for group_name, group_choices, _index in w["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{escape(group_name)}">')
            for o in group_choices:
                parts.append(f'\n  <option value="{escape(str(o["value"]))}"{_attrs_html(o["attrs"])}>'
                             f'{escape(o["label"])}</option>\n')  # select_option.html ends with a newline
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))
