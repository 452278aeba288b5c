from django.db import models
from django.utils.translation import gettext_lazy as _


class DeviceStatus(models.TextChoices):
    ACTIVE = "active", _("启用")
    REVOKED = "revoked", _("已停用")


class PolicyCategory(models.TextChoices):
    SOCIAL_SECURITY = "social", _("社会保障")
    EMPLOYMENT = "employment", _("就业培训")
    MEDICAL = "medical", _("医疗")
    TRANSPORT = "transport", _("交通")
    HOUSING = "housing", _("住房")
    ELDERLY = "elderly", _("养老服务")
    EDUCATION = "education", _("教育")
    ASSISTANCE = "assistance", _("社会救助")
    OTHER = "other", _("其他")


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


# Chinese labels of this app's audit actions (the audit log shows them; manifest `audit_labels`)
AUDIT_LABELS = {
    "kiosk.register_device": "登记自助终端", "kiosk.update_device": "修改自助终端",
    "kiosk.issue_key": "签发终端密钥", "kiosk.revoke_device": "停用自助终端",
    "kiosk.enrol_device": "终端启用登记", "kiosk.offline_alert": "终端离线告警",
    "kiosk.identify": "终端身份核验", "kiosk.identify_failed": "终端身份核验失败",
    "kiosk.report_problem": "终端反映问题", "kiosk.file_application": "终端申请办事",
    "kiosk.take_ticket": "终端取号", "kiosk.pay_bill": "终端缴费",
    "kiosk.save_policy": "保存政策文件", "kiosk.publish_policy": "发布政策文件",
    "kiosk.withdraw_policy": "撤回政策文件", "kiosk.add_policy_attachment": "上传政策附件",
    "kiosk.remove_policy_attachment": "删除政策附件",
}
