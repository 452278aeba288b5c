"""The party organisation tree, bound to the division tree (支部建在网格上)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import ScopedModel

from ..choices import OrgHistoryAction, OrgKind


class PartyOrganization(ScopedModel):
    """One party organisation per division: 区委 (district) → 街道党工委 (street) → 社区党总支
    (community) → 网格党支部 (grid). Kept in step with the division tree by
    `actions.sync_organizations`; `division_code` is the division's code."""

    division = models.OneToOneField(
        "divisions.Division", verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="party_org"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("上级党组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    kind = models.CharField(_("组织类型"), max_length=12, choices=OrgKind.choices, db_index=True)
    name = models.CharField(_("组织名称"), max_length=120)
    secretary = models.ForeignKey(
        "party.PartyMember", verbose_name=_("书记"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    committee = models.ManyToManyField(
        "party.PartyMember", verbose_name=_("委员"), blank=True, related_name="committee_of"
    )
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    residents_committee = models.CharField(_("居委会"), max_length=100, blank=True)
    workstation = models.CharField(_("社区工作站"), max_length=100, blank=True)
    is_active = models.BooleanField(_("有效"), default=True, db_index=True)
    created_at = models.DateTimeField(_("成立时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        ordering = ["division_code"]

    def __str__(self):
        return self.name

    @property
    def is_branch(self):
        return self.kind == OrgKind.GRID_BRANCH


class OrganizationHistory(models.Model):
    """What happened to an organisation when the division tree changed (history is data)."""

    organization = models.ForeignKey(
        PartyOrganization, verbose_name=_("党组织"), on_delete=models.CASCADE, related_name="history"
    )
    at = models.DateTimeField(_("时间"), db_index=True)
    action = models.CharField(_("变更类型"), max_length=12, choices=OrgHistoryAction.choices)
    from_division = models.ForeignKey(
        "divisions.Division", verbose_name=_("原区划"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    to_division = models.ForeignKey(
        "divisions.Division", verbose_name=_("新区划"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    members_moved = models.PositiveIntegerField(_("随迁党员数"), default=0)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("党组织变更记录")
        verbose_name_plural = _("党组织变更记录")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.organization} {self.get_action_display()}"


class WorkUnit(ScopedModel):
    """The employer of in-service members (在职党员所在单位): the other half of dual
    management. `division_code` is where the unit sits (a district code when unknown)."""

    name = models.CharField(_("单位名称"), max_length=120, unique=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    division = models.ForeignKey(
        "divisions.Division", verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+"
    )
    party_org_name = models.CharField(_("单位党组织"), max_length=120, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("党员工作单位")
        verbose_name_plural = _("党员工作单位")
        ordering = ["name"]

    def __str__(self):
        return self.name
