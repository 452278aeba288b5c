"""Legal entities (法人): enterprises, individual businesses, social organisations, institutions."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import ScopedModel

from ..choices import EntityStatus, EntityType, Industry


class LegalEntity(ScopedModel):
    """A legal entity (法人) in a grid, keyed by its unified social credit code (统一社会信用代码)."""

    grid = models.ForeignKey(
        "divisions.Division", verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    entity_type = models.CharField(
        _("法人类型"), max_length=20, choices=EntityType.choices, default=EntityType.ENTERPRISE
    )
    industry = models.CharField(_("行业门类"), max_length=1, choices=Industry.choices, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True, db_index=True)
    building = models.ForeignKey(
        "registry.Building",
        verbose_name=_("所在楼栋"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entities",
    )
    house = models.ForeignKey(
        "registry.House",
        verbose_name=_("所在房屋"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entities",
    )
    employees = models.PositiveIntegerField(_("从业人数"), default=0)
    status = models.CharField(
        _("状态"), max_length=20, choices=EntityStatus.choices, default=EntityStatus.OPERATING
    )
    updated_at = models.DateTimeField(_("更新时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("法人")
        verbose_name_plural = _("法人")
        ordering = ["division_code", "name"]
        indexes = [
            models.Index(
                fields=["name", "division_code"],
                name="entity_name_div",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("registry:entity_detail", args=[self.pk])
