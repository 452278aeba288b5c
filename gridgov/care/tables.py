"""Tables of the care lists (django-tables2 on core.tables.BaseTable; docs/ui.md)."""

import django_tables2 as tables
from django.utils.html import format_html

from gridgov.core.pii import mask_phone
from gridgov.core.tables import BaseTable, LocalTimeColumn, MonoColumn

TONES = {"submitted": "bg-yellow-lt", "accepted": "bg-blue-lt", "in_progress": "bg-azure-lt", "done": "bg-green-lt",
         "cancelled": "bg-secondary-lt", "booked": "bg-blue-lt", "visited": "bg-green-lt"}


def yuan(fen):
    return f"{(fen or 0) / 100:.2f}"


class OrderTable(BaseTable):
    number = MonoColumn(verbose_name="订单号")
    kind = tables.Column(verbose_name="类型", accessor="get_kind_display")
    provider = tables.Column(verbose_name="服务商", accessor="provider__name")
    contact_name = tables.Column(verbose_name="服务对象")
    window_start = LocalTimeColumn(verbose_name="预约时段")
    total_fen = tables.Column(verbose_name="金额(元)", attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    status = tables.Column(verbose_name="状态")
    rating = tables.Column(verbose_name="评分")

    class Meta(BaseTable.Meta):
        empty_text = "没有符合条件的订单"

    def render_number(self, value, record):
        return format_html('<a class="mono" href="{}">{}</a>', record.get_absolute_url(), value)

    def render_total_fen(self, value, record):
        return yuan(value) + (f"（补贴 {yuan(record.subsidy_fen)}）" if record.subsidy_fen else "")

    def render_status(self, value, record):
        return format_html('<span class="badge {}">{}</span>', TONES.get(record.status, ""), record.status_label())

    def render_rating(self, value):
        return "★" * value


class ProviderTable(BaseTable):
    name = tables.Column(verbose_name="名称")
    kind = tables.Column(verbose_name="类型", accessor="get_kind_display")
    community = tables.Column(verbose_name="社区", accessor="community__name")
    phone = tables.Column(verbose_name="服务电话")
    service_hours = tables.Column(verbose_name="服务时间")
    is_active = tables.BooleanColumn(verbose_name="在册", yesno="是,否")

    class Meta(BaseTable.Meta):
        empty_text = "还没有登记服务商"

    def render_name(self, value, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)


class AppointmentTable(BaseTable):
    date = tables.Column(verbose_name="就诊日期", accessor="slot__date")
    time = tables.Column(verbose_name="时段", accessor="slot__schedule__start", empty_values=())
    doctor = tables.Column(verbose_name="医生", accessor="doctor__name")
    person = tables.Column(verbose_name="就诊人", accessor="person__name")
    signed = tables.BooleanColumn(verbose_name="签约居民", yesno="是,否")
    status = tables.Column(verbose_name="状态")
    booked_at = LocalTimeColumn(verbose_name="预约时间")

    class Meta(BaseTable.Meta):
        empty_text = "没有预约"

    def render_time(self, record):
        s = record.slot.schedule
        return f"{s.start:%H:%M}–{s.end:%H:%M}"

    def render_status(self, value, record):
        return format_html('<span class="badge {}">{}</span>', TONES.get(record.status, ""),
                           record.get_status_display())


class SettlementTable(BaseTable):
    provider = tables.Column(verbose_name="服务商", accessor="provider__name")
    month = LocalTimeColumn(verbose_name="月份", fmt="%Y-%m")
    order_count = tables.Column(verbose_name="完成订单", attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    total_fen = tables.Column(verbose_name="订单金额(元)", attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    subsidy_fen = tables.Column(verbose_name="政府补贴(元)", attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    resident_fen = tables.Column(verbose_name="居民自付(元)", attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    average_rating = tables.Column(verbose_name="平均评分")

    class Meta(BaseTable.Meta):
        empty_text = "该月没有结算"

    def render_total_fen(self, value):
        return yuan(value)

    render_subsidy_fen = render_resident_fen = render_total_fen


def masked(phone):
    return mask_phone(phone) if phone else ""
