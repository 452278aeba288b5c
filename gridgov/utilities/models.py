"""Utility bills (水电气缴费): utilities, accounts linked to a house or household, bills, payments
with their events and refunds, the providers' own records and the reconciliation runs.

Money is integer fen everywhere (`*_fen`, BigIntegerField); never a float. Bills, payments,
events and refunds carry the division code of the account's grid (`ScopedModel`); a redraw
moves accounts with their house (RedrawRule in contributions.py) while bills and payments keep
the grid they were issued and paid in (history).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import ScopedModel

from .choices import (
    BillStatus,
    Channel,
    EventKind,
    MismatchKind,
    PaymentStatus,
    RefundStatus,
    UtilityKind,
)


def yuan(fen):
    """12345 → "123.45" (display only; arithmetic stays in fen)."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}{fen // 100}.{fen % 100:02d}"


class Utility(models.Model):
    """A water, electricity or gas company (公用事业单位) delivering bill files."""

    code = models.SlugField(_("单位编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=12, choices=UtilityKind.choices)
    phone = models.CharField(_("客服电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("公用事业单位")
        verbose_name_plural = _("公用事业单位")
        ordering = ["kind", "code"]

    def __str__(self):
        return self.name


class UtilityAccount(ScopedModel):
    """A customer account (户号) of a utility, linked to a registry house and/or household;
    `division_code` is the grid of that house."""

    utility = models.ForeignKey(Utility, verbose_name=_("公用事业单位"), on_delete=models.PROTECT,
                                related_name="accounts", db_index=False)
    account_no = models.CharField(_("户号"), max_length=30, db_index=True)
    grid = models.ForeignKey("divisions.Division", verbose_name=_("网格"), on_delete=models.PROTECT,
                             related_name="+", db_index=False)
    house = models.ForeignKey("registry.House", verbose_name=_("房屋"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="utility_accounts")
    household = models.ForeignKey("registry.Household", verbose_name=_("户"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="utility_accounts")
    holder_name = models.CharField(_("户名"), max_length=50, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("缴费户号")
        verbose_name_plural = _("缴费户号")
        ordering = ["utility", "account_no"]
        constraints = [models.UniqueConstraint(fields=["utility", "account_no"], name="utility_account_unique",
                                               violation_error_message="同一单位户号重复")]

    def __str__(self):
        return f"{self.utility} {self.account_no}"

    def get_absolute_url(self):
        return reverse("utilities:account_detail", args=[self.pk])

    @property
    def holder_masked(self):
        name = self.holder_name
        return name[:1] + "*" * (len(name) - 1) if name else ""


class Bill(ScopedModel):
    """One period's bill of an account. Unique per (account, period): a re-imported file updates
    nothing it already has. `payment` is the payment settling (pending) or having settled it."""

    account = models.ForeignKey(UtilityAccount, verbose_name=_("户号"), on_delete=models.PROTECT,
                                related_name="bills", db_index=False)
    utility = models.ForeignKey(Utility, verbose_name=_("公用事业单位"), on_delete=models.PROTECT,
                                related_name="+", db_index=False)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    period = models.CharField(_("账期"), max_length=7, help_text=_("YYYY-MM"))
    amount_fen = models.BigIntegerField(_("金额(分)"))
    due_date = models.DateField(_("缴费截止日"))
    status = models.CharField(_("状态"), max_length=10, choices=BillStatus.choices, default=BillStatus.UNPAID)
    payment = models.ForeignKey("utilities.Payment", verbose_name=_("支付"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="bills")
    paid_at = models.DateTimeField(_("缴费时间"), null=True, blank=True)
    imported_at = models.DateTimeField(_("导入时间"))

    class Meta:
        verbose_name = _("账单")
        verbose_name_plural = _("账单")
        ordering = ["-period", "id"]
        constraints = [models.UniqueConstraint(fields=["account", "period"], name="bill_unique_account_period",
                                               violation_error_message="同一户号同一账期的账单已存在")]
        indexes = [models.Index(fields=["division_code", "status"], name="bill_div_status"),
                   models.Index(fields=["utility", "period"], name="bill_utility_period"),
                   # the bill list, newest period first: walked in order and stopped at the page
                   # (without it every visible bill was joined and sorted: 1.2 s for the district)
                   models.Index(fields=["-period", "id"], name="bill_period_id")]
        permissions = [("import_bill", "可以导入账单")]

    def __str__(self):
        return f"{self.account.account_no} {self.period}"

    def get_absolute_url(self):
        return reverse("utilities:bill_detail", args=[self.pk])

    @property
    def amount_yuan(self):
        return yuan(self.amount_fen)


class Payment(ScopedModel):
    """One payment of one or more bills through a provider. `idempotency_key` is unique: a
    double tap or a retried request with the same key finds this row instead of a second."""

    idempotency_key = models.CharField(_("幂等键"), max_length=64, unique=True)
    provider = models.CharField(_("支付渠道"), max_length=20)
    provider_txn_id = models.CharField(_("渠道交易号"), max_length=64, blank=True)
    amount_fen = models.BigIntegerField(_("金额(分)"))
    status = models.CharField(_("状态"), max_length=10, choices=PaymentStatus.choices,
                              default=PaymentStatus.PENDING)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    payer_name = models.CharField(_("缴费人"), max_length=50, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), db_index=True)
    confirmed_at = models.DateTimeField(_("支付时间"), null=True, blank=True)
    paid_on = models.DateField(_("支付日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("支付")
        verbose_name_plural = _("支付")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["provider", "provider_txn_id"], condition=~Q(provider_txn_id=""),
                                               name="payment_unique_txn")]
        indexes = [models.Index(fields=["paid_on", "provider"], name="payment_paid_on")]
        permissions = [("take_cash", "可以窗口收取现金"), ("refund_payment", "可以办理退款"),
                       ("reconcile_payment", "可以对账")]

    def __str__(self):
        return f"支付 {self.pk} {yuan(self.amount_fen)} 元"

    def get_absolute_url(self):
        return reverse("utilities:payment_detail", args=[self.pk])

    @property
    def amount_yuan(self):
        return yuan(self.amount_fen)


class PaymentEvent(ScopedModel):
    """What happened to a payment (or to a callback no payment could be found for): created,
    confirmed, repeated, callback rejected … — the payment's audit trail."""

    payment = models.ForeignKey(Payment, verbose_name=_("支付"), null=True, blank=True, on_delete=models.CASCADE,
                                related_name="events")
    provider = models.CharField(_("支付渠道"), max_length=20, blank=True)
    kind = models.CharField(_("事件"), max_length=20, choices=EventKind.choices)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("支付事件")
        verbose_name_plural = _("支付事件")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class CallbackNonce(models.Model):
    """Nonces of accepted signed callbacks: a replayed callback reuses one and is rejected."""

    provider = models.CharField(_("支付渠道"), max_length=20)
    nonce = models.CharField(_("随机串"), max_length=64)
    received_at = models.DateTimeField(_("接收时间"))

    class Meta:
        verbose_name = _("回调随机串")
        verbose_name_plural = _("回调随机串")
        constraints = [models.UniqueConstraint(fields=["provider", "nonce"], name="callback_nonce_unique")]

    def __str__(self):
        return f"{self.provider} {self.nonce}"


class Refund(ScopedModel):
    """A refund of a whole payment; its bills become unpaid again."""

    payment = models.ForeignKey(Payment, verbose_name=_("支付"), on_delete=models.PROTECT, related_name="refunds")
    amount_fen = models.BigIntegerField(_("金额(分)"))
    reason = models.CharField(_("退款原因"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=RefundStatus.choices)
    provider_refund_id = models.CharField(_("渠道退款号"), max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("退款")
        verbose_name_plural = _("退款")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"退款 {yuan(self.amount_fen)} 元"


class ProviderRecord(models.Model):
    """The provider's side of a payment (its statement line; for cash, the till's receipt):
    what reconciliation compares with our payments."""

    provider = models.CharField(_("支付渠道"), max_length=20)
    txn_id = models.CharField(_("渠道交易号"), max_length=64)
    amount_fen = models.BigIntegerField(_("金额(分)"))
    paid_on = models.DateField(_("支付日期"))
    refunded = models.BooleanField(_("已退款"), default=False)

    class Meta:
        verbose_name = _("渠道流水")
        verbose_name_plural = _("渠道流水")
        constraints = [models.UniqueConstraint(fields=["provider", "txn_id"], name="provider_record_unique")]
        indexes = [models.Index(fields=["paid_on", "provider"], name="provider_record_day")]

    def __str__(self):
        return f"{self.provider} {self.txn_id}"


class ReconciliationRun(models.Model):
    """One day's reconciliation: per-utility files of paid bills and the mismatches between the
    providers' records and our payments and bills."""

    date = models.DateField(_("对账日期"), db_index=True)
    created_at = models.DateTimeField(_("生成时间"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("生成人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    counts = models.JSONField(_("统计"), default=dict, blank=True)
    files = models.JSONField(_("对账文件"), default=dict, blank=True)  # utility code → file name
    seconds = models.FloatField(_("耗时(秒)"), default=0)

    class Meta:
        verbose_name = _("对账报告")
        verbose_name_plural = _("对账报告")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.date} 对账"

    def get_absolute_url(self):
        return reverse("utilities:recon_detail", args=[self.pk])


class Mismatch(models.Model):
    run = models.ForeignKey(ReconciliationRun, verbose_name=_("对账报告"), on_delete=models.CASCADE,
                            related_name="mismatches")
    kind = models.CharField(_("类型"), max_length=20, choices=MismatchKind.choices)
    provider = models.CharField(_("支付渠道"), max_length=20)
    txn_id = models.CharField(_("渠道交易号"), max_length=64, blank=True)
    payment = models.ForeignKey(Payment, verbose_name=_("支付"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    local_fen = models.BigIntegerField(_("本地金额(分)"), null=True, blank=True)
    provider_fen = models.BigIntegerField(_("渠道金额(分)"), null=True, blank=True)

    class Meta:
        verbose_name = _("对账差异")
        verbose_name_plural = _("对账差异")
        ordering = ["kind", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.txn_id}"
