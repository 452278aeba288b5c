"""Choices of the services app: catalogue, applications, evaluation, the hall queue, proxy needs."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    SOCIAL_ASSISTANCE = "assistance", _("社会救助")
    ELDERLY = "elderly", _("养老服务")
    DISABILITY = "disability", _("残疾人服务")
    EMPLOYMENT = "employment", _("就业创业")
    SOCIAL_INSURANCE = "insurance", _("社会保险")
    MEDICAL = "medical", _("医疗保障")
    HEALTH = "health", _("卫生健康")
    RESIDENCE = "residence", _("户籍证照")
    VETERANS = "veterans", _("退役军人")
    HOUSING = "housing", _("住房保障")
    EDUCATION = "education", _("教育服务")
    OTHER = "other", _("其他")


class Channel(models.TextChoices):
    COUNTER = "counter", _("窗口")
    KIOSK = "kiosk", _("自助终端")
    WEB = "web", _("网上办")
    PROXY = "proxy", _("代办")


PUBLIC_CHANNELS = (Channel.KIOSK, Channel.WEB)


class Handling(models.TextChoices):
    COMPLETE = "complete", _("社区办结")
    FORWARD = "forward", _("社区受理、转部门办理")


class FieldType(models.TextChoices):
    TEXT = "text", _("文本")
    NUMBER = "number", _("数字")
    DATE = "date", _("日期")
    CHOICE = "choice", _("选项")
    ID_NUMBER = "id_number", _("身份证号")
    PHONE = "phone", _("手机号")
    FILE = "file", _("文件")


class AppState(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    CORRECTION = "correction", _("待补正")
    ACCEPTED = "accepted", _("已受理")
    REVIEW = "review", _("部门审核")
    REJECTED = "rejected", _("不予受理")
    COMPLETED = "completed", _("已办结")
    DELIVERED = "delivered", _("已送达")


OPEN_STATES = (AppState.SUBMITTED, AppState.CORRECTION, AppState.ACCEPTED, AppState.REVIEW)
RATEABLE_STATES = (AppState.REJECTED, AppState.COMPLETED, AppState.DELIVERED)


class Result(models.TextChoices):
    APPROVED = "approved", _("准予")
    DENIED = "denied", _("不予批准")


class Delivery(models.TextChoices):
    PICKUP = "pickup", _("窗口领取")
    HOME = "home", _("送证上门")
    POST = "post", _("邮寄")


class EventKind(models.TextChoices):
    SUBMIT = "submit", _("申请")
    ACCEPT = "accept", _("受理")
    REJECT = "reject", _("不予受理")
    CORRECTION = "correction", _("一次性告知补正")
    CORRECTED = "corrected", _("补正完成")
    FORWARD = "forward", _("转办部门")
    COMPLETE = "complete", _("办结")
    DELIVER = "deliver", _("送达")
    RATE = "rate", _("评价")
    RECTIFY = "rectify", _("整改")
    CALLBACK = "callback", _("回访")
    WARN = "warn", _("临期预警")
    OVERDUE = "overdue", _("超期")


class Satisfaction(models.IntegerChoices):
    VERY_GOOD = 5, _("非常满意")
    GOOD = 4, _("满意")
    OK = 3, _("基本满意")
    BAD = 2, _("不满意")
    VERY_BAD = 1, _("非常不满意")


class RectificationState(models.TextChoices):
    OPEN = "open", _("待整改")
    ANSWERED = "answered", _("已整改")
    CLOSED = "closed", _("已回访办结")


class TicketState(models.TextChoices):
    WAITING = "waiting", _("等候")
    CALLED = "called", _("已叫号")
    SERVING = "serving", _("办理中")
    DONE = "done", _("已完成")
    NO_SHOW = "no_show", _("过号")
    TRANSFERRED = "transferred", _("已转组")


class TicketChannel(models.TextChoices):
    RECEPTION = "reception", _("导服台")
    KIOSK = "kiosk", _("自助终端")
    APPOINTMENT = "appointment", _("预约签到")


class AppointmentState(models.TextChoices):
    BOOKED = "booked", _("已预约")
    CHECKED_IN = "checked_in", _("已签到")
    CANCELLED = "cancelled", _("已取消")
    MISSED = "missed", _("未到")


class NeedSource(models.TextChoices):
    GRID_WORKER = "grid_worker", _("网格员走访")
    PHONE = "phone", _("电话")
    FAMILY = "family", _("家属")


class NeedState(models.TextChoices):
    OPEN = "open", _("待分派")
    ASSIGNED = "assigned", _("已分派")
    FILED = "filed", _("已代办")
    DELIVERED = "delivered", _("已送达")
    CANCELLED = "cancelled", _("已撤销")


ACTIVE_NEED_STATES = (NeedState.OPEN, NeedState.ASSIGNED, NeedState.FILED)


class NeedEventKind(models.TextChoices):
    RECORD = "record", _("登记需求")
    ASSIGN = "assign", _("书记分派")
    CLAIM = "claim", _("党员认领")
    FILE = "file", _("代为申请")
    DELIVER = "deliver", _("送达确认")
    CANCEL = "cancel", _("撤销")
    ALERT = "alert", _("超时未分派提醒")


AUDIT_LABELS = {
    "services.save_item": "保存服务事项", "services.publish_version": "发布事项新版本",
    "services.load_catalogue": "载入默认事项清单",
    "services.submit_application": "提交办件申请", "services.accept_application": "受理办件",
    "services.reject_application": "不予受理", "services.request_correction": "一次性告知补正",
    "services.correct_application": "补正材料", "services.forward_application": "转办部门",
    "services.complete_application": "办结", "services.deliver_application": "送达",
    "services.rate_application": "好差评评价", "services.answer_rectification": "差评整改答复",
    "services.callback_rectification": "差评回访", "services.add_attachment": "上传办件材料",
    "services.sweep_deadlines": "办件时限巡检",
    "services.take_ticket": "取号", "services.call_next": "叫号", "services.recall_ticket": "重呼",
    "services.no_show": "过号", "services.transfer_ticket": "转组", "services.serve_ticket": "办理完成",
    "services.save_group": "保存服务分组", "services.book_appointment": "预约办事",
    "services.cancel_appointment": "取消预约", "services.check_in_appointment": "预约签到",
    "services.miss_appointment": "预约爽约（未签到）",
    "services.open_slots": "开放预约时段", "services.save_counter": "保存窗口",
    "services.record_need": "登记代办需求", "services.assign_need": "分派代办需求",
    "services.claim_need": "认领代办需求", "services.file_need": "代办提交申请",
    "services.deliver_need": "代办送达确认", "services.sweep_needs": "代办需求超时提醒",
    "services.cancel_need": "撤销代办需求",
}
