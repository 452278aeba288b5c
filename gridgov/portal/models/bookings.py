"""Facility booking (场地预约) and public-interest sessions (公益服务).

Never a double booking: on PostgreSQL an exclusion constraint (GiST, btree_gist) refuses two
live bookings of one facility with overlapping time ranges (migration 0002, PostgreSQL only);
on SQLite (IMMEDIATE transactions: one writer at a time) the action's locked check is the
guarantee. The action also locks the facility's rule row on PostgreSQL so per-week limits are
counted by one booker at a time."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import ScopedModel

from ..choices import BookingState, SessionKind


class BookingRule(ScopedModel):
    """How a facility may be booked, as data. `division_code` is the facility's."""

    facility = models.OneToOneField("community.Facility", verbose_name=_("设施"), on_delete=models.CASCADE,
                                    related_name="booking_rule")
    slot_minutes = models.PositiveSmallIntegerField(_("时段长度(分钟)"), default=60)
    max_slots_per_booking = models.PositiveSmallIntegerField(_("单次最多时段数"), default=3)
    max_per_week = models.PositiveSmallIntegerField(_("每人每周最多预约次数"), default=2)
    advance_days = models.PositiveSmallIntegerField(_("可提前预约天数"), default=14)
    needs_approval = models.BooleanField(_("需审批"), default=False)
    cancel_hours_before = models.PositiveSmallIntegerField(_("最晚提前几小时取消"), default=2)
    verified_only = models.BooleanField(_("仅限实名认证居民"), default=True)
    note = models.CharField(_("使用须知"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("场地预约规则")
        verbose_name_plural = _("场地预约规则")
        constraints = [
            models.CheckConstraint(condition=models.Q(slot_minutes__gte=15), name="portal_rule_slot_min",
                                   violation_error_message="时段长度至少 15 分钟"),
        ]

    def __str__(self):
        return f"{self.facility_id} 预约规则"


class Booking(ScopedModel):
    facility = models.ForeignKey("community.Facility", verbose_name=_("设施"), on_delete=models.PROTECT,
                                 related_name="+")
    resident = models.ForeignKey("portal.ResidentProfile", verbose_name=_("预约人"), on_delete=models.PROTECT,
                                 related_name="bookings")
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    attendees = models.PositiveIntegerField(_("使用人数"), default=1)
    purpose = models.CharField(_("用途"), max_length=100)
    state = models.CharField(_("状态"), max_length=10, choices=BookingState.choices, default=BookingState.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("预约时间"), auto_now_add=True)
    rating = models.PositiveSmallIntegerField(_("评价"), null=True, blank=True)
    rating_comment = models.CharField(_("评价内容"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("场地预约")
        verbose_name_plural = _("场地预约")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["facility", "starts_at"], name="portal_booking_slot"),
                   models.Index(fields=["resident", "starts_at"], name="portal_booking_resident")]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="portal_booking_ends_after", violation_error_message="结束时间必须晚于开始时间"),
        ]

    def __str__(self):
        return f"{self.facility_id} {self.starts_at:%Y-%m-%d %H:%M}"


class Session(ScopedModel):
    """A public-interest service (公益服务) of a community: free health checks, haircuts for the
    elderly, legal advice …, offered in slots residents sign up for."""

    community = models.ForeignKey("divisions.Division", verbose_name=_("社区"), on_delete=models.PROTECT,
                                  related_name="+")
    kind = models.CharField(_("类别"), max_length=10, choices=SessionKind.choices, default=SessionKind.OTHER)
    title = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), max_length=2000, blank=True)
    place = models.CharField(_("地点"), max_length=120)
    provider = models.CharField(_("服务方"), max_length=100, blank=True)
    is_published = models.BooleanField(_("已发布"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)  # the community home's version (homecache)

    class Meta:
        verbose_name = _("公益服务")
        verbose_name_plural = _("公益服务")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class SessionSlot(ScopedModel):
    session = models.ForeignKey(Session, verbose_name=_("公益服务"), on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveIntegerField(_("名额"))
    taken = models.PositiveIntegerField(_("已报名"), default=0)

    class Meta:
        verbose_name = _("公益服务时段")
        verbose_name_plural = _("公益服务时段")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(taken__lte=models.F("capacity")), name="portal_slot_not_over",
                                   violation_error_message="名额已满"),
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="portal_slot_ends_after", violation_error_message="结束时间必须晚于开始时间"),
        ]

    def __str__(self):
        return f"{self.session_id} {self.starts_at:%m-%d %H:%M}"


class SessionSignup(ScopedModel):
    slot = models.ForeignKey(SessionSlot, verbose_name=_("时段"), on_delete=models.CASCADE, related_name="signups")
    resident = models.ForeignKey("portal.ResidentProfile", verbose_name=_("报名人"), on_delete=models.PROTECT,
                                 related_name="signups")
    for_person = models.ForeignKey("registry.Person", verbose_name=_("服务对象"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True)
    rating = models.PositiveSmallIntegerField(_("评价"), null=True, blank=True)
    rating_comment = models.CharField(_("评价内容"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("公益服务报名")
        verbose_name_plural = _("公益服务报名")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["slot", "resident"], condition=models.Q(cancelled_at__isnull=True),
                                    name="portal_signup_once"),
        ]
