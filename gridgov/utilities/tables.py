"""List tables (django-tables2 on the design system's BaseTable: rows stack to cards on phones)."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from gridgov.core.tables import BaseTable, LocalTimeColumn, MonoColumn

from .models import yuan

BADGE = {"unpaid": "bg-yellow-lt", "pending": "bg-blue-lt", "paid": "bg-green-lt", "cancelled": "bg-secondary-lt",
         "succeeded": "bg-green-lt", "failed": "bg-red-lt", "expired": "bg-secondary-lt", "refunded": "bg-purple-lt"}
NUM = {"td": {"class": "num"}, "th": {"class": "num"}}


def badge(record):
    return format_html('<span class="badge {}">{}</span>', BADGE.get(record.status, ""), record.get_status_display())


class BillTable(BaseTable):
    account = tables.Column(verbose_name="户号", accessor="account__account_no")
    utility = tables.Column(verbose_name="单位", accessor="utility__name")
    period = tables.Column(verbose_name="账期")
    address = tables.Column(verbose_name="地址")
    amount_fen = tables.Column(verbose_name="金额(元)", attrs=NUM)
    due_date = LocalTimeColumn(verbose_name="截止日", fmt="%Y-%m-%d")
    status = tables.Column(verbose_name="状态")

    class Meta(BaseTable.Meta):
        empty_text = "没有符合条件的账单"

    def render_account(self, value, record):
        return format_html('<a href="{}">{}</a>', reverse("utilities:bill_detail", args=[record.pk]), value)

    def render_amount_fen(self, value):
        return yuan(value)

    def render_status(self, record):
        return badge(record)


class AccountTable(BaseTable):
    account_no = MonoColumn(verbose_name="户号")
    utility = tables.Column(verbose_name="单位", accessor="utility__name")
    holder = tables.Column(verbose_name="户名", accessor="holder_masked", orderable=False)
    address = tables.Column(verbose_name="地址")
    house = tables.Column(verbose_name="房屋", accessor="house_id", empty_values=())

    class Meta(BaseTable.Meta):
        empty_text = "没有符合条件的户号"

    def render_account_no(self, value, record):
        return format_html('<a class="mono" href="{}">{}</a>', reverse("utilities:account_detail", args=[record.pk]),
                           value)

    def render_house(self, value, record):
        if not value:
            return "未关联"
        return format_html('<a href="{}">查看房屋</a>', reverse("registry:house_detail", args=[value]))


class PaymentTable(BaseTable):
    id = tables.Column(verbose_name="编号")
    created_at = LocalTimeColumn(verbose_name="时间")
    amount_fen = tables.Column(verbose_name="金额(元)", attrs=NUM)
    provider = tables.Column(verbose_name="支付方式")
    channel = tables.Column(verbose_name="渠道", accessor="get_channel_display")
    provider_txn_id = MonoColumn(verbose_name="渠道交易号", empty_values=())
    status = tables.Column(verbose_name="状态")

    class Meta(BaseTable.Meta):
        empty_text = "没有符合条件的缴费记录"

    def __init__(self, *args, providers=None, **kwargs):
        self.providers = providers or {}
        super().__init__(*args, **kwargs)

    def render_id(self, value):
        return format_html('<a href="{}">#{}</a>', reverse("utilities:payment_detail", args=[value]), value)

    def render_amount_fen(self, value):
        return yuan(value)

    def render_provider(self, value):
        return self.providers.get(value, value)

    def render_provider_txn_id(self, value):
        return format_html('<span class="mono">{}</span>', value or "—")

    def render_status(self, record):
        return badge(record)
