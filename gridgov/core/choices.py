from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditKind(models.TextChoices):
    WRITE = "write", _("写入")
    REVEAL = "reveal", _("查看明文")
    EXPORT = "export", _("导出")
    LOGIN = "login", _("登录")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("运行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("节假日")
    WORKDAY = "workday", _("调休上班")


# Chinese labels of core's audit actions (the generic ones: export, reveal, import are worded by
# `gridgov.core.audit.action_label`)
AUDIT_LABELS = {
    "core.set_calendar_day": "调整工作日历", "core.remove_calendar_day": "删除工作日历调整",
    "core.load_calendar": "载入工作日历", "core.retry_job": "重新运行后台任务", "export": "导出数据", "reveal": "查看个人信息明文",
}
