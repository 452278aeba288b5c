"""The "3+N" community model and its facilities (一站一园一场七室).

Per community: the residents' committee (居委会) with its members, the community workstation
(社区工作站) with its staff, the party general branch (the party app) and the N grids
(divisions). Facilities are records per community whose types are a dictionary; the standards
(which types every community must have, the service-room area per 100 households) are data too,
and compliance is computed from them (`compliance.py`).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gridgov.core.media import MediaFileField
from gridgov.core.models import ScopedModel
from gridgov.divisions.choices import Level

from .choices import CommitteePost, FacilityCategory, FacilityStatus, StaffPost

COMMUNITY = models.Q(level=Level.COMMUNITY)


class FacilityType(models.Model):
    """A kind of community facility (公共服务站, 幼儿园, 警务室 …). A dictionary: the seed's ten
    and 党员活动室 ship as defaults (migration 0002), offices add their own."""

    code = models.SlugField(_("编码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=30, unique=True)
    category = models.CharField(_("类别"), max_length=10, choices=FacilityCategory.choices,
                                default=FacilityCategory.ROOM)
    is_service_room = models.BooleanField(
        _("计入服务用房"), default=True, help_text=_("计入“每百户服务用房面积”的室内用房；室外场地、幼儿园不计"))
    bookable_default = models.BooleanField(_("默认可预约"), default=False)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("设施类型")
        verbose_name_plural = _("设施类型")
        ordering = ["sort", "id"]

    def __str__(self):
        return self.name


class FacilityStandard(models.Model):
    """The standard communities are measured against: which facility types every community
    must have (built), and the service-room area per 100 households (national standard for
    community service facilities: at least 30 m²). The active standard with the latest
    `effective_from` applies."""

    name = models.CharField(_("标准名称"), max_length=100)
    required_types = models.ManyToManyField(FacilityType, verbose_name=_("必备设施类型"), blank=True,
                                            related_name="standards")
    area_per_100_households = models.DecimalField(
        _("每百户服务用房面积(平方米)"), max_digits=6, decimal_places=1, default=30,
        validators=[MinValueValidator(0)])
    min_service_area = models.DecimalField(
        _("服务用房最低面积(平方米)"), max_digits=8, decimal_places=1, default=0, validators=[MinValueValidator(0)],
        help_text=_("户数很少的社区也须达到的面积；0 表示不设下限"))
    effective_from = models.DateField(_("生效日期"))
    is_active = models.BooleanField(_("有效"), default=True)
    note = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("设施配置标准")
        verbose_name_plural = _("设施配置标准")
        ordering = ["-effective_from", "-id"]

    def __str__(self):
        return self.name

    @classmethod
    def current(cls):
        return cls.objects.filter(is_active=True).order_by("-effective_from", "-id").first()


def validate_opening_hours(value):
    """`[{"days": [1..7], "open": "HH:MM", "close": "HH:MM"}, …]` (1 = Monday)."""
    if value in (None, ""):
        return
    if not isinstance(value, list) or len(value) > 14:
        raise ValidationError(_("开放时间格式不正确"))
    for span in value:
        if not isinstance(span, dict) or set(span) - {"days", "open", "close"}:
            raise ValidationError(_("开放时间格式不正确"))
        days = span.get("days")
        if not isinstance(days, list) or not days or any(d not in range(1, 8) for d in days):
            raise ValidationError(_("开放日须为 1–7（周一至周日）"))
        try:
            start = datetime.time.fromisoformat(span.get("open", ""))
            end = datetime.time.fromisoformat(span.get("close", ""))
        except (TypeError, ValueError):
            raise ValidationError(_("开放时间须为 HH:MM")) from None
        if end <= start:
            raise ValidationError(_("结束时间须晚于开始时间"))


class Facility(ScopedModel):
    """A facility of a community (一站一园一场七室 and others). `division_code` is the
    community's 12-digit code. `bookable` says whether residents may book it (the community
    website's booking builds on it, with `opening_hours` and `capacity`)."""

    community = models.ForeignKey("divisions.Division", verbose_name=_("社区"), on_delete=models.PROTECT,
                                  related_name="facilities", limit_choices_to=COMMUNITY)
    facility_type = models.ForeignKey(FacilityType, verbose_name=_("设施类型"), on_delete=models.PROTECT,
                                      related_name="facilities")
    name = models.CharField(_("名称"), max_length=100)
    status = models.CharField(_("状态"), max_length=10, choices=FacilityStatus.choices, default=FacilityStatus.BUILT)
    area_m2 = models.DecimalField(_("面积(平方米)"), max_digits=9, decimal_places=1, default=0,
                                  validators=[MinValueValidator(0), MaxValueValidator(1_000_000)])
    address = models.CharField(_("位置"), max_length=200, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)])
    lat = models.FloatField(_("纬度"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)])
    opening_hours = models.JSONField(_("开放时间"), default=list, blank=True, validators=[validate_opening_hours],
                                     help_text=_("每段：开放日（1=周一）、开始、结束"))
    bookable = models.BooleanField(_("可预约"), default=False)
    capacity = models.PositiveIntegerField(_("容纳人数"), default=0)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("社区设施")
        verbose_name_plural = _("社区设施")
        ordering = ["division_code", "facility_type__sort", "id"]
        indexes = [
            models.Index(fields=["division_code", "facility_type", "status"], name="facility_div_type"),
            models.Index(fields=["bookable", "division_code"], name="facility_bookable"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("community:facility_detail", args=[self.pk])

    def hours_on(self, day):
        """[(open, close)] on a date, from the weekly spans."""
        spans = []
        for span in self.opening_hours or []:
            if day.isoweekday() in span["days"]:
                spans.append((datetime.time.fromisoformat(span["open"]), datetime.time.fromisoformat(span["close"])))
        return sorted(spans)

    def is_open_at(self, moment):
        """Is the facility open at a local datetime (built and inside one of its spans)?"""
        if self.status != FacilityStatus.BUILT:
            return False
        t = moment.timetz().replace(tzinfo=None)
        return any(a <= t < b for a, b in self.hours_on(moment.date()))

    def hours_display(self):
        from .choices import Weekday

        parts = []
        for span in self.opening_hours or []:
            days = "、".join(str(Weekday(d).label) for d in span["days"])
            parts.append(f"{days} {span['open']}–{span['close']}")
        return "；".join(parts)


class FacilityPhoto(models.Model):
    """A photo of a facility; the file is served through the facility's visibility."""

    facility = models.ForeignKey(Facility, verbose_name=_("设施"), on_delete=models.CASCADE, related_name="photos")
    image = MediaFileField(_("照片"), prefix="community/facilities", owner="facility")
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("设施照片")
        verbose_name_plural = _("设施照片")
        ordering = ["facility", "id"]

    def __str__(self):
        return self.caption or f"{self.facility} 照片"


class Committee(ScopedModel):
    """A community's residents' committee (居委会) for one term. `division_code` is the
    community's code; the current term is the one with the latest `term_start`."""

    community = models.ForeignKey("divisions.Division", verbose_name=_("社区"), on_delete=models.PROTECT,
                                  related_name="committees", limit_choices_to=COMMUNITY)
    name = models.CharField(_("名称"), max_length=100)
    term_start = models.DateField(_("任期开始"))
    term_end = models.DateField(_("任期结束"))
    election_date = models.DateField(_("选举日期"), null=True, blank=True)
    office_address = models.CharField(_("办公地址"), max_length=200, blank=True)
    office_phone = models.CharField(_("办公电话"), max_length=30, blank=True)
    workstation_name = models.CharField(_("社区工作站"), max_length=100, blank=True)
    workstation_hours = models.CharField(_("工作站服务时间"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("居民委员会")
        verbose_name_plural = _("居民委员会")
        ordering = ["division_code", "-term_start"]
        constraints = [
            models.CheckConstraint(condition=models.Q(term_end__gt=models.F("term_start")), name="committee_term_order",
                                   violation_error_message="任期结束须晚于任期开始"),
            models.UniqueConstraint(fields=["community", "term_start"], name="committee_unique_term",
                                    violation_error_message="该社区此任期已登记"),
        ]

    def __str__(self):
        return f"{self.name}（{self.term_start:%Y}–{self.term_end:%Y}）"


class CommitteeMember(ScopedModel):
    """A member of a residents' committee and the post held."""

    committee = models.ForeignKey(Committee, verbose_name=_("居委会"), on_delete=models.CASCADE,
                                  related_name="members")
    name = models.CharField(_("姓名"), max_length=50)
    post = models.CharField(_("职务"), max_length=10, choices=CommitteePost.choices, default=CommitteePost.MEMBER)
    duties = models.CharField(_("分工"), max_length=100, blank=True)
    is_party_member = models.BooleanField(_("中共党员"), default=False)
    concurrent = models.BooleanField(_("书记、主任“一肩挑”"), default=False)
    sort = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("居委会成员")
        verbose_name_plural = _("居委会成员")
        ordering = ["committee", "sort", "id"]

    def __str__(self):
        return f"{self.name}（{self.get_post_display()}）"


class WorkstationStaff(ScopedModel):
    """A member of the community workstation (社区工作站) staff and the post held."""

    community = models.ForeignKey("divisions.Division", verbose_name=_("社区"), on_delete=models.PROTECT,
                                  related_name="workstation_staff", limit_choices_to=COMMUNITY)
    name = models.CharField(_("姓名"), max_length=50)
    post = models.CharField(_("岗位"), max_length=12, choices=StaffPost.choices, default=StaffPost.STAFF)
    duties = models.CharField(_("负责业务"), max_length=100, blank=True)
    is_active = models.BooleanField(_("在岗"), default=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("工作站人员")
        verbose_name_plural = _("工作站人员")
        ordering = ["division_code", "sort", "id"]

    def __str__(self):
        return f"{self.name}（{self.get_post_display()}）"
