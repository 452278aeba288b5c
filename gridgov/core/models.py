"""Platform-wide models: the scoped base, the audit log, background jobs, the work calendar,
and in-app notifications."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .access import ScopedManager
from .choices import AuditKind, CalendarDayKind, JobStatus


class ScopedModel(models.Model):
    """Base for rows that belong to a place. `division_code` is the 15-digit grid code (or a
    shorter division code for rows above grid level), denormalised from the grid FK so that
    scoping is an indexed prefix match (docs/architecture.md §4, “The division code is the materialised path”)."""

    division_code = models.CharField(_("区划代码"), max_length=15, db_index=True, editable=False)

    objects = ScopedManager()

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """Who did what to which object, when, with before/after snapshots; and every reveal of
    masked personal data with the reason given."""

    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    kind = models.CharField(_("类别"), max_length=10, choices=AuditKind.choices, default=AuditKind.WRITE)
    action = models.CharField(_("动作"), max_length=80, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=80, db_index=True)
    object_id = models.CharField(_("对象ID"), max_length=64, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    division_code = models.CharField(_("区划代码"), max_length=15, blank=True, db_index=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    reason = models.CharField(_("事由"), max_length=300, blank=True)
    request_id = models.CharField(_("请求ID"), max_length=32, blank=True)
    job_id = models.BigIntegerField(_("任务ID"), null=True, blank=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["actor", "at"], name="audit_actor_at")]
        permissions = [("export_auditentry", "可以导出审计日志")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"


class Job(models.Model):
    """A long-running piece of work (import, partitioning, demo generation) run by the Huey
    worker, with status, progress and a log shown in the UI."""

    kind = models.CharField(_("类型"), max_length=60, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    handler = models.CharField(_("处理函数"), max_length=200)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveIntegerField(_("进度"), default=0)
    total = models.PositiveIntegerField(_("总量"), default=0)
    log = models.TextField(_("日志"), blank=True)
    result = models.JSONField(_("结果"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    division_code = models.CharField(_("区划代码"), max_length=15, blank=True, db_index=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # written by the running worker every HEARTBEAT_SECONDS (core.jobs): a running job whose
    # heartbeat stopped lost its worker and is marked failed (core.jobs.fail_stale_jobs)
    heartbeat_at = models.DateTimeField(_("心跳时间"), null=True, blank=True)
    retry_of = models.ForeignKey("self", verbose_name=_("重试自"), null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="retries")

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"#{self.pk} {self.title}"

    @property
    def percent(self):
        if self.status == JobStatus.SUCCEEDED:
            return 100
        return int(self.progress * 100 / self.total) if self.total else 0

    @property
    def is_finished(self):
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)


class CalendarDay(models.Model):
    """An exception to the Monday–Friday working week: a public holiday on a weekday, or an
    adjusted working day (调休上班) on a weekend. Editable per year."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=CalendarDayKind.choices)
    name = models.CharField(_("名称"), max_length=50, blank=True)
    official = models.BooleanField(_("官方发布"), default=True, help_text=_("否：依法定节日推算的暂定安排"))

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}"


class Notification(models.Model):
    """An in-app notification (通知中心). E-mail/SMS adapters send copies behind an interface."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(_("时间"), db_index=True)
    category = models.CharField(_("分类"), max_length=40, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    dedupe_key = models.CharField(_("去重键"), max_length=120, blank=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notif_recipient_read")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notif_unique_dedupe",
                violation_error_message="同一通知已发送",
            )
        ]

    def __str__(self):
        return self.title
