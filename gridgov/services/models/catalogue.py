"""The service catalogue (事项清单): an item and its versions.

`ServiceItem` is the stable identity (code, name, department, category, active flag).
Everything a resident is asked or promised lives on `ServiceItemVersion`: eligibility rules,
materials and form fields (all data, in the spirit of Open311 service definitions), legal
basis, promised and statutory working days, fee and channels. Editing an item publishes a new
version; an application keeps the version it was filed under (`Application.version`).

Data shapes (validated in `gridgov.services.catalogue`):
- eligibility: {"min_age": int, "max_age": int, "care_tags_any": [code], "residence_types":
  [registry ResidenceType], "in_community": bool}
- materials: [{"key", "name", "original": "original"|"copy"|"both", "count": int, "required": bool,
  "note"}]
- fields: [{"key", "label", "type": FieldType, "required": bool, "choices": [str], "prefill":
  "name"|"id_number"|"phone"|"birth_date"|"address"|""}]
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gridgov.core import limits

from ..choices import Category, Handling


class ServiceItem(models.Model):
    """One item of the catalogue (district-wide, not scoped: every community offers it)."""

    code = models.CharField(_("事项编码"), max_length=30, unique=True)
    name = models.CharField(_("事项名称"), max_length=100)
    department = models.ForeignKey("accounts.Department", verbose_name=_("主管部门"), on_delete=models.PROTECT,
                                   related_name="service_items")
    category = models.CharField(_("类别"), max_length=12, choices=Category.choices, default=Category.OTHER)
    is_active = models.BooleanField(_("启用"), default=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=100)
    current = models.ForeignKey("services.ServiceItemVersion", verbose_name=_("现行版本"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("服务事项")
        verbose_name_plural = _("服务事项")
        ordering = ["sort", "code"]
        permissions = [("publish_serviceitem", "可以编辑发布服务事项")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("services:item_detail", args=[self.pk])


class ServiceItemVersion(models.Model):
    """An immutable version of an item's rules. Published versions are never edited."""

    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    description = models.TextField(_("事项说明"), max_length=limits.TEXT, blank=True)
    conditions = models.TextField(_("办理条件"), max_length=limits.TEXT, blank=True)
    eligibility = models.JSONField(_("资格规则"), default=dict, blank=True)
    materials = models.JSONField(_("申请材料"), default=list, blank=True)
    fields = models.JSONField(_("表单字段"), default=list, blank=True)
    legal_basis = models.TextField(_("设定依据"), max_length=limits.TEXT, blank=True)
    promised_days = models.PositiveSmallIntegerField(_("承诺时限(工作日)"), default=5)
    statutory_days = models.PositiveSmallIntegerField(_("法定时限(工作日)"), default=20)
    fee_fen = models.PositiveIntegerField(_("收费(分)"), default=0)
    channels = models.JSONField(_("办理渠道"), default=list, blank=True)
    handling = models.CharField(_("办理方式"), max_length=10, choices=Handling.choices, default=Handling.COMPLETE)
    result_name = models.CharField(_("办理结果"), max_length=100, blank=True)
    published_at = models.DateTimeField(_("发布时间"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("服务事项版本")
        verbose_name_plural = _("服务事项版本")
        ordering = ["item", "-number"]
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="service_item_version_unique")]

    def __str__(self):
        return f"{self.item.name} 第{self.number}版"

    @property
    def fee_display(self):
        return "不收费" if not self.fee_fen else f"{self.fee_fen / 100:.2f} 元"

    def channel_labels(self):
        from ..choices import Channel

        return [str(Channel(c).label) for c in self.channels if c in Channel.values]
