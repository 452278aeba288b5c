"""Choices of the party app (红色网格)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    """The four levels of the organisation, one per division level."""

    DISTRICT_COMMITTEE = "district", _("区委")
    STREET_COMMITTEE = "street", _("街道党工委")
    COMMUNITY_BRANCH = "community", _("社区党总支")
    GRID_BRANCH = "grid", _("网格党支部")


ORG_KIND_BY_LEVEL = {1: OrgKind.DISTRICT_COMMITTEE, 2: OrgKind.STREET_COMMITTEE, 3: OrgKind.COMMUNITY_BRANCH,
                     4: OrgKind.GRID_BRANCH}
ORG_SUFFIX = {OrgKind.DISTRICT_COMMITTEE: "区委", OrgKind.STREET_COMMITTEE: "党工委",
              OrgKind.COMMUNITY_BRANCH: "党总支", OrgKind.GRID_BRANCH: "党支部"}


class OrgHistoryAction(models.TextChoices):
    CREATED = "created", _("成立")
    RENAMED = "renamed", _("更名")
    MOVED = "moved", _("随网格调整")
    RETIRED = "retired", _("撤销")
    REACTIVATED = "reactivated", _("恢复")


class MemberCategory(models.TextChoices):
    RESIDENT = "resident", _("居民党员")
    IN_SERVICE = "in_service", _("在职党员")
    FLOATING = "floating", _("流动党员")
    RETIRED = "retired", _("离退休党员")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    LEFT = "left", _("已离开")


class RegistrationKind(models.TextChoices):
    REGISTER = "register", _("报到")
    TRANSFER = "transfer", _("转接")


class RequestStatus(models.TextChoices):
    """Status of a request a branch decides (registration, post claim)."""

    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("已驳回")
    ENDED = "ended", _("已结束")


class ItemSource(models.TextChoices):
    MANUAL = "manual", _("手工登记")
    CASES = "cases", _("上报事件（自动）")
    PROXY = "proxy", _("代办服务（自动）")
    VOLUNTEER = "volunteer", _("志愿活动签到（自动）")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("月度")
    QUARTER = "quarter", _("季度")
    YEAR = "year", _("年度")


MONTHS_IN = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}


class ActivityStatus(models.TextChoices):
    PENDING = "pending", _("待核实")
    VERIFIED = "verified", _("已核实")
    REJECTED = "rejected", _("已驳回")


class ScoreStatus(models.TextChoices):
    ON_TRACK = "on_track", _("进度正常")
    BEHIND = "behind", _("履职滞后")
    NO_POST = "no_post", _("未认岗")


class EventStatus(models.TextChoices):
    PUBLISHED = "published", _("报名中")
    CANCELLED = "cancelled", _("已取消")
    FINISHED = "finished", _("已结束")


class SignupStatus(models.TextChoices):
    SIGNED_UP = "signed_up", _("已报名")
    CHECKED_IN = "checked_in", _("已签到")
    ATTENDED = "attended", _("已完成")
    CANCELLED = "cancelled", _("已取消")


ACTIVE_SIGNUP = [SignupStatus.SIGNED_UP, SignupStatus.CHECKED_IN, SignupStatus.ATTENDED]


# Chinese labels of this app's audit actions (the audit log shows them)
AUDIT_LABELS = {
    "party.create_member": "新增党员", "party.update_member": "修改党员信息", "party.transfer_member": "党员组织关系转接",
    "party.member_leaves": "党员离开", "party.import_members": "导入党员", "party.export_members": "导出党员",
    "party.create_work_unit": "新增工作单位", "party.request_registration": "申请报到",
    "party.decide_registration": "审核报到", "party.claim_post": "申请认岗", "party.decide_claim": "审核认岗",
    "party.release_claim": "解除岗位", "party.log_activity": "登记服务记录", "party.record_platform_activity": "平台自动计入服务记录", "party.verify_activity": "核实服务记录",
    "party.publish_event": "发布志愿活动", "party.cancel_event": "取消志愿活动", "party.sign_up": "报名志愿活动",
    "party.cancel_signup": "取消报名", "party.check_in": "活动签到", "party.check_out": "活动签退",
    "party.run_scoring": "计算积分", "party.export_scores": "导出积分", "party.update_post": "修改岗位",
    "party.create_item": "新增服务事项", "party.update_item": "修改服务事项", "party.update_rule": "修改积分规则",
    "party.update_organization": "修改党组织", "party.sync_organizations": "同步党组织",
    "party.move_branch": "支部随网格调整", "party.follow_persons": "党员随网格调整",
}
