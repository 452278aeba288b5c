"""Party members, their registration at a grid (报到) and the post they claim (认岗)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core import limits
from gridgov.core.models import ScopedModel

from ..choices import ItemSource, MemberCategory, MemberStatus, PeriodKind, RegistrationKind, RequestStatus


class PartyMember(ScopedModel):
    """A party member known to the platform, linked to the registry person and optionally a
    user account (for the self-service pages). `grid` is the grid where the member lives and
    serves; `branch` is the grid branch once registration is approved. `division_code` is the
    grid's code."""

    person = models.OneToOneField(
        "registry.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="party_member"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="party_member",
    )
    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    category = models.CharField(_("党员类别"), max_length=12, choices=MemberCategory.choices, db_index=True)
    work_unit = models.ForeignKey(
        "party.WorkUnit", verbose_name=_("工作单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="members",
    )
    origin_organization = models.CharField(_("原党组织"), max_length=120, blank=True,
                                           help_text=_("流动党员的组织关系所在党组织"))
    joined_on = models.DateField(_("入党日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=MemberStatus.choices, default=MemberStatus.ACTIVE,
                              db_index=True)
    grid = models.ForeignKey("divisions.Division", verbose_name=_("居住网格"), on_delete=models.PROTECT,
                             related_name="+")
    branch = models.ForeignKey(
        "party.PartyOrganization", verbose_name=_("报到支部"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="members",
    )
    registered_at = models.DateTimeField(_("报到时间"), null=True, blank=True)
    skills = models.CharField(_("特长"), max_length=200, blank=True)
    left_on = models.DateField(_("离开日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        ordering = ["division_code", "name", "id"]
        indexes = [models.Index(fields=["branch", "status"], name="party_member_branch_status")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(category=MemberCategory.IN_SERVICE) | models.Q(work_unit__isnull=False),
                name="party_member_inservice_unit", violation_error_message="在职党员必须填写工作单位",
            ),
        ]
        permissions = [("import_partymember", "可以导入党员"), ("export_partymember", "可以导出党员")]

    def __str__(self):
        return self.name

    @property
    def is_registered(self):
        return self.branch_id is not None


class Registration(ScopedModel):
    """A member's request to register (报到) at — or transfer to — a grid branch; the branch
    approves it. `division_code` is the branch's grid code so the branch sees its queue."""

    member = models.ForeignKey(PartyMember, verbose_name=_("党员"), on_delete=models.CASCADE,
                               related_name="registrations")
    branch = models.ForeignKey("party.PartyOrganization", verbose_name=_("报到支部"), on_delete=models.PROTECT,
                               related_name="registrations")
    kind = models.CharField(_("类型"), max_length=10, choices=RegistrationKind.choices,
                            default=RegistrationKind.REGISTER)
    status = models.CharField(_("状态"), max_length=10, choices=RequestStatus.choices,
                              default=RequestStatus.PENDING, db_index=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    requested_at = models.DateTimeField(_("申请时间"))
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decision_note = models.CharField(_("审核意见"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("党员报到")
        verbose_name_plural = _("党员报到")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=models.Q(status="pending"), name="party_registration_one_pending",
                violation_error_message="已有待审核的报到申请",
            ),
        ]

    def __str__(self):
        return f"{self.member} → {self.branch}"


class RolePost(models.Model):
    """One of the six posts (六员) a member claims (认岗领责), with its duties, the number of
    members a grid needs in it, and the points target per period."""

    code = models.CharField(_("岗位编码"), max_length=30, unique=True)
    name = models.CharField(_("岗位名称"), max_length=30)
    duties = models.TextField(_("岗位职责"), max_length=limits.NOTE, blank=True)
    capacity_per_grid = models.PositiveSmallIntegerField(_("每网格名额"), default=5)
    target_period = models.CharField(_("考核周期"), max_length=8, choices=PeriodKind.choices,
                                     default=PeriodKind.MONTH)
    target_points = models.DecimalField(_("周期目标积分"), max_digits=8, decimal_places=1, default=10)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("六员岗位")
        verbose_name_plural = _("六员岗位")
        ordering = ["sort", "id"]

    def __str__(self):
        return self.name


class ServiceItem(models.Model):
    """A quantified service standard of a post: what counts, where it comes from, and how many
    points one unit earns."""

    post = models.ForeignKey(RolePost, verbose_name=_("岗位"), on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("服务事项"), max_length=60)
    standard = models.CharField(_("量化标准"), max_length=200, blank=True)
    source = models.CharField(_("数据来源"), max_length=10, choices=ItemSource.choices,
                              default=ItemSource.MANUAL)
    points = models.DecimalField(_("每次积分"), max_digits=6, decimal_places=1, default=1)
    # Caps (data, editable per item; empty = no cap): one record of quantity 12 must not outscore
    # the month's target (party.capping)
    max_points_per_record = models.DecimalField(
        _("每条记录积分上限"), max_digits=6, decimal_places=1, null=True, blank=True,
        help_text=_("一条记录（无论数量多少）最多计多少分；留空为不限"))
    max_points_per_day = models.DecimalField(
        _("每人每日积分上限"), max_digits=6, decimal_places=1, null=True, blank=True,
        help_text=_("同一党员同一天在本事项上最多计多少分；留空为不限"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("服务事项")
        verbose_name_plural = _("服务事项")
        ordering = ["post", "id"]

    def __str__(self):
        return f"{self.post.name}·{self.name}" if self.post_id else self.name


class PostClaim(ScopedModel):
    """A member claims a post (认岗) in their grid; the branch approves within the post's
    per-grid capacity. At most one pending or approved claim per member."""

    member = models.ForeignKey(PartyMember, verbose_name=_("党员"), on_delete=models.CASCADE, related_name="claims")
    post = models.ForeignKey(RolePost, verbose_name=_("岗位"), on_delete=models.PROTECT, related_name="claims")
    branch = models.ForeignKey("party.PartyOrganization", verbose_name=_("支部"), on_delete=models.PROTECT,
                               related_name="claims")
    skills = models.CharField(_("特长说明"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=RequestStatus.choices,
                              default=RequestStatus.PENDING, db_index=True)
    requested_at = models.DateTimeField(_("申请时间"))
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decision_note = models.CharField(_("审核意见"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("认岗")
        verbose_name_plural = _("认岗")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=models.Q(status__in=["pending", "approved"]),
                name="party_claim_one_active", violation_error_message="该党员已认领岗位或有待审核的认岗申请",
            ),
        ]
        indexes = [models.Index(fields=["branch", "post", "status"], name="party_claim_branch_post")]

    def __str__(self):
        return f"{self.member} · {self.post}"
