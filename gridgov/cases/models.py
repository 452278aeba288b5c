"""Events (事件): categories, routing rules, cases, the typed case event table, attachments,
Open311 API keys."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.core import limits
from gridgov.core.access import ScopedQuerySet
from gridgov.core.media import MediaFileField
from gridgov.core.models import ScopedModel
from gridgov.core.uploads import CONTENT_TYPES as IMAGE_CONTENT_TYPES

from .choices import OPEN_STATES, AttachmentKind, CaseState, CategoryKind, Channel, EventKind, Step, Urgency  # noqa: F401


class CaseCategory(models.Model):
    """A two-level case class (大类/小类). Minor classes carry the registration and closing
    conditions, the default department and the per-step time limits (in working minutes)."""

    kind = models.CharField(_("类别"), max_length=12, choices=CategoryKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("大类"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    code = models.CharField(_("分类编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    sort = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    is_public = models.BooleanField(
        _("公开受理"), default=False,
        help_text=_("居民可在公开上报页和 Open311 接口选择此类别，其事件可进入公开事件列表；内部类别（如治安线索、特殊人群）不勾选"),
    )
    is_sensitive = models.BooleanField(
        _("敏感类别"), default=False, help_text=_("公开事件列表中不显示地址，坐标取整到约 1 公里"),
    )
    registration_condition = models.TextField(_("立案条件"), max_length=limits.NOTE, blank=True)
    closing_condition = models.TextField(_("结案条件"), max_length=limits.NOTE, blank=True)
    default_department = models.ForeignKey(
        "accounts.Department", verbose_name=_("默认处置部门"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    component_class = models.ForeignKey(
        "registry.ComponentClass", verbose_name=_("对应部件类型"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    urgent_allowed = models.BooleanField(_("可设为紧急"), default=True)
    accept_minutes = models.PositiveIntegerField(_("立案派遣时限(工作分钟)"), default=30)
    accept_minutes_urgent = models.PositiveIntegerField(_("紧急立案派遣时限(工作分钟)"), default=10)
    sign_minutes = models.PositiveIntegerField(_("签收时限(工作分钟)"), default=30)
    handle_minutes = models.PositiveIntegerField(_("处置时限(工作分钟)"), default=480)
    handle_minutes_urgent = models.PositiveIntegerField(_("紧急处置时限(工作分钟)"), default=120)
    verify_minutes_city = models.PositiveIntegerField(_("核查时限-城区(工作分钟)"), default=60)
    verify_minutes_rural = models.PositiveIntegerField(_("核查时限-农村(工作分钟)"), default=120)
    close_minutes = models.PositiveIntegerField(_("结案时限(工作分钟)"), default=60)
    duplicate_radius_m = models.PositiveIntegerField(_("重复判定半径(米)"), default=50)
    extra_questions = models.JSONField(
        _("补充问题"), default=list, blank=True,
        help_text=_("列表：[{code, label, datatype(string|number|datetime|text|singlevaluelist|multivaluelist), "
                    "required, values:[{key,name}]}]，即 Open311 属性"),
    )

    class Meta:
        verbose_name = _("事件分类")
        verbose_name_plural = _("事件分类")
        ordering = ["kind", "sort", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="casecategory_not_own_parent",
                violation_error_message="分类不能是自己的大类",
            ),
        ]

    def __str__(self):
        return f"{self.parent.name}/{self.name}" if self.parent_id and self.parent else self.name

    @property
    def is_minor(self):
        return self.parent_id is not None


class RoutingRule(models.Model):
    """Auto-dispatch: rules are tried by `order`; the first whose class (minor, or its major) and
    division prefix match gives the department. No match → the class's default department."""

    order = models.PositiveIntegerField(_("顺序"), default=100)
    category = models.ForeignKey(
        CaseCategory, verbose_name=_("事件分类"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="routing_rules", help_text=_("空：任意分类；大类匹配其全部小类"),
    )
    division_prefix = models.CharField(_("区划前缀"), max_length=15, blank=True, help_text=_("空：全区"))
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("派遣部门"), on_delete=models.CASCADE, related_name="+"
    )
    is_active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("派遣规则")
        verbose_name_plural = _("派遣规则")
        ordering = ["order", "id"]

    def __str__(self):
        return f"#{self.order} {self.category or '任意分类'} {self.division_prefix or '全区'} → {self.department}"


class CaseQuerySet(ScopedQuerySet):
    """Scoped by division prefix. A role assignment bound to a department (部门处置人员) grants
    sight of the cases currently dispatched to that department, not of a territory (the
    department rule of `core.access`, shared with `can`)."""

    department_field = "current_department"

    def open(self):
        return self.filter(state__in=OPEN_STATES)


class Case(ScopedModel):
    """One event (案卷) from report to rating. `state` is moved only by the transitions in
    `workflow.TRANSITIONS`; the running step's deadline is `due_at`/`warn_at`."""

    number = models.CharField(_("案卷号"), max_length=20, unique=True)
    public_token = models.CharField(_("查询码"), max_length=24, unique=True)
    title = models.CharField(_("标题"), max_length=120)
    description = models.TextField(_("问题描述"), max_length=limits.TEXT, blank=True)
    category = models.ForeignKey(CaseCategory, verbose_name=_("事件分类"), on_delete=models.PROTECT,
                                 related_name="cases")
    public_summary = models.CharField(
        _("公开摘要"), max_length=limits.REASON, blank=True,
        help_text=_("经工作人员审核后在公开事件列表中显示的说明；未审核的事件不公开任何描述和照片"),
    )
    published_at = models.DateTimeField(_("公开审核时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("公开审核人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    channel = models.CharField(_("来源渠道"), max_length=10, choices=Channel.choices, db_index=True)
    state = models.CharField(_("状态"), max_length=12, choices=CaseState.choices, default=CaseState.REPORTED)
    grid = models.ForeignKey("divisions.Division", verbose_name=_("网格"), on_delete=models.PROTECT,
                             related_name="cases")
    is_rural = models.BooleanField(_("农村地区"), default=False)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    component = models.ForeignKey("registry.Component", verbose_name=_("城市部件"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="cases")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上报人账号"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="reported_cases")
    reporter_name = models.CharField(_("上报人"), max_length=50, blank=True)
    reporter_phone_masked = models.CharField(_("联系电话(脱敏)"), max_length=20, blank=True)
    reporter_phone_hash = models.CharField(_("联系电话(散列)"), max_length=64, blank=True, db_index=True)
    reporter_ip_hash = models.CharField(_("来源地址(散列)"), max_length=64, blank=True, db_index=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    api_key = models.ForeignKey("cases.Open311ApiKey", verbose_name=_("接口密钥"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="cases")
    attributes = models.JSONField(_("补充信息"), default=dict, blank=True)
    parent = models.ForeignKey("self", verbose_name=_("合并至"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="children")
    current_department = models.ForeignKey(
        "accounts.Department", verbose_name=_("当前处置部门"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="cases",
    )
    reported_at = models.DateTimeField(_("上报时间"), db_index=True)
    registered_at = models.DateTimeField(_("立案时间"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("派遣时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    handled_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    verified_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    step = models.CharField(_("计时环节"), max_length=10, choices=Step.choices, blank=True, default="")
    step_started_at = models.DateTimeField(_("环节开始"), null=True, blank=True)
    due_at = models.DateTimeField(_("环节截止"), null=True, blank=True, db_index=True)
    warn_at = models.DateTimeField(_("环节预警"), null=True, blank=True)
    escalate_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    warned = models.BooleanField(_("已预警"), default=False)
    overdue = models.BooleanField(_("已超期"), default=False, db_index=True)
    escalation_level = models.PositiveSmallIntegerField(_("督办级别"), default=0)
    deferral_pending = models.BooleanField(_("缓办待批"), default=False)
    deferred_minutes = models.PositiveIntegerField(_("已批缓办(工作分钟)"), default=0)
    rating = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True)
    rating_comment = models.CharField(_("评价内容"), max_length=300, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("事件")
        verbose_name_plural = _("事件")
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["state", "due_at"], name="case_state_due"),
            models.Index(fields=["current_department", "state"], name="case_dept_state"),
            # a department handler's list, newest first: walked in order, stops at the page
            models.Index(fields=["current_department", "reported_at"], name="case_dept_reported"),
            models.Index(fields=["category", "state"], name="case_cat_state"),
            # keyword search within a scope: an index-only scan of a street's rows (PostgreSQL)
            models.Index(fields=["division_code"], name="case_code_search", include=["number", "title", "address"],
                         opclasses=["varchar_pattern_ops"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="case_rating_range",
                violation_error_message="满意度必须在 1 到 5 之间",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="case_not_own_parent",
                violation_error_message="事件不能合并到自己",
            ),
        ]
        permissions = [
            ("register_case", "可以立案"), ("dispatch_case", "可以派遣"), ("handle_case", "可以处置"),
            ("verify_case", "可以核查"), ("close_case", "可以结案"), ("supervise_case", "可以督办"),
            ("solve_in_grid", "可以网格内自行解决"), ("change_category", "可以管理事件分类"),
            ("view_evaluation", "可以查看综合评价"), ("manage_open311", "可以管理 Open311 密钥"),
            ("publish_case", "可以审核事件的公开内容"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def is_open(self):
        return self.state in OPEN_STATES


class CaseEvent(models.Model):
    """One step of a case's history (typed, append-only). Evaluation is computed from these rows:
    each carries the case's department, grid code and class at that moment, and for timed steps
    the deadline it was measured against and whether it was met."""

    case = models.ForeignKey(Case, verbose_name=_("事件"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("类型"), max_length=16, choices=EventKind.choices)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("操作人姓名"), max_length=50, blank=True)
    from_state = models.CharField(_("原状态"), max_length=12, choices=CaseState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=12, choices=CaseState.choices, blank=True)
    note = models.TextField(_("说明"), max_length=limits.NOTE, blank=True)
    department = models.ForeignKey("accounts.Department", verbose_name=_("部门"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    division_code = models.CharField(_("区划代码"), max_length=15)
    category = models.ForeignKey(CaseCategory, verbose_name=_("事件分类"), null=True, on_delete=models.SET_NULL,
                                 related_name="+")
    channel = models.CharField(_("来源渠道"), max_length=10, choices=Channel.choices, blank=True)
    due_at = models.DateTimeField(_("时限"), null=True, blank=True)
    on_time = models.BooleanField(_("按期"), null=True)
    elapsed_minutes = models.PositiveIntegerField(_("用时(工作分钟)"), null=True, blank=True)
    deferred = models.BooleanField(_("含缓办"), default=False)
    rating = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True)
    data = models.JSONField(_("附加数据"), default=dict, blank=True)

    class Meta:
        verbose_name = _("事件流转记录")
        verbose_name_plural = _("事件流转记录")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["at", "kind"], name="caseevent_at_kind"),
            models.Index(fields=["case", "at"], name="caseevent_case_at"),
        ]

    def __str__(self):
        return f"{self.case_id} {self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


def _upload_to(instance, filename):  # kept for old migrations; new files get random names (MediaFileField)
    import os
    import secrets

    ext = os.path.splitext(filename)[1].lower()[:8]
    return f"cases/{instance.case_id}/{secrets.token_hex(8)}{ext}"


class CaseAttachment(models.Model):
    """A photo or document attached to a case (on report, feedback, verification, evidence)."""

    case = models.ForeignKey(Case, verbose_name=_("事件"), on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(CaseEvent, verbose_name=_("流转记录"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="attachments")
    kind = models.CharField(_("类型"), max_length=10, choices=AttachmentKind.choices)
    file = MediaFileField(_("文件"), prefix="cases", owner="case")
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("事件附件")
        verbose_name_plural = _("事件附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.file.name

    @property
    def is_image(self):
        return self.file.name.lower().rsplit(".", 1)[-1] in IMAGE_CONTENT_TYPES

    @classmethod
    def public_media(cls, queryset):
        """Photos anyone may fetch: those of cases published after staff approval (`published_at`),
        never of sensitive classes (cases/publication.py, ADR 0024)."""
        return queryset.filter(case__published_at__isnull=False, case__category__is_public=True,
                               case__category__is_sensitive=False)


class Open311ApiKey(models.Model):
    """A key an Open311 client sends as `api_key`. Only a SHA-256 hash is stored; the key is
    shown once when created."""

    name = models.CharField(_("名称"), max_length=80)
    prefix = models.CharField(_("前缀"), max_length=8, db_index=True)
    key_hash = models.CharField(_("密钥散列"), max_length=64, unique=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 密钥")
        verbose_name_plural = _("Open311 密钥")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"



class StatCounts(models.Model):
    """The summable evaluation counts (see `rollup.count_expressions`), shared by the sums tables.

    The department and class carry no foreign-key constraint in the database (ADR 0046): every
    row is derived from `CaseEvent`, whose own constraints already hold, and is rewritten
    wholesale; a constraint would only make each rebuild check a million rows again (7 s of
    deferred checks at commit on the district demo). Deleting a department or class still
    deletes its sums (Django's cascade)."""

    division_code = models.CharField(_("区划代码"), max_length=15)
    department = models.ForeignKey("accounts.Department", verbose_name=_("部门"), null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="+", db_constraint=False)
    category = models.ForeignKey(CaseCategory, verbose_name=_("事件分类"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="+", db_constraint=False)
    reported = models.PositiveIntegerField(_("上报数"), default=0)
    registered = models.PositiveIntegerField(_("立案数"), default=0)
    dispatched = models.PositiveIntegerField(_("派遣数"), default=0)
    dispatched_on_time = models.PositiveIntegerField(_("及时派遣数"), default=0)
    returned = models.PositiveIntegerField(_("退回数"), default=0)
    handled = models.PositiveIntegerField(_("处置数"), default=0)
    rehandled = models.PositiveIntegerField(_("返工后再处置数"), default=0)
    handled_on_time = models.PositiveIntegerField(_("按期处置数"), default=0)
    handled_on_time_strict = models.PositiveIntegerField(_("按原时限按期处置数"), default=0)
    handled_deferred = models.PositiveIntegerField(_("缓办处置数"), default=0)
    handle_minutes = models.BigIntegerField(_("处置用时(工作分钟)"), default=0)
    rework = models.PositiveIntegerField(_("返工数"), default=0)
    closed = models.PositiveIntegerField(_("结案数"), default=0)
    closed_on_time = models.PositiveIntegerField(_("按期结案数"), default=0)
    closed_on_time_strict = models.PositiveIntegerField(_("按原时限按期结案数"), default=0)
    closed_deferred = models.PositiveIntegerField(_("缓办结案数"), default=0)
    rated = models.PositiveIntegerField(_("评价数"), default=0)
    rating_sum = models.PositiveIntegerField(_("评价星数"), default=0)

    class Meta:
        abstract = True


class CaseStatDay(StatCounts):
    """Per-day sums of the case event table by grid, department and class (a derived cache,
    rebuilt from `CaseEvent` for whole past days by `rollup.build`; never incremented in place).
    Evaluation reads it for whole days before `CaseRollupState.built_until` and the events
    themselves for everything after, so the figures are exact."""

    day = models.DateField(_("日期"))

    class Meta:
        verbose_name = _("事件日统计")
        verbose_name_plural = _("事件日统计")
        indexes = [models.Index(fields=["day", "division_code"], name="casestatday_day_code")]

    def __str__(self):
        return f"{self.day} {self.division_code}"


class CaseStatRollup(StatCounts):
    """Coarser sums derived from `CaseStatDay` (never from anything else, never incremented in
    place), so that a year of evaluation reads thousands of rows instead of half a million.
    `level` is "<grain>-<period>":

    * grain `grid`: per grid only (department and class left empty): the street, community,
      grid and grid-worker views without a class filter;
    * grain `district` / `street`: per district (6-digit code) or street (9-digit code),
      department and class: the department and class views, and views filtered by class, when
      the viewer's scope is no narrower than the grain;
    * grain `fine`: per grid, department and class (monthly only; the daily ones are
      `CaseStatDay`): everything else.

    The period is a day or a calendar month starting at `start`; months are written only once
    every day of them is summed. (One column rather than grain + period: the planner then
    knows how many rows a level has.)"""

    GRAINS = {"grid": (15, False), "district": (6, True), "street": (9, True), "fine": (15, True)}  # code length,
    # keeps department and class
    LEVELS = [("grid-day", "网格/日"), ("grid-month", "网格/月"), ("district-day", "区县×部门×小类/日"),
              ("district-month", "区县×部门×小类/月"), ("street-day", "街道×部门×小类/日"),
              ("street-month", "街道×部门×小类/月"), ("fine-month", "网格×部门×小类/月")]

    level = models.CharField(_("粒度/周期"), max_length=16, choices=LEVELS)
    start = models.DateField(_("起始日期"))

    class Meta:
        verbose_name = _("事件汇总统计")
        verbose_name_plural = _("事件汇总统计")
        indexes = [models.Index(fields=["level", "start", "division_code"], name="casestatrollup_key")]

    def __str__(self):
        return f"{self.level} {self.start} {self.division_code}"


class CaseRollupState(models.Model):
    """One row: days before `built_until` are summed in `CaseStatDay`."""

    built_until = models.DateField(_("已汇总至(不含)"), null=True, blank=True)
    built_at = models.DateTimeField(_("汇总时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("事件汇总状态")
        verbose_name_plural = _("事件汇总状态")

    def __str__(self):
        return str(self.built_until or "—")
