from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    DISTRICT = 1, _("区县")
    STREET = 2, _("街道/乡镇")
    COMMUNITY = 3, _("社区/村")
    GRID = 4, _("网格")


# Chinese labels of this app's audit actions (the audit log shows them)
AUDIT_LABELS = {
    "divisions.create_division": "新建区划", "divisions.set_shape": "更新区划边界",
    "divisions.start_partition": "开始网格划分", "divisions.publish_proposal": "发布网格划分方案",
    "divisions.discard_proposal": "放弃网格划分方案", "divisions.regrid": "网格重划（本网格）",
    "divisions.move_community": "社区调整隶属街道", "divisions.merge_communities": "社区合并",
}
