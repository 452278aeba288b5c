"""Choices of the care app: provider kinds, order kinds and states, service categories."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProviderKind(models.TextChoices):
    PROPERTY = "property", _("物业公司")
    REPAIR = "repair", _("维修服务")
    ELDERLY = "elderly", _("居家养老服务")
    MERCHANT = "merchant", _("便民商家")
    HEALTH = "health", _("社区卫生服务站")


class OrderKind(models.TextChoices):
    REPAIR = "repair", _("上门维修")
    CARE = "care", _("居家养老")
    GOODS = "goods", _("便民配送")


# which order kind a provider of each kind takes (a health station takes appointments instead)
ORDER_KIND_OF = {
    ProviderKind.PROPERTY: OrderKind.REPAIR, ProviderKind.REPAIR: OrderKind.REPAIR,
    ProviderKind.ELDERLY: OrderKind.CARE, ProviderKind.MERCHANT: OrderKind.GOODS,
}


class OrderStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    ACCEPTED = "accepted", _("已接单")
    IN_PROGRESS = "in_progress", _("服务中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


OPEN_STATUSES = (OrderStatus.SUBMITTED, OrderStatus.ACCEPTED, OrderStatus.IN_PROGRESS)
# the words a goods order uses for the same states
GOODS_LABELS = {OrderStatus.ACCEPTED: "商家已确认", OrderStatus.IN_PROGRESS: "配送中", OrderStatus.DONE: "已送达"}


class ItemCategory(models.TextChoices):
    MEAL = "meal", _("助餐")
    CLEAN = "clean", _("助洁")
    BATH = "bath", _("助浴")
    MEDICAL = "medical", _("助医")
    WALK = "walk", _("助行")
    CHAT = "chat", _("精神慰藉")
    REPAIR = "repair", _("维修项目")
    GOODS = "goods", _("商品")


CARE_CATEGORIES = (ItemCategory.MEAL, ItemCategory.CLEAN, ItemCategory.BATH, ItemCategory.MEDICAL,
                   ItemCategory.WALK, ItemCategory.CHAT)


class ItemUnit(models.TextChoices):
    TIME = "time", _("次")
    HOUR = "hour", _("小时")
    PIECE = "piece", _("件")
    PORTION = "portion", _("份")


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("已预约")
    CANCELLED = "cancelled", _("已取消")
    VISITED = "visited", _("已就诊")


class SigningStatus(models.TextChoices):
    ACTIVE = "active", _("履约中")
    ENDED = "ended", _("已解约")


class Weekday(models.IntegerChoices):
    MON = 1, _("周一")
    TUE = 2, _("周二")
    WED = 3, _("周三")
    THU = 4, _("周四")
    FRI = 5, _("周五")
    SAT = 6, _("周六")
    SUN = 7, _("周日")


AUDIT_LABELS = {
    "care.save_provider": "保存服务商", "care.add_provider_account": "开通服务商账号",
    "care.save_item": "保存服务项目", "care.save_subsidy_rule": "保存补贴规则",
    "care.submit_order": "提交服务订单", "care.accept_order": "服务商接单", "care.start_order": "开始服务",
    "care.finish_order": "完成服务", "care.cancel_order": "取消订单", "care.check_in": "上门签到",
    "care.check_out": "服务签退", "care.rate_order": "评价订单", "care.return_visit": "回访",
    "care.save_doctor": "保存医生", "care.save_schedule": "保存出诊排班", "care.sign_doctor": "家庭医生签约",
    "care.end_signing": "家庭医生解约", "care.book_appointment": "预约看病", "care.cancel_appointment": "取消预约",
    "care.settle_month": "月度结算",
}
