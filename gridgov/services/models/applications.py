"""Applications (办件), their typed event history, attachments, ratings (好差评) and
rectifications. `division_code` of an application is the 12-digit code of the community that
handles it; the number contains that code."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gridgov.core import limits
from gridgov.core.access import ScopedQuerySet
from gridgov.core.media import MediaFileField
from gridgov.core.models import ScopedModel

from ..choices import AppState, Channel, Delivery, EventKind, RectificationState, Result, Satisfaction


class NumberSequence(models.Model):
    """A named counter (application numbers per community and day, ticket numbers per group
    and day): incremented with a row lock inside the caller's transaction."""

    key = models.CharField(_("键"), max_length=60, unique=True)
    value = models.PositiveIntegerField(_("当前值"), default=0)

    class Meta:
        verbose_name = _("编号序列")
        verbose_name_plural = _("编号序列")

    def __str__(self):
        return self.key


class ApplicationQuerySet(ScopedQuerySet):
    """Scoped by the handling community's code; a grant bound to a department (部门审批人员)
    shows that department's applications only (the department rule of `core.access`)."""

    department_field = "department"


class Application(ScopedModel):
    number = models.CharField(_("办件编号"), max_length=32, unique=True)
    item = models.ForeignKey("services.ServiceItem", verbose_name=_("事项"), on_delete=models.PROTECT,
                             related_name="applications")
    version = models.ForeignKey("services.ServiceItemVersion", verbose_name=_("事项版本"), on_delete=models.PROTECT,
                                related_name="applications")
    department = models.ForeignKey("accounts.Department", verbose_name=_("主管部门"), on_delete=models.PROTECT,
                                   related_name="+")
    community = models.ForeignKey("divisions.Division", verbose_name=_("受理社区"), on_delete=models.PROTECT,
                                  related_name="+")
    person = models.ForeignKey("registry.Person", verbose_name=_("申请人"), on_delete=models.PROTECT,
                               related_name="service_applications")
    applicant_name = models.CharField(_("申请人姓名"), max_length=50)
    channel = models.CharField(_("申请渠道"), max_length=10, choices=Channel.choices)
    state = models.CharField(_("状态"), max_length=12, choices=AppState.choices, default=AppState.SUBMITTED)
    answers = models.JSONField(_("表单内容"), default=dict, blank=True)
    materials_received = models.JSONField(_("已收材料"), default=list, blank=True)
    missing_materials = models.JSONField(_("补正材料"), default=list, blank=True)
    submitted_at = models.DateTimeField(_("申请时间"), db_index=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    due_at = models.DateTimeField(_("承诺办结时间"), null=True, blank=True)
    warn_at = models.DateTimeField(_("预警时间"), null=True, blank=True)
    statutory_due_at = models.DateTimeField(_("法定办结时间"), null=True, blank=True)
    paused_at = models.DateTimeField(_("补正暂停于"), null=True, blank=True)
    remaining_minutes = models.PositiveIntegerField(_("暂停时剩余(工作分钟)"), null=True, blank=True)
    overdue = models.BooleanField(_("已超期"), default=False)
    warned = models.BooleanField(_("已预警"), default=False)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    on_time = models.BooleanField(_("按期办结"), null=True)
    working_minutes = models.PositiveIntegerField(_("办理用时(工作分钟)"), null=True, blank=True)
    result = models.CharField(_("办理结果"), max_length=10, choices=Result.choices, blank=True)
    result_note = models.TextField(_("结果说明"), max_length=limits.NOTE, blank=True)
    result_document = MediaFileField(_("结果文书"), prefix="services/results", blank=True)
    reject_reason = models.CharField(_("不予受理理由"), max_length=300, blank=True)
    delivery = models.CharField(_("送达方式"), max_length=8, choices=Delivery.choices, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    delivery_note = models.CharField(_("送达说明"), max_length=200, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    proxy_member = models.ForeignKey("party.PartyMember", verbose_name=_("代办党员"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    device_ref = models.CharField(_("终端"), max_length=60, blank=True)
    ticket = models.ForeignKey("services.Ticket", verbose_name=_("排队号"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="applications")

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        ordering = ["-submitted_at", "-id"]
        permissions = [
            ("accept_application", "可以受理、补正、办结社区办件"),
            ("review_application", "可以审核部门转办的办件"),
            ("view_servicestats", "可以查看服务统计"),
        ]
        indexes = [
            models.Index(fields=["division_code", "-submitted_at"], name="svc_app_div_time"),
            models.Index(fields=["state", "division_code"], name="svc_app_state_div"),
            models.Index(fields=["department", "state"], name="svc_app_dept_state"),
            models.Index(fields=["item", "submitted_at"], name="svc_app_item_time"),
            # the list's search is a prefix of the number or of the applicant's name (OR): without
            # a prefix index on the name, PostgreSQL scanned all 500,000 rows (89 ms) to count
            models.Index(fields=["applicant_name"], name="svc_app_name_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("services:app_detail", args=[self.number])

    @property
    def is_open(self):
        from ..choices import OPEN_STATES

        return self.state in OPEN_STATES


class Attachment(models.Model):
    """A material or file field of an application: an uploaded or scanned image."""

    application = models.ForeignKey(Application, verbose_name=_("办件"), on_delete=models.CASCADE,
                                    related_name="attachments")
    key = models.CharField(_("材料/字段"), max_length=40)
    label = models.CharField(_("名称"), max_length=100)
    file = MediaFileField(_("文件"), prefix="services/attachments", owner="application")
    uploaded_at = models.DateTimeField(_("上传时间"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("办件材料")
        verbose_name_plural = _("办件材料")
        ordering = ["application", "id"]

    def __str__(self):
        return self.label


class ApplicationEvent(models.Model):
    """One step of an application's history (typed, append-only), as for cases."""

    application = models.ForeignKey(Application, verbose_name=_("办件"), on_delete=models.CASCADE,
                                    related_name="events")
    kind = models.CharField(_("类型"), max_length=12, choices=EventKind.choices)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("操作人姓名"), max_length=50, blank=True)
    from_state = models.CharField(_("原状态"), max_length=12, choices=AppState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=12, choices=AppState.choices, blank=True)
    note = models.TextField(_("说明"), max_length=limits.NOTE, blank=True)
    department = models.ForeignKey("accounts.Department", verbose_name=_("部门"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    division_code = models.CharField(_("区划代码"), max_length=15)
    data = models.JSONField(_("附加数据"), default=dict, blank=True)

    class Meta:
        verbose_name = _("办件流转记录")
        verbose_name_plural = _("办件流转记录")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.application_id} {self.get_kind_display()}"


class Rating(ScopedModel):
    """好差评: one rating per application, five levels and the three offline dimensions."""

    application = models.OneToOneField(Application, verbose_name=_("办件"), on_delete=models.CASCADE,
                                       related_name="rating")
    level = models.PositiveSmallIntegerField(_("总体评价"), choices=Satisfaction.choices)
    efficiency = models.PositiveSmallIntegerField(_("服务效率"), choices=Satisfaction.choices)
    quality = models.PositiveSmallIntegerField(_("服务水平"), choices=Satisfaction.choices)
    attitude = models.PositiveSmallIntegerField(_("服务态度"), choices=Satisfaction.choices)
    comment = models.CharField(_("评价内容"), max_length=300, blank=True)
    channel = models.CharField(_("评价渠道"), max_length=10, choices=Channel.choices)
    rated_at = models.DateTimeField(_("评价时间"))

    class Meta:
        verbose_name = _("好差评")
        verbose_name_plural = _("好差评")
        ordering = ["-rated_at"]

    def __str__(self):
        return f"{self.application} · {self.get_level_display()}"


class Rectification(ScopedModel):
    """A bad rating (不满意/非常不满意) must be answered within 15 working days and called back."""

    rating = models.OneToOneField(Rating, verbose_name=_("差评"), on_delete=models.CASCADE,
                                  related_name="rectification")
    state = models.CharField(_("状态"), max_length=10, choices=RectificationState.choices,
                             default=RectificationState.OPEN)
    opened_at = models.DateTimeField(_("生成时间"))
    due_at = models.DateTimeField(_("整改时限"))
    response = models.TextField(_("整改情况"), max_length=limits.NOTE, blank=True)
    answered_at = models.DateTimeField(_("整改时间"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("整改人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    callback_note = models.TextField(_("回访记录"), max_length=limits.NOTE, blank=True)
    callback_satisfied = models.BooleanField(_("回访满意"), null=True)
    callback_at = models.DateTimeField(_("回访时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("差评整改")
        verbose_name_plural = _("差评整改")
        ordering = ["due_at"]

    def __str__(self):
        return f"{self.rating.application} 整改"

    @property
    def application(self):
        return self.rating.application
