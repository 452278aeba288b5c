"""The division tree: district → street/town → community/village → grid, with versioned
polygons (docs/architecture.md §4, “History is data”)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.access import ScopedQuerySet

from .choices import Level
from .codes import PATH_LENGTH


class DivisionQuerySet(ScopedQuerySet):
    scope_field = "code"

    def districts(self):
        return self.filter(level=Level.DISTRICT)

    def streets(self):
        return self.filter(level=Level.STREET)

    def communities(self):
        return self.filter(level=Level.COMMUNITY)

    def grids(self):
        return self.filter(level=Level.GRID)

    def current_grids(self):
        """The live grids (rows on a retired grid keep pointing at it; nothing new goes there)."""
        return self.grids().current()

    def current(self):
        return self.filter(is_active=True)


class Division(models.Model):
    """A node of the division tree (区县 / 街道 / 社区 / 网格). `parent` is the source of truth;
    `level` and `path` are derived from `code` and checked against the parent."""

    code = models.CharField(_("区划代码"), max_length=15, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("路径前缀"), max_length=15, db_index=True, editable=False)
    urban_rural_code = models.CharField(_("城乡分类代码"), max_length=3, blank=True)
    centre_lng = models.FloatField(_("中心经度"), null=True, blank=True)
    centre_lat = models.FloatField(_("中心纬度"), null=True, blank=True)
    household_count = models.PositiveIntegerField(_("户数"), default=0)
    is_active = models.BooleanField(_("有效"), default=True, db_index=True)
    valid_from = models.DateTimeField(_("生效时间"), null=True, blank=True)
    valid_to = models.DateTimeField(_("失效时间"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = DivisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("区划")
        verbose_name_plural = _("区划")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=4), name="division_level_range",
                violation_error_message="层级必须在 1 到 4 之间",
            ),
        ]
        permissions = [("import_division", "可以导入区划"), ("partition_division", "可以划分网格")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.path = self.code[: PATH_LENGTH[Level(self.level)]]
        super().save(*args, **kwargs)

    @property
    def is_grid(self):
        return self.level == Level.GRID

    def ancestors(self):
        """Ancestors from the root down, by code (one query)."""
        from .codes import parent_code_of

        codes, code = [], parent_code_of(self.code)
        while code:
            codes.append(code)
            code = parent_code_of(code)
        by_code = {d.code: d for d in Division.objects.filter(code__in=codes)}
        return [by_code[c] for c in reversed(codes) if c in by_code]

    def current_shape(self):
        return self.shapes.filter(valid_to__isnull=True).first()


class DivisionShape(models.Model):
    """One version of a division's polygon. The current version has `valid_to` NULL; older
    versions stay queryable so every past map can be redrawn."""

    division = models.ForeignKey(Division, verbose_name=_("区划"), on_delete=models.CASCADE, related_name="shapes")
    version = models.PositiveIntegerField(_("版本"))
    geometry = models.JSONField(_("边界(GeoJSON)"))
    min_lng = models.FloatField(_("最小经度"))
    min_lat = models.FloatField(_("最小纬度"))
    max_lng = models.FloatField(_("最大经度"))
    max_lat = models.FloatField(_("最大纬度"))
    area_m2 = models.FloatField(_("面积(平方米)"), default=0)
    households = models.PositiveIntegerField(_("户数"), default=0)
    valid_from = models.DateTimeField(_("生效时间"))
    valid_to = models.DateTimeField(_("失效时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("区划边界版本")
        verbose_name_plural = _("区划边界版本")
        ordering = ["division", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["division", "version"], name="shape_unique_version", violation_error_message="版本号重复"
            ),
            models.UniqueConstraint(
                fields=["division"], condition=models.Q(valid_to__isnull=True), name="shape_one_current",
                violation_error_message="同一区划只能有一个现行边界",
            ),
        ]
        indexes = [models.Index(fields=["min_lng", "max_lng", "min_lat", "max_lat"], name="shape_bbox")]

    def __str__(self):
        return f"{self.division} v{self.version}"


from .redraw.models import DivisionChange, GridProposal, StreetLine  # noqa: E402,F401  (issue 4 models)
