"""Kiosk devices (易办事 terminals) and the policy library they show.

A device belongs to a community; it authenticates with a key issued once in the staff UI and
stored only as a SHA-256 digest (the key is 32 random bytes, so a plain digest suffices; the
8-character `key_prefix` finds the row). See ADR "kiosk device auth and the actor"."""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gridgov.core import limits
from gridgov.core.media import MediaFileField
from gridgov.core.models import ScopedModel

from .choices import DeviceStatus, PolicyCategory, PolicyStatus

COMMUNITY = models.Q(level=3)
SEARCH_TEXT = limits.LONG_TEXT + 1000  # title, number, issuer, summary and the plain body  # divisions.choices.Level.COMMUNITY


class KioskDevice(ScopedModel):
    """A registered self-service terminal. `division_code` is its community's 12-digit code."""

    community = models.ForeignKey("divisions.Division", verbose_name=_("所属社区"), on_delete=models.PROTECT,
                                  related_name="+", limit_choices_to=COMMUNITY)
    name = models.CharField(_("终端名称"), max_length=60)
    location = models.CharField(_("安放位置"), max_length=120, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=DeviceStatus.choices, default=DeviceStatus.ACTIVE)
    key_prefix = models.CharField(_("密钥前缀"), max_length=12, unique=True, editable=False)
    key_hash = models.CharField(_("密钥摘要"), max_length=64, editable=False)
    key_issued_at = models.DateTimeField(_("密钥签发时间"), null=True, blank=True, editable=False)
    offline_minutes = models.PositiveSmallIntegerField(_("离线告警阈值(分钟)"), default=10)
    last_seen_at = models.DateTimeField(_("最后心跳"), null=True, blank=True, editable=False)
    enrolled_at = models.DateTimeField(_("启用登记时间"), null=True, blank=True, editable=False)
    offline_alerted_at = models.DateTimeField(_("离线告警时间"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("停用时间"), null=True, blank=True, editable=False)
    revoked_reason = models.CharField(_("停用原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("自助终端")
        verbose_name_plural = _("自助终端")
        ordering = ["division_code", "name", "id"]
        permissions = [("revoke_kioskdevice", "可以停用自助终端并重新签发密钥")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("kiosk:device_detail", args=[self.pk])

    @property
    def is_active(self):
        return self.status == DeviceStatus.ACTIVE

    def is_online(self, now):
        return bool(self.last_seen_at and now - self.last_seen_at <= datetime.timedelta(minutes=self.offline_minutes))


class PolicyDocument(ScopedModel):
    """A policy document (政策文件) in the library: issued by a body, dated, in a category, with a
    sanitised rich-text body and a validity window. `division_code` is the publishing office's
    division (the district, a street or a community): a kiosk shows the documents of its
    community and of the divisions above it."""

    title = models.CharField(_("标题"), max_length=200)
    doc_number = models.CharField(_("文号"), max_length=80, blank=True)
    issuer = models.CharField(_("发文机关"), max_length=100)
    issued_on = models.DateField(_("发文日期"))
    category = models.CharField(_("类别"), max_length=20, choices=PolicyCategory.choices, db_index=True)
    summary = models.CharField(_("摘要"), max_length=500, blank=True)
    body = models.TextField(_("正文"), blank=True, max_length=limits.LONG_TEXT, help_text=_("可使用段落、标题、列表、加粗；其他格式会被清除"))
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_to = models.DateField(_("失效日期"), null=True, blank=True, help_text=_("留空表示长期有效"))
    status = models.CharField(_("状态"), max_length=10, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT,
                              db_index=True)
    search_text = models.TextField(_("检索文本"), blank=True, editable=False, max_length=SEARCH_TEXT)
    initials = models.CharField(_("标题拼音首字母"), max_length=200, blank=True, editable=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), null=True, blank=True, editable=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("更新人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)

    class Meta:
        verbose_name = _("政策文件")
        verbose_name_plural = _("政策文件")
        ordering = ["-issued_on", "-id"]
        permissions = [("publish_policydocument", "可以发布和撤回政策文件")]
        indexes = [models.Index(fields=["status", "division_code"], name="kiosk_policy_status_div"),
                   # the terminal's list: published, newest first, LIMIT 40 without a sort
                   models.Index(fields=["status", "-issued_on", "-id"], name="kiosk_policy_pub_date")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("kiosk:policy_detail", args=[self.pk])

    def is_valid_on(self, day):
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


class PolicyAttachment(models.Model):
    """A file attached to a policy document (served through the document's scope; published
    documents' files are public, see `public_media`)."""

    policy = models.ForeignKey(PolicyDocument, verbose_name=_("政策文件"), on_delete=models.CASCADE,
                               related_name="attachments")
    title = models.CharField(_("附件名称"), max_length=120)
    file = MediaFileField(_("文件"), prefix="kiosk/policies", owner="policy")
    uploaded_at = models.DateTimeField(_("上传时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("政策附件")
        verbose_name_plural = _("政策附件")
        ordering = ["id"]

    def __str__(self):
        return self.title

    @classmethod
    def public_media(cls, queryset):
        return queryset.filter(policy__status=PolicyStatus.PUBLISHED)
