"""Tables of the registry lists (django-tables2 on core.tables.BaseTable; docs/ui.md)."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from gridgov.core.tables import BaseTable, MonoColumn


class PersonTable(BaseTable):
    name = tables.Column(verbose_name="姓名", attrs={"td": {"class": "text-nowrap"}})
    sex = tables.Column(verbose_name="性别", accessor="get_sex_display")
    age = tables.Column(verbose_name="年龄", empty_values=(), order_by=("-birth_date",))  # never the birth date
    id_masked = MonoColumn(verbose_name="证件号码")
    phone_masked = MonoColumn(verbose_name="联系电话")
    address = tables.Column(verbose_name="住址")
    division_code = MonoColumn(verbose_name="网格")
    status = tables.Column(verbose_name="状态")

    class Meta(BaseTable.Meta):
        empty_text = "没有符合条件的人员"
        attrs = {"class": "table table-vcenter card-table table-stack registry-persons"}

    def render_name(self, value, record):
        return format_html('<a href="{}">{}</a>', reverse("registry:person_detail", args=[record.pk]), value)

    def render_age(self, record):
        return "—" if record.age is None else record.age

    def render_status(self, value, record):
        tone = "bg-green-lt" if record.status == "active" else "bg-secondary-lt"
        return format_html('<span class="badge {}">{}</span>', tone, record.get_status_display())


class BuildingTable(BaseTable):
    grid = tables.Column(verbose_name="网格", accessor="grid__name")
    code = MonoColumn(verbose_name="编码")
    name = tables.Column(verbose_name="名称", empty_values=())
    address = tables.Column(verbose_name="地址")
    building_type = tables.Column(verbose_name="类型", accessor="get_building_type_display")
    household_count = tables.Column(verbose_name="户数", attrs={"td": {"class": "num"}, "th": {"class": "num"}})

    class Meta(BaseTable.Meta):
        empty_text = "没有符合条件的楼栋"

    def render_name(self, value, record):
        return format_html('<a href="{}">{}</a>', reverse("registry:building_detail", args=[record.pk]), value or "—")
