"""The party member list's table (django-tables2 on core.tables.BaseTable; docs/ui.md)."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from gridgov.core.tables import BaseTable


class MemberTable(BaseTable):
    name = tables.Column(verbose_name="姓名", attrs={"td": {"class": "text-nowrap"}})
    category = tables.Column(verbose_name="类别", accessor="get_category_display")
    unit = tables.Column(verbose_name="工作单位/原党组织", empty_values=())
    branch = tables.Column(verbose_name="报到支部", empty_values=())
    post_name = tables.Column(verbose_name="岗位", empty_values=(None, ""), default="—")
    score = tables.Column(verbose_name="本月积分", empty_values=())
    status = tables.Column(verbose_name="状态", accessor="get_status_display")

    class Meta(BaseTable.Meta):
        empty_text = "没有符合条件的党员"

    def render_name(self, value, record):
        return format_html('<a href="{}">{}</a>', reverse("party:member", args=[record.pk]), value)

    def render_unit(self, record):
        return (record.work_unit.name if record.work_unit_id else "") or record.origin_organization or "—"

    def render_branch(self, record):
        if record.branch_id:
            return format_html('<a href="{}">{}</a>', reverse("party:org", args=[record.branch_id]), record.branch.name)
        return mark_safe('<span class="badge bg-yellow-lt">未报到</span>')

    def render_score(self, record):
        s = getattr(record, "score", None)
        if not s:
            return "—"
        if s.status == "behind":
            return format_html('{} / {} <span class="badge bg-red-lt">滞后</span>', s.points, s.target)
        return f"{s.points} / {s.target}"
