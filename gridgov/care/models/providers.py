"""Providers (物业公司, 维修服务, 居家养老服务, 便民商家, 社区卫生服务站) registered per community,
the accounts that work for them, their priced items, and the subsidy rules (data, not code)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gridgov.core.access import ScopedManager
from gridgov.core.models import ScopedModel

from ..choices import ItemCategory, ItemUnit, ProviderKind
from ..scoping import ProviderScoped, ProviderSelf, manager

COMMUNITY = models.Q(level=3)  # divisions.choices.Level.COMMUNITY


class Provider(ScopedModel):
    """A provider registered with a community; `division_code` is the community's code. Its
    accounts (`ProviderMember`) see only its own orders."""

    community = models.ForeignKey("divisions.Division", verbose_name=_("社区"), on_delete=models.PROTECT,
                                  related_name="care_providers", limit_choices_to=COMMUNITY)
    kind = models.CharField(_("类型"), max_length=10, choices=ProviderKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("服务电话"), max_length=30, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    service_hours = models.CharField(_("服务时间"), max_length=100, blank=True)
    licence = models.CharField(_("营业执照/资质编号"), max_length=60, blank=True)
    is_active = models.BooleanField(_("在册"), default=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("登记时间"), null=True, blank=True)

    objects = manager(ProviderSelf)

    class Meta:
        verbose_name = _("服务商")
        verbose_name_plural = _("服务商")
        ordering = ["division_code", "kind", "id"]
        indexes = [models.Index(fields=["division_code", "kind", "is_active"], name="care_provider_div_kind")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("care:provider_detail", args=[self.pk])


class ProviderMember(models.Model):
    """An account that works for a provider (a provider account, kind=provider). One provider
    per account."""

    provider = models.ForeignKey(Provider, verbose_name=_("服务商"), on_delete=models.CASCADE, related_name="members")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.CASCADE,
                                related_name="care_membership")
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("开通时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("服务商账号")
        verbose_name_plural = _("服务商账号")

    def __str__(self):
        return f"{self.user} · {self.provider}"


class ServiceItem(ScopedModel):
    """A priced item a provider offers: a care service (助餐 …), a repair item or a product.
    `minutes` is what one unit counts for against subsidised hours (care services)."""

    provider = models.ForeignKey(Provider, verbose_name=_("服务商"), on_delete=models.CASCADE, related_name="items")
    category = models.CharField(_("类别"), max_length=10, choices=ItemCategory.choices)
    name = models.CharField(_("名称"), max_length=60)
    unit = models.CharField(_("单位"), max_length=10, choices=ItemUnit.choices, default=ItemUnit.TIME)
    price_fen = models.PositiveIntegerField(_("单价(分)"), validators=[MaxValueValidator(10_000_000)])
    minutes = models.PositiveSmallIntegerField(_("计时(分钟)"), default=0,
                                               help_text=_("每单位折算的服务时长，用于政府补贴时长"))
    description = models.CharField(_("说明"), max_length=200, blank=True)
    is_active = models.BooleanField(_("上架"), default=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=100)

    objects = manager(ProviderScoped)

    class Meta:
        verbose_name = _("服务项目")
        verbose_name_plural = _("服务项目")
        ordering = ["provider", "sort", "id"]

    def __str__(self):
        return f"{self.name}（{self.price_fen / 100:.2f} 元/{self.get_unit_display()}）"


class SubsidyRule(ScopedModel):
    """A government subsidy for home elderly care, as data: who is eligible (`min_age`, and/or
    all of `required_tags` among the person's care tags) and how many service minutes a month
    it pays for, for which categories. `division_code`: where it applies (a district, street
    or community code; residents under it)."""

    division = models.ForeignKey("divisions.Division", verbose_name=_("适用区划"), on_delete=models.PROTECT,
                                 related_name="care_subsidy_rules")
    name = models.CharField(_("规则名称"), max_length=60)
    min_age = models.PositiveSmallIntegerField(_("年龄不低于"), null=True, blank=True,
                                               validators=[MinValueValidator(0), MaxValueValidator(130)])
    required_tags = models.ManyToManyField("registry.CareTag", verbose_name=_("须同时具有的关爱人群标签"),
                                           blank=True, related_name="+")
    monthly_minutes = models.PositiveIntegerField(_("每月补贴时长(分钟)"), validators=[MaxValueValidator(44640)])
    categories = models.JSONField(_("适用服务类别"), default=list, blank=True,
                                  help_text=_("为空表示全部居家养老服务类别"))
    is_active = models.BooleanField(_("有效"), default=True)
    note = models.CharField(_("政策依据"), max_length=200, blank=True)

    objects = ScopedManager()  # residents meet rules through `subsidy.eligibility`, not visible_to

    class Meta:
        verbose_name = _("养老服务补贴规则")
        verbose_name_plural = _("养老服务补贴规则")
        ordering = ["division_code", "id"]

    def __str__(self):
        return self.name

    def describe(self):
        parts = []
        if self.min_age:
            parts.append(f"年满 {self.min_age} 周岁")
        tags = [t.name for t in self.required_tags.all()]
        if tags:
            parts.append("同时为" + "、".join(tags))
        return "且".join(parts) or "辖区居民"
