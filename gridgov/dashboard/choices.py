"""Choices of the dashboard app: the indicator library and the values' review states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorGroup(models.TextChoices):
    """The three fives of 三五工程."""

    IMPROVE = "improve", _("五个提升")
    FULL = "full", _("五个100%")
    COVERAGE = "coverage", _("五个全覆盖")


class Direction(models.TextChoices):
    HIGHER = "higher", _("越高越好")
    LOWER = "lower", _("越低越好")


class IndicatorLevel(models.IntegerChoices):
    """The level an indicator's values are kept at (divisions.choices.Level numbers)."""

    DISTRICT = 1, _("区")
    STREET = 2, _("街道")
    COMMUNITY = 3, _("社区（村）")


class Source(models.TextChoices):
    COMPUTED = "computed", _("平台计算")
    REPORTED = "reported", _("部门填报")


class Aggregation(models.TextChoices):
    """How community values roll up to a street and the district."""

    MEAN = "mean", _("平均")
    SUM = "sum", _("合计")
    SHARE = "share", _("达标比例")  # % of children whose value meets the target


class Period(models.TextChoices):
    MONTH = "month", _("月度")
    QUARTER = "quarter", _("季度")
    YEAR = "year", _("年度")


class ValueStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已审核")
    REJECTED = "rejected", _("已退回")


class Rag(models.TextChoices):
    GREEN = "green", _("进度正常")
    AMBER = "amber", _("略有滞后")
    RED = "red", _("明显滞后")
    NONE = "none", _("暂无数据")


# Chinese labels of this app's audit actions (the audit log shows them; manifest `audit_labels`)
AUDIT_LABELS = {
    "dashboard.report_value": "填报三五工程指标", "dashboard.approve_value": "审核通过指标值",
    "dashboard.reject_value": "退回指标值", "dashboard.refresh_computed": "重新计算平台指标",
    "dashboard.save_definition": "保存三五工程指标定义",
}
