"""Service records (履职记录), volunteer events (党员志愿服务先锋行), scores and scoring rules."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core import limits
from gridgov.core.media import MediaFileField
from gridgov.core.models import ScopedModel

from ..choices import ActivityStatus, EventStatus, ItemSource, PeriodKind, ScoreStatus, SignupStatus


class ServiceActivity(ScopedModel):
    """One piece of service a member did in their grid. It counts towards the score only once
    verified by the branch (or when it comes from a verified platform record: a case the member
    reported, a volunteer event attendance). `points` is fixed when the record is made, so later
    edits of the item's points do not rewrite history. `source_ref` makes automatic records
    idempotent."""

    member = models.ForeignKey("party.PartyMember", verbose_name=_("党员"), on_delete=models.CASCADE,
                               related_name="activities")
    branch = models.ForeignKey("party.PartyOrganization", verbose_name=_("支部"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="activities")
    post = models.ForeignKey("party.RolePost", verbose_name=_("岗位"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey("party.ServiceItem", verbose_name=_("服务事项"), on_delete=models.PROTECT,
                             related_name="activities")
    source = models.CharField(_("来源"), max_length=10, choices=ItemSource.choices, default=ItemSource.MANUAL)
    source_ref = models.CharField(_("来源记录"), max_length=60, blank=True)
    occurred_at = models.DateTimeField(_("服务时间"), db_index=True)
    duration_minutes = models.PositiveIntegerField(_("时长(分钟)"), default=0)
    place = models.CharField(_("地点"), max_length=120, blank=True)
    note = models.TextField(_("服务内容"), max_length=limits.NOTE, blank=True)
    quantity = models.DecimalField(_("数量"), max_digits=6, decimal_places=1, default=1)
    points = models.DecimalField(_("积分"), max_digits=7, decimal_places=1, default=0)
    status = models.CharField(_("状态"), max_length=10, choices=ActivityStatus.choices,
                              default=ActivityStatus.PENDING, db_index=True)
    check_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    check_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("核实人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    reject_reason = models.CharField(_("驳回原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("服务记录")
        verbose_name_plural = _("服务记录")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            # covers the scoring aggregate (index-only scan on PostgreSQL)
            models.Index(fields=["status", "occurred_at", "member", "points"], name="party_act_score_cover"),
            models.Index(fields=["member", "occurred_at"], name="party_act_member_time"),
            # a member's verified records counted from the index alone (the work unit page)
            models.Index(fields=["member", "status"], name="party_act_member_status"),
            # the branch page: its queue and its latest records, newest first, without a sort
            models.Index(fields=["branch", "occurred_at"], name="party_act_branch_time"),
        ]
        permissions = [("verify_serviceactivity", "可以核实党员服务记录")]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_ref"], condition=~models.Q(source_ref=""), name="party_act_unique_source",
                violation_error_message="该来源记录已计入",
            ),
            models.CheckConstraint(
                condition=models.Q(check_out_at__isnull=True) | models.Q(check_in_at__isnull=False)
                & models.Q(check_out_at__gte=models.F("check_in_at")),
                name="party_act_checkout_after_checkin", violation_error_message="签退时间不能早于签到时间",
            ),
        ]

    def __str__(self):
        return f"{self.member_id} {self.item_id} {self.occurred_at:%Y-%m-%d}"


class ActivityPhoto(models.Model):
    """A photo attached to a service record (现场照片)."""

    activity = models.ForeignKey(ServiceActivity, verbose_name=_("服务记录"), on_delete=models.CASCADE,
                                 related_name="photos")
    image = MediaFileField(_("照片"), prefix="party/activities", owner="activity")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("服务照片")
        verbose_name_plural = _("服务照片")

    def __str__(self):
        return self.image.name


class VolunteerEvent(ScopedModel):
    """A volunteer service event an organisation publishes (党员志愿服务先锋行), with a time
    window and a capacity; attendance becomes verified service records of `item`."""

    organization = models.ForeignKey("party.PartyOrganization", verbose_name=_("发布组织"),
                                      on_delete=models.PROTECT, related_name="events")
    title = models.CharField(_("活动名称"), max_length=100)
    description = models.TextField(_("活动内容"), max_length=limits.TEXT, blank=True)
    place = models.CharField(_("地点"), max_length=120)
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveIntegerField(_("名额"))
    item = models.ForeignKey("party.ServiceItem", verbose_name=_("计入服务事项"), on_delete=models.PROTECT,
                             related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=EventStatus.choices, default=EventStatus.PUBLISHED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("志愿活动")
        verbose_name_plural = _("志愿活动")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="party_event_ends_after",
                                   violation_error_message="结束时间必须晚于开始时间"),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="party_event_capacity_positive",
                                   violation_error_message="名额至少为 1"),
        ]

    def __str__(self):
        return self.title


class EventSignup(ScopedModel):
    """A member's place in a volunteer event. No two active signups of a member overlap in
    time (checked under a row lock in `actions.sign_up`)."""

    event = models.ForeignKey(VolunteerEvent, verbose_name=_("活动"), on_delete=models.CASCADE,
                              related_name="signups")
    member = models.ForeignKey("party.PartyMember", verbose_name=_("党员"), on_delete=models.CASCADE,
                               related_name="signups")
    status = models.CharField(_("状态"), max_length=10, choices=SignupStatus.choices,
                              default=SignupStatus.SIGNED_UP, db_index=True)
    signed_up_at = models.DateTimeField(_("报名时间"))
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    activity = models.OneToOneField(ServiceActivity, verbose_name=_("服务记录"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="signup")

    class Meta:
        verbose_name = _("活动报名")
        verbose_name_plural = _("活动报名")
        ordering = ["signed_up_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "member"], condition=~models.Q(status="cancelled"), name="party_signup_once",
                violation_error_message="已报名该活动",
            ),
        ]

    def __str__(self):
        return f"{self.member_id} @ {self.event_id}"


class ScoringRule(models.Model):
    """How scoring treats one period kind — the rules are data, edited by party staff."""

    period_kind = models.CharField(_("考核周期"), max_length=8, choices=PeriodKind.choices, unique=True)
    enabled = models.BooleanField(_("启用"), default=True)
    behind_ratio = models.DecimalField(
        _("滞后判定比例"), max_digits=4, decimal_places=2, default=0.8,
        help_text=_("积分低于“应完成进度 × 该比例”即判定为履职滞后"),
    )
    grace_days = models.PositiveSmallIntegerField(_("周期初宽限天数"), default=7,
                                                  help_text=_("周期开始后多少天内不预警"))
    notify_member = models.BooleanField(_("提醒党员本人"), default=True)
    notify_secretary = models.BooleanField(_("提醒支部书记"), default=True)

    class Meta:
        verbose_name = _("积分规则")
        verbose_name_plural = _("积分规则")
        ordering = ["id"]

    def __str__(self):
        return self.get_period_kind_display()


class MemberScore(ScopedModel):
    """A member's points in one period against the post's target, pace-aware: `expected` is the
    target times the elapsed share of the period. Rewritten idempotently by every scoring run."""

    # few indexes on purpose: every scoring run upserts all rows (the unique constraint leads with member)
    member = models.ForeignKey("party.PartyMember", verbose_name=_("党员"), on_delete=models.CASCADE,
                               related_name="scores", db_index=False)
    branch = models.ForeignKey("party.PartyOrganization", verbose_name=_("支部"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+", db_index=False)
    post = models.ForeignKey("party.RolePost", verbose_name=_("岗位"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+", db_index=False)
    period_kind = models.CharField(_("周期"), max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField(_("周期开始"))
    period_end = models.DateField(_("周期结束"))
    points = models.DecimalField(_("积分"), max_digits=12, decimal_places=1, default=0)
    target = models.DecimalField(_("目标"), max_digits=12, decimal_places=1, default=0)
    expected = models.DecimalField(_("应完成进度"), max_digits=12, decimal_places=1, default=0)
    status = models.CharField(_("状态"), max_length=10, choices=ScoreStatus.choices)
    computed_at = models.DateTimeField(_("计算时间"), help_text=_("积分或状态最近一次变化的计算时间"))

    class Meta:
        verbose_name = _("党员积分")
        verbose_name_plural = _("党员积分")
        ordering = ["-period_start", "-points"]
        constraints = [
            models.UniqueConstraint(fields=["member", "period_kind", "period_start"], name="party_score_unique",
                                    violation_error_message="该周期积分已存在"),
        ]
        indexes = [
            models.Index(fields=["period_kind", "period_start", "division_code"], name="party_score_period"),
            models.Index(fields=["branch", "period_kind", "period_start", "status"], name="party_score_branch"),
        ]
        permissions = [("run_memberscore", "可以运行积分计算")]

    def __str__(self):
        return f"{self.member_id} {self.period_kind} {self.period_start}"

    @property
    def percent(self):
        return int(self.points * 100 / self.target) if self.target else 0


class ActivitySum(models.Model):
    """Verified service records summed per grid (`division_code`) and local calendar month
    (`month`, its first day): what the organisation tree counts, read instead of the records
    themselves (1.5 million in the district demo). Derived data: `party.sums` recomputes a cell
    from the records whenever a record of it is verified, and `rebuild()` recreates every cell;
    tests prove the cells equal a recount (ADR 0023)."""

    division_code = models.CharField(_("区划代码"), max_length=15, editable=False)
    month = models.DateField(_("月份"))
    activities = models.PositiveIntegerField(_("已核实服务次数"), default=0)
    points = models.DecimalField(_("积分"), max_digits=14, decimal_places=1, default=0)

    class Meta:
        verbose_name = _("服务记录月汇总")
        verbose_name_plural = _("服务记录月汇总")
        constraints = [models.UniqueConstraint(fields=["division_code", "month"], name="party_actsum_cell")]
        indexes = [models.Index(fields=["month", "division_code"], name="party_actsum_month")]

    def __str__(self):
        return f"{self.division_code} {self.month:%Y-%m}"
