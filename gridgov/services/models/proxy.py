"""Proxy services (双代): a need of a resident in a care group, assigned to a party member of
the grid's branch, who files the application (channel proxy) and delivers the result."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.media import MediaFileField
from gridgov.core.models import ScopedModel

from ..choices import NeedSource, NeedState


class ProxyNeed(ScopedModel):
    """`division_code`: the resident's grid code."""

    person = models.ForeignKey("registry.Person", verbose_name=_("服务对象"), on_delete=models.PROTECT,
                               related_name="+")
    item = models.ForeignKey("services.ServiceItem", verbose_name=_("代办事项"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("需求说明"), max_length=300)
    source = models.CharField(_("来源"), max_length=12, choices=NeedSource.choices)
    state = models.CharField(_("状态"), max_length=10, choices=NeedState.choices, default=NeedState.OPEN)
    recorded_at = models.DateTimeField(_("登记时间"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    member = models.ForeignKey("party.PartyMember", verbose_name=_("代办党员"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField(_("分派时间"), null=True, blank=True)
    alerted = models.BooleanField(_("已超时提醒"), default=False)
    application = models.ForeignKey("services.Application", verbose_name=_("办件"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    mandate_photo = MediaFileField(_("委托书照片"), prefix="services/mandates", blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    delivery_photo = MediaFileField(_("送达确认照片"), prefix="services/deliveries", blank=True)
    resident_confirmed = models.BooleanField(_("居民已确认"), default=False)
    activity_ref = models.CharField(_("党员服务记录"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("代办需求")
        verbose_name_plural = _("代办需求")
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["state", "division_code"], name="svc_need_state_div")]

    def __str__(self):
        return self.description[:30]
