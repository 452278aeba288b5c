"""Grid-worker field work: visits (走访记录) and change requests (信息变更申请)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core import limits
from gridgov.core.media import MediaFileField
from gridgov.core.models import ScopedModel

from ..choices import ChangeRequestStatus, ChangeTarget


class Visit(ScopedModel):
    """A visit (走访) by a grid worker to a house, household or person, with note, photo and GPS."""

    grid = models.ForeignKey(
        "divisions.Division", verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+"
    )
    house = models.ForeignKey(
        "registry.House",
        verbose_name=_("房屋"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("走访人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("走访情况"), max_length=limits.NOTE)
    photo = MediaFileField(_("照片"), prefix="registry/visits", blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    at = models.DateTimeField(_("走访时间"), db_index=True)

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-at", "-id"]
        permissions = [("record_visit", "可以记录走访")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d} 走访"


class ChangeRequest(ScopedModel):
    """A change flagged by a grid worker for review (信息变更申请). When
    `REGISTRY_GRID_WORKER_CHANGES_NEED_APPROVAL` is on, community staff approve it and the
    change is then applied by the matching action."""

    grid = models.ForeignKey(
        "divisions.Division", verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+"
    )
    target_type = models.CharField(_("对象类型"), max_length=20, choices=ChangeTarget.choices)
    target_id = models.BigIntegerField(_("对象ID"), null=True, blank=True)
    summary = models.CharField(_("变更说明"), max_length=300)
    proposed = models.JSONField(_("拟变更内容"), default=dict, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=ChangeRequestStatus.choices,
        default=ChangeRequestStatus.PENDING,
        db_index=True,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("信息变更申请")
        verbose_name_plural = _("信息变更申请")
        ordering = ["-requested_at", "-id"]
        permissions = [("approve_changerequest", "可以审核信息变更申请")]

    def __str__(self):
        return self.summary
