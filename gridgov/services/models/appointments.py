"""Appointments (预约办事) per service group: a slot is a time window of a group's day with a
capacity; `booked` counts the live appointments and is only ever changed by a conditional
UPDATE (`booked < capacity`), so concurrent bookings cannot overfill a slot (a CHECK constraint
backs it). An appointment is checked in on the day (reception or kiosk, by its 6-digit code)
and becomes a priority ticket of its group."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import ScopedModel

from ..choices import AppointmentState


class AppointmentSlot(ScopedModel):
    """A bookable window of a group's day. `division_code`: the community."""

    group = models.ForeignKey("services.ServiceGroup", verbose_name=_("服务分组"), on_delete=models.PROTECT,
                              related_name="slots")
    day = models.DateField(_("日期"))
    start = models.TimeField(_("开始时间"))
    end = models.TimeField(_("结束时间"))
    capacity = models.PositiveSmallIntegerField(_("可约人数"))
    booked = models.PositiveSmallIntegerField(_("已约人数"), default=0)
    is_open = models.BooleanField(_("开放预约"), default=True)

    class Meta:
        verbose_name = _("预约时段")
        verbose_name_plural = _("预约时段")
        ordering = ["day", "start", "group"]
        constraints = [
            models.UniqueConstraint(fields=["group", "day", "start"], name="svc_slot_unique"),
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="svc_slot_not_overbooked"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="svc_slot_end_after_start"),
        ]
        indexes = [models.Index(fields=["division_code", "day"], name="svc_slot_div_day")]

    def __str__(self):
        return f"{self.day:%m-%d} {self.start:%H:%M}-{self.end:%H:%M}"

    @property
    def free(self):
        return max(self.capacity - self.booked, 0)


class Appointment(ScopedModel):
    """One person's booking of a slot. `code`: the 6-digit check-in code, unique among the
    community's appointments of the day. `division_code`: the community."""

    slot = models.ForeignKey(AppointmentSlot, verbose_name=_("预约时段"), on_delete=models.PROTECT,
                             related_name="appointments")
    person = models.ForeignKey("registry.Person", verbose_name=_("办事人"), on_delete=models.PROTECT,
                               related_name="+")
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("预约账号"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    day = models.DateField(_("日期"))
    code = models.CharField(_("签到码"), max_length=6)
    item = models.ForeignKey("services.ServiceItem", verbose_name=_("拟办事项"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(_("状态"), max_length=12, choices=AppointmentState.choices,
                             default=AppointmentState.BOOKED)
    booked_at = models.DateTimeField(_("预约时间"))
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    ticket = models.OneToOneField("services.Ticket", verbose_name=_("排队号"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="appointment")

    class Meta:
        verbose_name = _("预约")
        verbose_name_plural = _("预约")
        ordering = ["day", "slot__start"]
        constraints = [
            models.UniqueConstraint(fields=["slot", "person"], condition=~Q(state="cancelled"),
                                    name="svc_appt_one_per_slot"),
            models.UniqueConstraint(fields=["division_code", "day", "code"], name="svc_appt_code_unique"),
        ]
        indexes = [models.Index(fields=["person", "day"], name="svc_appt_person_day")]

    def __str__(self):
        return f"{self.slot} · {self.code}"
