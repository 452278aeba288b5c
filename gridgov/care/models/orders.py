"""Orders to providers (上门维修, 居家养老, 便民配送), their lines, and the monthly settlement."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gridgov.core.media import MediaFileField
from gridgov.core.models import ScopedModel

from ..choices import GOODS_LABELS, OrderKind, OrderStatus
from ..scoping import OrderScoped, ProviderScoped, manager

RATING = [MinValueValidator(1), MaxValueValidator(5)]


class Order(ScopedModel):
    """One order to one provider. `division_code` is the grid of the person served (or the
    provider's community when no person is recorded), so community staff see their residents'
    orders; provider accounts see only their provider's (`scoping`).

    States: submitted → accepted → in progress → done, or cancelled before done. A care order
    may use government-subsidised minutes (`subsidy_rule`, `subsidy_minutes`, `subsidy_fen`);
    the resident pays `total_fen - subsidy_fen`."""

    number = models.CharField(_("订单号"), max_length=20, unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=OrderKind.choices)
    provider = models.ForeignKey("care.Provider", verbose_name=_("服务商"), on_delete=models.PROTECT,
                                 related_name="orders")
    person = models.ForeignKey("registry.Person", verbose_name=_("服务对象"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="care_orders")
    ordered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("下单人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="care_orders")
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("服务地址"), max_length=200)
    description = models.CharField(_("需求说明"), max_length=500, blank=True)
    window_start = models.DateTimeField(_("预约开始"), null=True, blank=True)
    window_end = models.DateTimeField(_("预约结束"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.SUBMITTED,
                              db_index=True)
    total_fen = models.PositiveIntegerField(_("金额(分)"), default=0)
    subsidy_rule = models.ForeignKey("care.SubsidyRule", verbose_name=_("补贴规则"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="orders")
    subsidy_minutes = models.PositiveIntegerField(_("补贴时长(分钟)"), default=0)
    subsidy_fen = models.PositiveIntegerField(_("补贴金额(分)"), default=0)
    public_part = models.BooleanField(_("公共部位"), default=False,
                                      help_text=_("楼道、屋面、电梯等公共部位的维修，同时转为事件办理"))
    case = models.ForeignKey("cases.Case", verbose_name=_("转办事件"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    worker_name = models.CharField(_("服务人员"), max_length=50, blank=True)
    checkin_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    checkin_lng = models.FloatField(_("签到经度"), null=True, blank=True)
    checkin_lat = models.FloatField(_("签到纬度"), null=True, blank=True)
    checkout_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    checkout_lng = models.FloatField(_("签退经度"), null=True, blank=True)
    checkout_lat = models.FloatField(_("签退纬度"), null=True, blank=True)
    completion_photo = MediaFileField(_("完工照片"), prefix="care/orders", blank=True)
    completion_note = models.CharField(_("完成说明"), max_length=300, blank=True)
    rating = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True, validators=RATING)
    rating_comment = models.CharField(_("评价"), max_length=300, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    revisit_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    revisit_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("回访人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    revisit_satisfaction = models.PositiveSmallIntegerField(_("回访满意度"), null=True, blank=True,
                                                            validators=RATING)
    revisit_note = models.CharField(_("回访记录"), max_length=300, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), db_index=True)
    accepted_at = models.DateTimeField(_("接单时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)

    objects = manager(OrderScoped)

    class Meta:
        verbose_name = _("服务订单")
        verbose_name_plural = _("服务订单")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["provider", "status", "submitted_at"], name="care_order_provider"),
            models.Index(fields=["division_code", "kind", "submitted_at"], name="care_order_div"),
            models.Index(fields=["person", "subsidy_rule", "submitted_at"], name="care_order_subsidy"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(subsidy_fen__lte=models.F("total_fen")),
                                   name="care_order_subsidy_le_total", violation_error_message="补贴金额不能超过订单金额"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    def get_absolute_url(self):
        return reverse("care:order_detail", args=[self.pk])

    @property
    def resident_fen(self):
        return self.total_fen - self.subsidy_fen

    def status_label(self):
        if self.kind == OrderKind.GOODS and self.status in GOODS_LABELS:
            return GOODS_LABELS[self.status]
        return self.get_status_display()


class OrderLine(models.Model):
    order = models.ForeignKey(Order, verbose_name=_("订单"), on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey("care.ServiceItem", verbose_name=_("项目"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(_("名称"), max_length=60)
    unit_price_fen = models.PositiveIntegerField(_("单价(分)"))
    quantity = models.PositiveSmallIntegerField(_("数量"), validators=[MinValueValidator(1), MaxValueValidator(99)])
    minutes = models.PositiveIntegerField(_("服务时长(分钟)"), default=0)
    amount_fen = models.PositiveIntegerField(_("金额(分)"))

    class Meta:
        verbose_name = _("订单明细")
        verbose_name_plural = _("订单明细")
        ordering = ["order", "id"]

    def __str__(self):
        return f"{self.name} × {self.quantity}"


class Settlement(ScopedModel):
    """A provider's month: the completed orders, what they came to, what the subsidy pays and
    what residents paid. Recomputed by the monthly job (idempotent); `division_code` is the
    provider's community."""

    provider = models.ForeignKey("care.Provider", verbose_name=_("服务商"), on_delete=models.CASCADE,
                                 related_name="settlements")
    month = models.DateField(_("结算月份"), help_text=_("当月 1 日"))
    order_count = models.PositiveIntegerField(_("完成订单数"), default=0)
    total_fen = models.PositiveBigIntegerField(_("订单金额(分)"), default=0)
    subsidy_fen = models.PositiveBigIntegerField(_("补贴金额(分)"), default=0)
    resident_fen = models.PositiveBigIntegerField(_("居民自付(分)"), default=0)
    subsidy_minutes = models.PositiveBigIntegerField(_("补贴时长(分钟)"), default=0)
    average_rating = models.FloatField(_("平均评分"), null=True, blank=True)
    computed_at = models.DateTimeField(_("计算时间"))

    objects = manager(ProviderScoped)

    class Meta:
        verbose_name = _("月度结算")
        verbose_name_plural = _("月度结算")
        ordering = ["-month", "division_code", "provider"]
        constraints = [models.UniqueConstraint(fields=["provider", "month"], name="care_settlement_unique",
                                               violation_error_message="该服务商本月已结算")]

    def __str__(self):
        return f"{self.provider} {self.month:%Y-%m}"
