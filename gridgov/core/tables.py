"""The table base of the design system (docs/ui.md): django-tables2 with the one template
(`ui/table.html`) whose rows stack as cards below 576 px.

A list view keeps its own queryset, filter and paginator (a capped or keyset paginator where
counting is slow) and hands the page's rows to the table, so a table adds no query:

    table = CaseTable(page.object_list)
"""

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html


class BaseTable(tables.Table):
    """Rows of one page; ordering comes from the view's own sort parameter, not from the table."""

    class Meta:
        template_name = "ui/table.html"
        attrs = {"class": "table table-vcenter card-table table-stack"}
        orderable = False
        empty_text = "暂无数据"


class LocalTimeColumn(tables.Column):
    """A date and time in Asia/Shanghai, always with the date ("2026-11-27 09:30")."""

    def __init__(self, *args, fmt="%Y-%m-%d %H:%M", **kwargs):
        self.fmt = fmt
        kwargs.setdefault("attrs", {"td": {"class": "text-nowrap"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return timezone.localtime(value).strftime(self.fmt)


class MonoColumn(tables.Column):
    """Codes and masked numbers, in the monospace face."""

    def render(self, value):
        return format_html('<span class="mono">{}</span>', value)
