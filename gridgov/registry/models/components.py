"""City components (城市部件) and their configurable class dictionary."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import ScopedModel

from ..choices import ComponentStatus


class ComponentClass(models.Model):
    """A component class: a major class (大类, 2 digits, e.g. 01 公用设施) or a minor class
    (小类, 4 digits = major + 2, e.g. 0101 上水井盖). Configurable; seeded by a data migration."""

    code = models.CharField(_("编码"), max_length=4, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("大类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("部件类别")
        verbose_name_plural = _("部件类别")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{2}([0-9]{2})?$"),
                name="componentclass_code_format",
                violation_error_message="类别编码必须是2位(大类)或4位(小类)数字",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def is_major(self):
        return len(self.code) == 2


class Component(ScopedModel):
    """A city component (城市部件): 16-digit code = 6-digit county + 2 major + 2 minor class
    digits + 6-digit serial."""

    grid = models.ForeignKey(
        "divisions.Division", verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("部件编码"), max_length=16, unique=True)
    component_class = models.ForeignKey(
        ComponentClass, verbose_name=_("部件类别"), on_delete=models.PROTECT, related_name="components"
    )
    name = models.CharField(_("名称"), max_length=100, blank=True)
    address = models.CharField(_("位置描述"), max_length=200, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    owner_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("主管部门"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner_name = models.CharField(_("权属单位"), max_length=100, blank=True)
    maintainer = models.CharField(_("养护单位"), max_length=100, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=ComponentStatus.choices, default=ComponentStatus.NORMAL
    )
    updated_at = models.DateTimeField(_("更新时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("城市部件")
        verbose_name_plural = _("城市部件")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{16}$"),
                name="component_code_16_digits",
                violation_error_message="部件编码必须是16位数字",
            ),
        ]
        indexes = [models.Index(fields=["division_code", "component_class"], name="component_div_class")]

    def __str__(self):
        return f"{self.component_class.name if self.component_class_id else ''} {self.code}"

    def get_absolute_url(self):
        return reverse("registry:component_detail", args=[self.pk])
