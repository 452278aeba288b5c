from django.db import models
from django.utils.translation import gettext_lazy as _


class VerificationMethod(models.TextChoices):
    ONLINE = "online", _("线上核验（姓名+身份证号）")
    COUNTER = "counter", _("窗口核验")


class FamilyLinkState(models.TextChoices):
    PENDING = "pending", _("待批准")
    ACTIVE = "active", _("已授权")
    REVOKED = "revoked", _("已撤销")


PRIVACY_VERSION = "2026-11"

# Chinese labels of this app's audit actions (core reads them through the manifest)
AUDIT_LABELS = {
    "portal.sign_up": "居民注册", "portal.consent": "同意隐私政策", "portal.verify": "实名认证",
    "portal.verify_failed": "实名认证未通过", "portal.verify_counter": "窗口实名认证",
    "portal.family_request": "申请家属代办", "portal.family_decide": "处理家属代办授权",
    "portal.export_my_data": "导出个人数据", "portal.delete_account": "注销居民账号",
}


class PostKind(models.TextChoices):
    NEWS = "news", _("社区新闻")
    NOTICE = "notice", _("通知公告")
    ACTIVITY = "activity", _("社区活动")


class PostState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class BookingState(models.TextChoices):
    PENDING = "pending", _("待审批")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("未通过")
    CANCELLED = "cancelled", _("已取消")


ACTIVE_BOOKING_STATES = (BookingState.PENDING, BookingState.CONFIRMED)


class SessionKind(models.TextChoices):
    HEALTH = "health", _("义诊体检")
    HAIRCUT = "haircut", _("爱心理发")
    LEGAL = "legal", _("法律咨询")
    OTHER = "other", _("其他公益服务")


AUDIT_LABELS.update({
    "portal.save_post": "保存社区新闻/公告", "portal.publish_post": "发布社区新闻/公告",
    "portal.withdraw_post": "撤回社区新闻/公告", "portal.set_booking_rule": "设置场地预约规则",
    "portal.book": "预约场地", "portal.decide_booking": "审批场地预约", "portal.cancel_booking": "取消场地预约",
    "portal.rate_booking": "评价场地预约", "portal.save_session": "保存公益服务", "portal.remove_session": "删除或撤下公益服务", "portal.sign_up_session": "报名公益服务",
    "portal.cancel_signup": "取消公益服务报名", "portal.rate_signup": "评价公益服务",
})
