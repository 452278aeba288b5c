"""The hall queue (取号叫号): service groups with a letter prefix, counters, tickets numbered
per group and day. Calling the next ticket is atomic (see `actions.queue.call_next`)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import ScopedModel

from ..choices import TicketChannel, TicketState

COMMUNITY = models.Q(level=3)


class ServiceGroup(ScopedModel):
    """A queue of a community's hall (综合受理 A, 社保医保 B …). `division_code`: the community."""

    community = models.ForeignKey("divisions.Division", verbose_name=_("社区"), on_delete=models.PROTECT,
                                  related_name="+", limit_choices_to=COMMUNITY)
    name = models.CharField(_("分组名称"), max_length=50)
    prefix = models.CharField(_("号码字母"), max_length=1)
    items = models.ManyToManyField("services.ServiceItem", verbose_name=_("可办事项"), blank=True,
                                   related_name="groups")
    is_active = models.BooleanField(_("启用"), default=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=10)

    class Meta:
        verbose_name = _("服务分组")
        verbose_name_plural = _("服务分组")
        ordering = ["division_code", "sort", "prefix"]
        constraints = [models.UniqueConstraint(fields=["community", "prefix"], name="svc_group_prefix_unique")]

    def __str__(self):
        return f"{self.prefix} {self.name}"


class Counter(ScopedModel):
    """A counter (窗口) of a community's hall, serving one or more groups; `staff` is the clerk
    signed in at it now."""

    community = models.ForeignKey("divisions.Division", verbose_name=_("社区"), on_delete=models.PROTECT,
                                  related_name="+", limit_choices_to=COMMUNITY)
    number = models.PositiveSmallIntegerField(_("窗口号"))
    name = models.CharField(_("窗口名称"), max_length=50, blank=True)
    groups = models.ManyToManyField(ServiceGroup, verbose_name=_("服务分组"), related_name="counters")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("当班人员"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("窗口")
        verbose_name_plural = _("窗口")
        ordering = ["division_code", "number"]
        constraints = [models.UniqueConstraint(fields=["community", "number"], name="svc_counter_unique")]

    def __str__(self):
        return f"{self.number} 号窗口"


class Ticket(ScopedModel):
    group = models.ForeignKey(ServiceGroup, verbose_name=_("服务分组"), on_delete=models.PROTECT,
                              related_name="tickets")
    day = models.DateField(_("日期"))
    seq = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("号码"), max_length=8)
    channel = models.CharField(_("取号方式"), max_length=12, choices=TicketChannel.choices)
    priority = models.BooleanField(_("优先"), default=False)
    state = models.CharField(_("状态"), max_length=12, choices=TicketState.choices, default=TicketState.WAITING)
    taken_at = models.DateTimeField(_("取号时间"))
    called_at = models.DateTimeField(_("叫号时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    call_count = models.PositiveSmallIntegerField(_("呼叫次数"), default=0)
    counter = models.ForeignKey(Counter, verbose_name=_("窗口"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="tickets")
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("叫号人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    person = models.ForeignKey("registry.Person", verbose_name=_("办事人"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    device_ref = models.CharField(_("终端"), max_length=60, blank=True)
    transferred_from = models.ForeignKey("self", verbose_name=_("转自"), null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("排队号")
        verbose_name_plural = _("排队号")
        ordering = ["day", "group", "seq"]
        permissions = [("call_ticket", "可以在窗口叫号")]
        constraints = [models.UniqueConstraint(fields=["group", "day", "seq"], name="svc_ticket_unique")]
        indexes = [models.Index(fields=["group", "day", "state", "priority", "taken_at"], name="svc_ticket_queue")]

    def __str__(self):
        return self.number

    @property
    def wait_minutes(self):
        if not self.called_at:
            return None
        return int((self.called_at - self.taken_at).total_seconds() // 60)
