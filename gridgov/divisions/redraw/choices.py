from django.db import models
from django.utils.translation import gettext_lazy as _


class ProposalStatus(models.TextChoices):
    RUNNING = "running", _("计算中")
    DRAFT = "draft", _("待审核")
    PUBLISHED = "published", _("已发布")
    DISCARDED = "discarded", _("已放弃")
    FAILED = "failed", _("失败")


class PartitionMode(models.TextChoices):
    REDRAW = "redraw", _("重新划分")
    ADJUST = "adjust", _("动态调整现有网格")


class PartitionTarget(models.TextChoices):
    BALANCED = "balanced", _("均衡（每格户数接近中值）")
    MAX = "max", _("最多网格")


class ChangeKind(models.TextChoices):
    MOVE_COMMUNITY = "move_community", _("社区调整隶属街道")
    MERGE_COMMUNITIES = "merge_communities", _("社区合并")
    REGRID = "regrid", _("网格重划")
