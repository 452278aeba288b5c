"""Models of grid drawing: street centre lines (engine input), grid proposals (engine output
awaiting review) and division changes (the old code → new code map of a re-division)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import ChangeKind, PartitionMode, ProposalStatus


class StreetLine(models.Model):
    """A street centre line (街巷). Grid boundaries follow streets, so the partition engine reads
    these; they come from the demo generator or a survey import."""

    name = models.CharField(_("街巷名称"), max_length=100, blank=True)
    geometry = models.JSONField(_("线形(GeoJSON)"))
    min_lng = models.FloatField(_("最小经度"))
    min_lat = models.FloatField(_("最小纬度"))
    max_lng = models.FloatField(_("最大经度"))
    max_lat = models.FloatField(_("最大纬度"))
    division = models.ForeignKey(
        "divisions.Division", verbose_name=_("所属区划"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="street_lines",
    )
    source = models.CharField(_("来源"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("街巷线")
        verbose_name_plural = _("街巷线")
        ordering = ["id"]
        indexes = [models.Index(fields=["min_lng", "max_lng", "min_lat", "max_lat"], name="street_bbox")]

    def __str__(self):
        return self.name or f"街巷 {self.pk}"


class GridProposal(models.Model):
    """A grid layout computed by the partition engine for one area (a district, street or
    community), waiting for review. Publishing it moves every dependent record."""

    area = models.ForeignKey(
        "divisions.Division", verbose_name=_("划分范围"), on_delete=models.PROTECT, related_name="grid_proposals"
    )
    division_code = models.CharField(_("区划代码"), max_length=15, db_index=True)
    mode = models.CharField(_("方式"), max_length=10, choices=PartitionMode.choices, default=PartitionMode.REDRAW)
    params = models.JSONField(_("参数"), default=dict)
    status = models.CharField(
        _("状态"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.RUNNING, db_index=True
    )
    report = models.JSONField(_("评估报告"), default=dict, blank=True)
    grids = models.JSONField(_("方案网格(GeoJSON)"), default=dict, blank=True)
    previous = models.JSONField(_("现行网格(GeoJSON)"), default=dict, blank=True)
    assignment = models.JSONField(_("楼栋归属"), default=dict, blank=True, help_text=_("楼栋ID → 新网格编码"))
    moves = models.JSONField(_("迁移统计"), default=list, blank=True)
    error = models.TextField(_("错误"), blank=True)
    job = models.ForeignKey(
        "core.Job", verbose_name=_("后台任务"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("网格划分方案")
        verbose_name_plural = _("网格划分方案")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"方案 #{self.pk} {self.area}"

    @property
    def grid_count(self):
        return len((self.grids or {}).get("features") or [])


class DivisionChange(models.Model):
    """One administrative change (行政区划调整 or a published re-grid): which codes became which,
    so old codes in reports, exports and printed maps can be followed to today's."""

    kind = models.CharField(_("类型"), max_length=20, choices=ChangeKind.choices)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    old_code = models.CharField(_("原代码"), max_length=15, db_index=True)
    new_code = models.CharField(_("新代码"), max_length=15, db_index=True)
    code_map = models.JSONField(_("代码对照"), default=dict, blank=True)
    counts = models.JSONField(_("迁移数量"), default=dict, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("区划变更")
        verbose_name_plural = _("区划变更")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.old_code} → {self.new_code}"
