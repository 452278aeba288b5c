"""Proxy services (双代): a need of a resident in a care group, assigned to (or claimed by) a
party member of the grid's branch, who files the application (channel proxy) with a photo of
the signed 委托书, follows it, and delivers the result with the resident's confirmation. Every
transition is a `ProxyNeedEvent`. Who sees which need: `ProxyNeedQuerySet.visible_to`."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gridgov.core import limits
from gridgov.core.access import ALL, ScopedManager, ScopedQuerySet, perm_name, prefix_q, scope_prefixes
from gridgov.core.media import MediaFileField
from gridgov.core.models import ScopedModel

from ..choices import NeedEventKind, NeedSource, NeedState


def member_of(user):
    """(member id, branch grid code) of the active, registered party member linked to `user`,
    or None. Cached on the user object."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    cache = user.__dict__
    if "_proxy_member" not in cache:
        from gridgov.party.choices import MemberStatus
        from gridgov.party.models import PartyMember

        row = (PartyMember.objects.filter(user_id=user.pk, status=MemberStatus.ACTIVE, branch__isnull=False)
               .values_list("pk", "branch__division_code").first())
        cache["_proxy_member"] = row
    return cache["_proxy_member"]


class ProxyNeedQuerySet(ScopedQuerySet):
    """Staff see needs by division prefix (`services.<action>_proxyneed`), as everywhere. A party
    member linked to the signed-in account also sees, for viewing only, the needs assigned to
    them and the unassigned (待分派) needs of their own branch's grid, which they may claim; the
    pages show an unclaimed need's resident masked (ADR: proxy services)."""

    def visible_to(self, user, action="view"):
        prefixes = scope_prefixes(user, perm_name(self.model, action))
        if prefixes == ALL:
            return self
        q = prefix_q(self.scope_field, prefixes) if prefixes else Q(pk__in=[])
        member = member_of(user) if action == "view" else None
        if member is not None:
            member_id, branch_code = member
            q |= Q(member_id=member_id)
            if branch_code:
                q |= Q(state=NeedState.OPEN, member__isnull=True, division_code=branch_code)
        elif not prefixes:
            return self.none()
        return self.filter(q)


class ProxyNeed(ScopedModel):
    """`division_code`: the resident's grid code. `assign_due_at` is the stored deadline for
    assignment (recorded + 2 working days on the work calendar); the sweep alerts once after it."""

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
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True,
                                    help_text=_("家属代为提出时填写家属姓名与关系"))
    assign_due_at = models.DateTimeField(_("应分派时间"), null=True, blank=True)
    member = models.ForeignKey("party.PartyMember", verbose_name=_("代办党员"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField(_("分派时间"), null=True, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("分派人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    claimed = models.BooleanField(_("党员认领"), default=False)
    alerted = models.BooleanField(_("已超时提醒"), default=False)
    application = models.ForeignKey("services.Application", verbose_name=_("办件"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    filed_at = models.DateTimeField(_("代办提交时间"), null=True, blank=True)
    mandate_photo = MediaFileField(_("委托书照片"), prefix="services/mandates", blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    delivery_photo = MediaFileField(_("送达确认照片"), prefix="services/deliveries", blank=True)
    resident_confirmed = models.BooleanField(_("居民已确认"), default=False)
    confirmed_by = models.CharField(_("签收人"), max_length=50, blank=True)
    delivery_note = models.CharField(_("送达说明"), max_length=300, blank=True)
    activity_ref = models.CharField(_("党员服务记录"), max_length=40, blank=True)
    cancelled_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    cancel_reason = models.CharField(_("撤销原因"), max_length=300, blank=True)

    objects = ScopedManager.from_queryset(ProxyNeedQuerySet)()

    class Meta:
        verbose_name = _("代办需求")
        verbose_name_plural = _("代办需求")
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["state", "division_code"], name="svc_need_state_div"),
            models.Index(fields=["member", "state"], name="svc_need_member_state"),
        ]
        permissions = [("assign_proxyneed", "可以分派代办需求")]

    def __str__(self):
        return self.description[:30]

    def get_absolute_url(self):
        return reverse("services:need_detail", args=[self.pk])


class ProxyNeedEvent(models.Model):
    """One step of a need's history (typed, append-only), read through the need."""

    need = models.ForeignKey(ProxyNeed, verbose_name=_("代办需求"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("类型"), max_length=10, choices=NeedEventKind.choices)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("操作人姓名"), max_length=50, blank=True)
    from_state = models.CharField(_("原状态"), max_length=10, choices=NeedState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=10, choices=NeedState.choices, blank=True)
    note = models.TextField(_("说明"), max_length=limits.NOTE, blank=True)
    data = models.JSONField(_("附加数据"), default=dict, blank=True)

    class Meta:
        verbose_name = _("代办流转记录")
        verbose_name_plural = _("代办流转记录")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.need_id} {self.get_kind_display()}"
