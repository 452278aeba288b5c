"""The 三五工程 indicator library, its values per division and period (computed or reported and
reviewed, with evidence), and the big screen's maintained sums.

`ScreenStat` holds, for every current division from the district down to the grids, the counts
the big screen shows (population by type, households, cases, care groups, party …), refreshed by
a periodic job (`screen_stats.refresh`) with set-based GROUP BY queries; the screen's JSON then
reads one scope's rows by an indexed equality, whatever the district's size (ADR 0020).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.media import MediaFileField
from gridgov.core.models import ScopedModel

from .choices import Aggregation, Direction, IndicatorGroup, IndicatorLevel, Period, Source, ValueStatus


class IndicatorDefinition(models.Model):
    """One indicator of the library (三五工程: five improvements, five 100 % targets, five full
    coverages). The seed's fifteen ship as defaults (migration 0002); all fields are editable."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    group = models.CharField(_("类别"), max_length=10, choices=IndicatorGroup.choices)
    definition = models.TextField(_("定义与口径"), max_length=2000, blank=True)
    unit = models.CharField(_("单位"), max_length=10, default="%")
    direction = models.CharField(_("方向"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    baseline_value = models.DecimalField(_("基期值"), max_digits=12, decimal_places=2, default=0)
    baseline_date = models.DateField(_("基期日期"))
    target_value = models.DecimalField(_("目标值"), max_digits=12, decimal_places=2)
    target_date = models.DateField(_("目标日期"))
    level = models.PositiveSmallIntegerField(_("填报层级"), choices=IndicatorLevel.choices,
                                             default=IndicatorLevel.COMMUNITY)
    source = models.CharField(_("数据来源"), max_length=10, choices=Source.choices, default=Source.REPORTED)
    computation = models.CharField(_("计算方法"), max_length=40, blank=True,
                                   help_text=_("平台计算的指标：计算函数的键（见 dashboard/computed.py）"))
    aggregation = models.CharField(_("汇总方式"), max_length=8, choices=Aggregation.choices,
                                   default=Aggregation.MEAN)
    period = models.CharField(_("统计周期"), max_length=8, choices=Period.choices, default=Period.QUARTER)
    department = models.ForeignKey("accounts.Department", verbose_name=_("责任部门"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    sort = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("三五工程指标")
        verbose_name_plural = _("三五工程指标")
        ordering = ["sort", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(target_date__gt=models.F("baseline_date")),
                                   name="indicator_dates_order", violation_error_message="目标日期须晚于基期日期"),
        ]

    def __str__(self):
        return self.name


class IndicatorValue(ScopedModel):
    """The value of an indicator for one division and period. Computed values are written
    approved by the refresh job; reported values go 填报 (draft → submitted, with evidence) →
    审核 (approved or rejected with a note). `division_code` is the division's own code."""

    definition = models.ForeignKey(IndicatorDefinition, verbose_name=_("指标"), on_delete=models.CASCADE,
                                   related_name="values")
    division = models.ForeignKey("divisions.Division", verbose_name=_("区划"), on_delete=models.PROTECT,
                                 related_name="+")
    period_start = models.DateField(_("周期开始"))
    value = models.DecimalField(_("数值"), max_digits=14, decimal_places=2)
    numerator = models.DecimalField(_("分子"), max_digits=14, decimal_places=2, null=True, blank=True)
    denominator = models.DecimalField(_("分母"), max_digits=14, decimal_places=2, null=True, blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    status = models.CharField(_("状态"), max_length=10, choices=ValueStatus.choices, default=ValueStatus.DRAFT,
                              db_index=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reported_at = models.DateTimeField(_("填报时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=300, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("指标值")
        verbose_name_plural = _("指标值")
        ordering = ["definition", "-period_start", "division_code"]
        constraints = [
            models.UniqueConstraint(fields=["definition", "division", "period_start"], name="indicator_value_unique",
                                    violation_error_message="该区划本周期的指标值已存在"),
        ]
        indexes = [models.Index(fields=["definition", "period_start", "division_code"], name="indicator_value_period")]
        permissions = [
            ("report_indicatorvalue", "可以填报三五工程指标"),
            ("approve_indicatorvalue", "可以审核三五工程指标"),
            ("export_indicatorvalue", "可以导出三五工程报表"),
            ("refresh_indicatorvalue", "可以重新计算平台指标"),
        ]

    def __str__(self):
        return f"{self.definition} {self.division_code} {self.period_start}"


class IndicatorEvidence(models.Model):
    """A supporting file (佐证材料) of a reported value; served through the value's visibility."""

    value = models.ForeignKey(IndicatorValue, verbose_name=_("指标值"), on_delete=models.CASCADE,
                              related_name="evidence")
    file = MediaFileField(_("文件"), prefix="dashboard/evidence", owner="value")
    name = models.CharField(_("文件名"), max_length=120)
    content_type = models.CharField(_("类型"), max_length=80)
    size = models.PositiveIntegerField(_("大小(字节)"), default=0)
    uploaded_at = models.DateTimeField(_("上传时间"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["value", "id"]

    def __str__(self):
        return self.name


class ScreenStat(models.Model):
    """One maintained number of the big screen: `key` for the division `code` (district, street,
    community or grid), with the parent's code so a map of the children is one indexed read."""

    code = models.CharField(_("区划代码"), max_length=15)
    parent_code = models.CharField(_("上级代码"), max_length=15, blank=True)
    level = models.PositiveSmallIntegerField(_("层级"))
    key = models.CharField(_("指标键"), max_length=60)
    value = models.FloatField(_("数值"), default=0)

    class Meta:
        verbose_name = _("大屏统计")
        verbose_name_plural = _("大屏统计")
        constraints = [models.UniqueConstraint(fields=["code", "key"], name="screenstat_code_key",
                                               violation_error_message="统计项重复")]
        indexes = [models.Index(fields=["parent_code", "key"], name="screenstat_parent_key")]
        permissions = [("view_screen", "可以查看大屏")]

    def __str__(self):
        return f"{self.code} {self.key}={self.value}"


class ScreenState(models.Model):
    """When the screen's sums were last refreshed (one row)."""

    built_at = models.DateTimeField(_("刷新时间"), null=True, blank=True)
    seconds = models.FloatField(_("耗时(秒)"), default=0)
    rows = models.PositiveIntegerField(_("行数"), default=0)

    class Meta:
        verbose_name = _("大屏统计状态")
        verbose_name_plural = _("大屏统计状态")

    def __str__(self):
        return f"{self.built_at}"
