"""Choices of the community app: facility status and categories, committee and workstation posts."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FacilityStatus(models.TextChoices):
    BUILT = "built", _("已建成")
    BUILDING = "building", _("在建")
    PLANNED = "planned", _("规划")


class FacilityCategory(models.TextChoices):
    """The parts of 一站一园一场七室 (and everything else)."""

    STATION = "station", _("站")
    PARK = "park", _("园")
    GROUND = "ground", _("场")
    ROOM = "room", _("室")
    OTHER = "other", _("其他")


class CommitteePost(models.TextChoices):
    DIRECTOR = "director", _("主任")
    DEPUTY = "deputy", _("副主任")
    MEMBER = "member", _("委员")


class StaffPost(models.TextChoices):
    HEAD = "head", _("站长")
    DEPUTY = "deputy", _("副站长")
    STAFF = "staff", _("工作人员")
    GRID_WORKER = "grid_worker", _("专职网格员")


class Weekday(models.IntegerChoices):
    MON = 1, _("周一")
    TUE = 2, _("周二")
    WED = 3, _("周三")
    THU = 4, _("周四")
    FRI = 5, _("周五")
    SAT = 6, _("周六")
    SUN = 7, _("周日")


# Chinese labels of this app's audit actions (the audit log shows them; see the manifest's
# `audit_labels`)
AUDIT_LABELS = {
    "community.create_facility": "新增设施", "community.update_facility": "修改设施",
    "community.delete_facility": "删除设施", "community.save_facility_type": "保存设施类型",
    "community.save_standard": "保存设施配置标准", "community.create_committee": "新建居民委员会",
    "community.update_committee": "修改居民委员会", "community.add_committee_member": "新增居委会成员",
    "community.update_committee_member": "修改居委会成员", "community.remove_committee_member": "移除居委会成员",
    "community.add_staff": "新增工作站人员", "community.update_staff": "修改工作站人员",
    "community.add_facility_photo": "上传设施照片", "community.remove_facility_photo": "删除设施照片",
}
