"""Choices of the utilities app (水电气缴费) and the Chinese labels of its audit actions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UtilityKind(models.TextChoices):
    WATER = "water", _("水费")
    ELECTRICITY = "electricity", _("电费")
    GAS = "gas", _("燃气费")


class BillStatus(models.TextChoices):
    UNPAID = "unpaid", _("待缴")
    PENDING = "pending", _("支付中")
    PAID = "paid", _("已缴")
    CANCELLED = "cancelled", _("已作废")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("待支付")
    SUCCEEDED = "succeeded", _("已支付")
    FAILED = "failed", _("失败")
    EXPIRED = "expired", _("已过期")
    REFUNDED = "refunded", _("已退款")


class Channel(models.TextChoices):
    KIOSK = "kiosk", _("自助终端")
    COUNTER = "counter", _("窗口")
    WEB = "web", _("网站")


class EventKind(models.TextChoices):
    CREATED = "created", _("创建支付")
    CONFIRMED = "confirmed", _("支付成功")
    FAILED = "failed", _("支付失败")
    EXPIRED = "expired", _("支付过期")
    REPEATED = "repeated", _("重复请求")
    CALLBACK = "callback", _("支付回调")
    CALLBACK_REJECTED = "callback_rejected", _("回调被拒绝")
    QUERY = "query", _("查询")
    REFUNDED = "refunded", _("退款")


class RefundStatus(models.TextChoices):
    SUCCEEDED = "succeeded", _("已退款")
    FAILED = "failed", _("失败")


class MismatchKind(models.TextChoices):
    MISSING_AT_PROVIDER = "missing_provider", _("本地已缴，渠道无记录")
    MISSING_LOCALLY = "missing_local", _("渠道有记录，本地未缴")
    AMOUNT = "amount", _("金额不一致")
    BILL_SUM = "bill_sum", _("账单合计与支付金额不一致")


AUDIT_LABELS = {
    "utilities.save_utility": "保存公用事业单位",
    "utilities.save_account": "保存缴费户号",
    "utilities.start_payment": "发起缴费",
    "utilities.confirm_payment": "缴费成功",
    "utilities.fail_payment": "缴费失败",
    "utilities.callback_rejected": "拒绝伪造或重放的支付回调",
    "utilities.refund_payment": "缴费退款",
    "utilities.reconcile": "生成对账报告",
    "utilities.demo": "生成缴费演示数据",
}
