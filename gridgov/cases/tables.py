"""The case list's table (django-tables2 on core.tables.BaseTable; docs/ui.md)."""

import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from gridgov.core.tables import BaseTable, LocalTimeColumn


class CaseTable(BaseTable):
    number = tables.Column(verbose_name="案卷号", attrs={"td": {"class": "text-nowrap"}})
    title = tables.Column(verbose_name="标题")
    category = tables.Column(verbose_name="分类", empty_values=())
    grid = tables.Column(verbose_name="网格", accessor="grid__name")
    channel = tables.Column(verbose_name="渠道", accessor="get_channel_display")
    state = tables.Column(verbose_name="状态", empty_values=())
    department = tables.Column(verbose_name="处置部门", accessor="current_department__name")
    reported_at = LocalTimeColumn(verbose_name="上报时间")
    due = tables.Column(verbose_name="环节时限", empty_values=())

    class Meta(BaseTable.Meta):
        empty_text = "没有符合条件的事件"
        attrs = {"class": "table table-vcenter card-table table-stack case-table"}

    def render_number(self, value, record):
        return format_html('<a href="{}">{}</a>', reverse("cases:detail", args=[record.pk]), value)

    def render_title(self, value, record):
        if record.urgency == "urgent":
            return format_html('{} <span class="badge bg-red-lt">紧急</span>', value)
        return value

    def render_category(self, record):
        return f"{record.category.parent.name}/{record.category.name}"

    def render_state(self, record):
        return render_to_string("cases/_state.html", {"c": record, "now": self.now})

    def render_due(self, record):
        if record.due_at and record.is_open:
            return f"{record.get_step_display()} {timezone.localtime(record.due_at):%Y-%m-%d %H:%M}"
        return "—"

    def __init__(self, *args, now=None, **kwargs):
        self.now = now
        super().__init__(*args, **kwargs)
