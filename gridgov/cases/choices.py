"""Choices of the cases app (事件管理)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CategoryKind(models.TextChoices):
    EVENT = "event", _("事件类")
    COMPONENT = "component", _("部件类")
    GOVERNANCE = "governance", _("社会治理类")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")


class Channel(models.TextChoices):
    GRID_WORKER = "grid", _("网格员上报")
    WEB = "web", _("居民网站")
    KIOSK = "kiosk", _("自助终端")
    COUNTER = "counter", _("窗口/热线代报")
    OPEN311 = "open311", _("Open311 接口")
    API = "api", _("系统接口")


class CaseState(models.TextChoices):
    REPORTED = "reported", _("待立案")
    REGISTERED = "registered", _("待派遣")
    DISPATCHED = "dispatched", _("待签收")
    HANDLING = "handling", _("处置中")
    HANDLED = "handled", _("待核查")
    VERIFIED = "verified", _("待结案")
    CLOSED = "closed", _("已结案")
    REJECTED = "rejected", _("不予立案")
    CANCELLED = "cancelled", _("已撤销")
    MERGED = "merged", _("已合并")


OPEN_STATES = [CaseState.REPORTED, CaseState.REGISTERED, CaseState.DISPATCHED, CaseState.HANDLING,
               CaseState.HANDLED, CaseState.VERIFIED]
FINAL_STATES = [CaseState.CLOSED, CaseState.REJECTED, CaseState.CANCELLED, CaseState.MERGED]


class Step(models.TextChoices):
    """The step whose clock is running (受理派遣 / 处置 / 核查 / 结案)."""

    NONE = "", _("无")
    ACCEPT = "accept", _("立案派遣")
    SIGN = "sign", _("部门签收")
    HANDLE = "handle", _("处置")
    VERIFY = "verify", _("核查")
    CLOSE = "close", _("结案")


class EventKind(models.TextChoices):
    REPORT = "report", _("上报")
    REGISTER = "register", _("立案")
    REJECT = "reject", _("不予立案")
    CANCEL = "cancel", _("撤销")
    DISPATCH = "dispatch", _("派遣")
    ACCEPT = "accept", _("签收")
    RETURN = "return", _("退回")
    HANDLE = "handle", _("处置反馈")
    VERIFY_PASS = "verify_pass", _("核查通过")
    VERIFY_FAIL = "verify_fail", _("核查不通过（返工）")
    CLOSE = "close", _("结案")
    SOLVE = "solve", _("网格内自行解决")
    RATE = "rate", _("评价")
    REOPEN = "reopen", _("重新办理")
    DEFER_REQUEST = "defer_request", _("申请缓办")
    DEFER_APPROVE = "defer_approve", _("批准缓办")
    DEFER_REJECT = "defer_reject", _("驳回缓办")
    SUPERVISE = "supervise", _("督办")
    ESCALATE = "escalate", _("超期升级")
    WARN = "warn", _("临期预警")
    OVERDUE = "overdue", _("超期")
    MERGE = "merge", _("合并")
    RECATEGORISE = "recategorise", _("更改分类")
    COMMENT = "comment", _("备注")


class AttachmentKind(models.TextChoices):
    REPORT = "report", _("上报照片")
    FEEDBACK = "feedback", _("处置照片")
    VERIFY = "verify", _("核查照片")
    EVIDENCE = "evidence", _("自行解决证据")
