"""Doctor appointments (预约看病): the community health station's doctors, weekly schedules with
a capacity, the dated slots they open, appointments, and family-doctor signing (家庭医生签约)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import ScopedModel

from ..choices import AppointmentStatus, SigningStatus, Weekday
from ..scoping import AppointmentScoped, DoctorScoped, ProviderScoped, SigningScoped, manager


class Doctor(ScopedModel):
    """A doctor of a community health station (a provider of kind `health`). Signed residents may
    book `signed_days_ahead` days ahead, others `open_days_ahead` (the priority window)."""

    provider = models.ForeignKey("care.Provider", verbose_name=_("卫生服务站"), on_delete=models.CASCADE,
                                 related_name="doctors")
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职称"), max_length=30, blank=True)
    specialty = models.CharField(_("擅长"), max_length=100, blank=True)
    is_family_doctor = models.BooleanField(_("家庭医生"), default=True)
    open_days_ahead = models.PositiveSmallIntegerField(_("可提前预约天数"), default=3,
                                                       validators=[MaxValueValidator(60)])
    signed_days_ahead = models.PositiveSmallIntegerField(_("签约居民可提前预约天数"), default=7,
                                                         validators=[MaxValueValidator(60)])
    is_active = models.BooleanField(_("在岗"), default=True)

    objects = manager(ProviderScoped)

    class Meta:
        verbose_name = _("医生")
        verbose_name_plural = _("医生")
        ordering = ["provider", "id"]

    def __str__(self):
        return f"{self.name}{('（' + self.title + '）') if self.title else ''}"


class Schedule(ScopedModel):
    """A weekly sitting (出诊排班): weekday, hours, how many patients."""

    doctor = models.ForeignKey(Doctor, verbose_name=_("医生"), on_delete=models.CASCADE, related_name="schedules")
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=Weekday.choices)
    start = models.TimeField(_("开始"))
    end = models.TimeField(_("结束"))
    capacity = models.PositiveSmallIntegerField(_("号源数"), validators=[MinValueValidator(1), MaxValueValidator(200)])
    is_active = models.BooleanField(_("有效"), default=True)

    objects = manager(DoctorScoped)

    class Meta:
        verbose_name = _("出诊排班")
        verbose_name_plural = _("出诊排班")
        ordering = ["doctor", "weekday", "start"]
        constraints = [models.CheckConstraint(condition=models.Q(end__gt=models.F("start")),
                                              name="care_schedule_order", violation_error_message="结束须晚于开始")]

    def __str__(self):
        return f"{self.doctor.name} {self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class Slot(ScopedModel):
    """A schedule on one date, made when first booked. `booked` never exceeds `capacity`: it is
    raised only by a conditional UPDATE (`booked < capacity`) under the row lock."""

    schedule = models.ForeignKey(Schedule, verbose_name=_("排班"), on_delete=models.CASCADE, related_name="slots")
    doctor = models.ForeignKey(Doctor, verbose_name=_("医生"), on_delete=models.CASCADE, related_name="slots")
    date = models.DateField(_("日期"))
    capacity = models.PositiveSmallIntegerField(_("号源数"))
    booked = models.PositiveSmallIntegerField(_("已约"), default=0)

    objects = manager(DoctorScoped)

    class Meta:
        verbose_name = _("号源")
        verbose_name_plural = _("号源")
        ordering = ["date", "schedule__start"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "date"], name="care_slot_unique"),
            models.CheckConstraint(condition=models.Q(booked__lte=models.F("capacity")), name="care_slot_not_over",
                                   violation_error_message="号源已约满"),
        ]

    def __str__(self):
        return f"{self.doctor.name} {self.date} {self.schedule.start:%H:%M}"

    @property
    def left(self):
        return max(self.capacity - self.booked, 0)


class Appointment(ScopedModel):
    """A booked visit; `division_code` is the patient's grid."""

    slot = models.ForeignKey(Slot, verbose_name=_("号源"), on_delete=models.PROTECT, related_name="appointments")
    doctor = models.ForeignKey(Doctor, verbose_name=_("医生"), on_delete=models.PROTECT, related_name="appointments")
    person = models.ForeignKey("registry.Person", verbose_name=_("就诊人"), on_delete=models.PROTECT,
                               related_name="care_appointments")
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("预约人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=AppointmentStatus.choices,
                              default=AppointmentStatus.BOOKED)
    signed = models.BooleanField(_("签约居民"), default=False)
    note = models.CharField(_("病情简述"), max_length=200, blank=True)
    booked_at = models.DateTimeField(_("预约时间"))
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)

    objects = manager(AppointmentScoped)

    class Meta:
        verbose_name = _("预约就诊")
        verbose_name_plural = _("预约就诊")
        ordering = ["-booked_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["slot", "person"], condition=models.Q(status="booked"),
                                               name="care_appt_once", violation_error_message="该就诊人已预约此时段")]

    def __str__(self):
        return f"{self.person} · {self.slot}"


class Signing(ScopedModel):
    """Family-doctor signing (家庭医生签约): one active signing per person; `division_code` is the
    person's grid."""

    doctor = models.ForeignKey(Doctor, verbose_name=_("家庭医生"), on_delete=models.PROTECT, related_name="signings")
    person = models.ForeignKey("registry.Person", verbose_name=_("签约居民"), on_delete=models.CASCADE,
                               related_name="care_signings")
    signed_on = models.DateField(_("签约日期"))
    valid_until = models.DateField(_("有效期至"))
    status = models.CharField(_("状态"), max_length=10, choices=SigningStatus.choices, default=SigningStatus.ACTIVE)

    objects = manager(SigningScoped)

    class Meta:
        verbose_name = _("家庭医生签约")
        verbose_name_plural = _("家庭医生签约")
        ordering = ["-signed_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["person"], condition=models.Q(status="active"),
                                               name="care_signing_one_active",
                                               violation_error_message="该居民已签约家庭医生")]

    def __str__(self):
        return f"{self.person} · {self.doctor}"
