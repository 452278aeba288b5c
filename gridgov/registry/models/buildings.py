"""Buildings (楼栋) and houses (房屋)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import ScopedModel

from ..choices import BuildingType, HouseStatus, HouseUse


class Building(ScopedModel):
    """A building (楼栋) in a grid. Its natural key is grid + 5-digit building code; the
    household count is kept current by the actions and importers."""

    grid = models.ForeignKey(
        "divisions.Division", verbose_name=_("网格"), on_delete=models.PROTECT, related_name="buildings"
    )
    code = models.CharField(_("楼栋编码"), max_length=5)
    name = models.CharField(_("名称"), max_length=100, blank=True)
    address = models.CharField(_("地址"), max_length=200, db_index=True)
    building_type = models.CharField(
        _("类型"), max_length=20, choices=BuildingType.choices, default=BuildingType.MULTI_STOREY
    )
    floors = models.PositiveSmallIntegerField(_("层数"), default=1)
    units = models.PositiveSmallIntegerField(_("单元数"), default=1)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    footprint = models.JSONField(_("轮廓(GeoJSON)"), null=True, blank=True)
    year_built = models.PositiveSmallIntegerField(_("建成年份"), null=True, blank=True)
    property_company = models.CharField(_("物业公司"), max_length=100, blank=True)
    household_count = models.PositiveIntegerField(_("户数"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ["division_code", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "code"],
                name="building_unique_grid_code",
                violation_error_message="同一网格内楼栋编码重复",
            ),
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{5}$"),
                name="building_code_5_digits",
                violation_error_message="楼栋编码必须是5位数字",
            ),
        ]
        indexes = [models.Index(fields=["division_code", "code"], name="building_div_code")]

    def __str__(self):
        return self.name or self.address

    def get_absolute_url(self):
        return reverse("registry:building_detail", args=[self.pk])

    @property
    def full_code(self):
        """Grid code + building code: 20 digits, unique in the install."""
        return f"{self.division_code}{self.code}"


class House(ScopedModel):
    """A house or flat (房屋) in a building, identified by unit + room number."""

    grid = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("网格"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # division_code (indexed) carries the grid
    )
    building = models.ForeignKey(
        Building, verbose_name=_("楼栋"), on_delete=models.PROTECT, related_name="houses"
    )
    unit = models.PositiveSmallIntegerField(_("单元"), default=1)
    floor = models.SmallIntegerField(_("楼层"), default=1)
    room = models.CharField(_("房号"), max_length=10)
    area = models.DecimalField(_("面积(平方米)"), max_digits=8, decimal_places=2, null=True, blank=True)
    use = models.CharField(_("用途"), max_length=20, choices=HouseUse.choices, default=HouseUse.RESIDENCE)
    status = models.CharField(
        _("居住状态"), max_length=20, choices=HouseStatus.choices, default=HouseStatus.OWNER_OCCUPIED
    )
    owner_name = models.CharField(_("产权人"), max_length=100, blank=True)
    owner = models.ForeignKey(
        "registry.Person",
        verbose_name=_("产权人(人口)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_houses",
    )
    updated_at = models.DateTimeField(_("更新时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("房屋")
        verbose_name_plural = _("房屋")
        ordering = ["building", "unit", "floor", "room"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "unit", "room"],
                name="house_unique_building_unit_room",
                violation_error_message="同一楼栋同一单元内房号重复",
            ),
        ]
        indexes = [models.Index(fields=["division_code", "status"], name="house_div_status")]

    def __str__(self):
        return f"{self.building}{self.unit}单元{self.room}室"

    def get_absolute_url(self):
        return reverse("registry:house_detail", args=[self.pk])

    @property
    def address(self):
        return f"{self.building.address}{self.unit}单元{self.room}室"
