"""Households (户), persons (实有人口), care tags (关爱人群) and life-event history."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import ScopedModel

from ..choices import (
    Education,
    Employment,
    HouseholdType,
    IdType,
    PersonEventKind,
    PersonStatus,
    PoliticalStatus,
    Relation,
    ResidenceType,
    Sex,
)

_PATTERN_OPS = ["varchar_pattern_ops", "varchar_pattern_ops"]


class CareTag(models.Model):
    """A configurable care group (关爱人群: 独居老人, 低保, 留守儿童 …) persons are tagged with."""

    code = models.SlugField(_("编码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=30, unique=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("关爱人群标签")
        verbose_name_plural = _("关爱人群标签")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class Household(ScopedModel):
    """A household (户) living in a house; `head` is the head of household (户主)."""

    grid = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("网格"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # division_code (indexed) carries the grid
    )
    house = models.ForeignKey(
        "registry.House",
        verbose_name=_("房屋"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="households",
    )
    number = models.CharField(_("户号"), max_length=20, blank=True)
    household_type = models.CharField(
        _("户类型"), max_length=20, choices=HouseholdType.choices, default=HouseholdType.REGISTERED
    )
    head = models.ForeignKey(
        "registry.Person",
        verbose_name=_("户主"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_active = models.BooleanField(_("有效"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")
        ordering = ["division_code", "number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"],
                condition=~models.Q(number=""),
                name="household_unique_number",
                violation_error_message="户号重复",
            ),
        ]
        indexes = [models.Index(fields=["division_code", "is_active"], name="household_div_active")]

    def __str__(self):
        return f"户 {self.number or self.pk}"


class Person(ScopedModel):
    """A resident (实有人口). ID and phone numbers are stored as a keyed hash (exact lookup), a
    mask (display), the last digits (suffix search) and the value encrypted at rest in an `_enc`
    column (core/crypto.py; `id_number_plain`), read only by an audited reveal (docs/architecture.md §4, “Personal data is protected by default”). Life events are actions writing `PersonEvent` rows."""

    grid = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("网格"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # division_code (indexed) carries the grid
    )
    house = models.ForeignKey(
        "registry.House",
        verbose_name=_("现住房屋"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="residents",
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("所在户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    relation = models.CharField(_("与户主关系"), max_length=20, choices=Relation.choices, blank=True)
    name = models.CharField(_("姓名"), max_length=50)
    name_pinyin = models.CharField(_("姓名拼音"), max_length=200, blank=True)
    name_initials = models.CharField(_("姓名首字母"), max_length=50, blank=True)
    id_type = models.CharField(
        _("证件类型"), max_length=10, choices=IdType.choices, default=IdType.RESIDENT_ID
    )
    id_hash = models.CharField(_("证件号摘要"), max_length=64, blank=True, editable=False)
    id_masked = models.CharField(_("证件号码"), max_length=40, blank=True, editable=False)
    id_last6 = models.CharField(_("证件号后六位"), max_length=6, blank=True, editable=False)
    id_number_enc = models.CharField(_("证件号码(加密存储)"), max_length=128, blank=True, editable=False)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True, default="汉族")
    phone_hash = models.CharField(_("电话摘要"), max_length=64, blank=True, editable=False)
    phone_masked = models.CharField(_("联系电话"), max_length=30, blank=True, editable=False)
    phone_last4 = models.CharField(_("电话后四位"), max_length=4, blank=True, editable=False)
    phone_enc = models.CharField(_("联系电话(加密存储)"), max_length=128, blank=True, editable=False)
    residence_type = models.CharField(
        _("人口类型"), max_length=20, choices=ResidenceType.choices, default=ResidenceType.REGISTERED
    )
    employment = models.CharField(_("就业状况"), max_length=20, choices=Employment.choices, blank=True)
    employer = models.CharField(_("工作单位"), max_length=100, blank=True)
    education = models.CharField(_("文化程度"), max_length=20, choices=Education.choices, blank=True)
    political_status = models.CharField(
        _("政治面貌"), max_length=20, choices=PoliticalStatus.choices, default=PoliticalStatus.MASSES
    )
    care_tags = models.ManyToManyField(
        CareTag, verbose_name=_("关爱人群"), blank=True, related_name="persons"
    )
    # not indexed: three values, ~95 % 在册 — every query filters it together with a selective
    # indexed column, and its two indexes (btree + pattern ops) cost every import row
    status = models.CharField(
        _("状态"), max_length=20, choices=PersonStatus.choices, default=PersonStatus.ACTIVE
    )
    note = models.CharField(_("备注"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("登记时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("实有人口")
        verbose_name_plural = _("实有人口")
        ordering = ["division_code", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_hash"],
                condition=~models.Q(id_hash=""),
                name="person_unique_id_hash",
                violation_error_message="证件号码已登记",
                opclasses=["varchar_pattern_ops"],  # byte order: hex digests need no collation
            ),
        ]
        # Search paths: equality or prefix on the first column, division-code prefix (scope) on the
        # second. The pattern operator classes let PostgreSQL use them for LIKE 'x%' whatever the
        # database collation, and compare bytes (cheaper to build and maintain than collation
        # order; equality works the same); other backends ignore `opclasses`.
        indexes = [
            models.Index(fields=["name", "division_code"], name="person_name_div", opclasses=_PATTERN_OPS),
            models.Index(
                fields=["name_initials", "division_code"], name="person_initials_div", opclasses=_PATTERN_OPS
            ),
            models.Index(
                fields=["name_pinyin", "division_code"], name="person_pinyin_div", opclasses=_PATTERN_OPS
            ),
            models.Index(
                fields=["id_last6", "division_code"], name="person_idlast6_div", opclasses=_PATTERN_OPS
            ),
            models.Index(fields=["phone_hash"], name="person_phone_hash", opclasses=["varchar_pattern_ops"]),
            models.Index(
                fields=["phone_last4", "division_code"], name="person_phonelast4_div", opclasses=_PATTERN_OPS
            ),
            models.Index(fields=["division_code", "name"], name="person_div_name"),
        ]
        permissions = [
            ("reveal_person", "可以查看人口证件号码和电话明文"),
            ("export_person", "可以导出人口信息"),
            ("import_records", "可以批量导入基础信息（人口、楼栋房屋、法人、部件）"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("registry:person_detail", args=[self.pk])

    @property
    def id_number_plain(self):
        """The decrypted ID number (core/crypto.py); for reveals and checks, never for display."""
        from gridgov.core import crypto

        return crypto.decrypt(self.id_number_enc, "registry.person.id_number_enc")

    @property
    def phone_plain(self):
        from gridgov.core import crypto

        return crypto.decrypt(self.phone_enc, "registry.person.phone_enc")

    @property
    def age(self):
        from gridgov.core.clock import today

        if not self.birth_date:
            return None
        t = today()
        return (
            t.year - self.birth_date.year - ((t.month, t.day) < (self.birth_date.month, self.birth_date.day))
        )


class PersonEvent(ScopedModel):
    """A typed life event of a person (迁入, 迁出, 出生, 死亡, 变更住房 …): the history that
    replaces silent edits."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("事件类型"), max_length=20, choices=PersonEventKind.choices)
    at = models.DateTimeField(_("时间"), db_index=True)
    occurred_on = models.DateField(_("发生日期"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_house = models.ForeignKey(
        "registry.House",
        verbose_name=_("原住房屋"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    to_house = models.ForeignKey(
        "registry.House",
        verbose_name=_("新住房屋"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_grid_code = models.CharField(_("原网格"), max_length=15, blank=True)
    to_grid_code = models.CharField(_("新网格"), max_length=15, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    data = models.JSONField(_("附加信息"), default=dict, blank=True)

    class Meta:
        verbose_name = _("人口变动记录")
        verbose_name_plural = _("人口变动记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["person", "at"], name="personevent_person_at")]

    def __str__(self):
        return f"{self.person} {self.get_kind_display()}"


class PopulationSum(models.Model):
    """Persons summed per grid (`division_code`): `persons` (every status, the home counter
    实有人口), `active` (在册) and `care:<tag id>` (在册 persons of a care group). Derived data
    read instead of counting 650,000 persons per request (ADR 0025): `registry.population`
    recomputes a grid from its persons whenever a life event is recorded there, and `rebuild()`
    recreates every grid; tests prove the sums equal a recount."""

    division_code = models.CharField(_("区划代码"), max_length=15, editable=False)
    key = models.CharField(_("指标"), max_length=20)
    value = models.PositiveIntegerField(_("人数"), default=0)

    class Meta:
        verbose_name = _("人口汇总")
        verbose_name_plural = _("人口汇总")
        constraints = [models.UniqueConstraint(fields=["division_code", "key"], name="registry_popsum_cell")]
        indexes = [models.Index(fields=["key", "division_code"], name="registry_popsum_key")]

    def __str__(self):
        return f"{self.division_code} {self.key} {self.value}"
