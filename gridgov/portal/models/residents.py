"""Resident accounts (ADR 0027): a `accounts.User` of kind `resident` plus this profile.

The mobile number is personal data (docs/architecture.md §4, “Personal data is protected by default”): the profile keeps its keyed hash (unique: one
account per number, and the login looks the account up by it), a mask for display and the last
four digits. The user row's `username` is derived from the hash, so no table holds the raw
number. A verified profile points at its registry person and household."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import ScopedModel

from ..choices import FamilyLinkState, VerificationMethod


class ResidentProfile(ScopedModel):
    """One per resident account. `division_code` is the home community's code (12 digits) the
    resident chose at sign-up, or their person's grid once verified; community staff see the
    profiles of their community (counter verification)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.CASCADE,
                                related_name="resident_profile")
    community = models.ForeignKey("divisions.Division", verbose_name=_("所在社区"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    display_name = models.CharField(_("称呼"), max_length=30, blank=True)
    phone_hash = models.CharField(_("手机号摘要"), max_length=64, unique=True, editable=False)
    phone_masked = models.CharField(_("手机号"), max_length=20, editable=False)
    phone_verified_at = models.DateTimeField(_("手机验证时间"), null=True, blank=True)
    person = models.ForeignKey("registry.Person", verbose_name=_("实名人员"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    household = models.ForeignKey("registry.Household", verbose_name=_("所在户"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    verified_at = models.DateTimeField(_("实名认证时间"), null=True, blank=True)
    verification_method = models.CharField(_("认证方式"), max_length=10, choices=VerificationMethod.choices,
                                           blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("窗口认证人"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    consent_at = models.DateTimeField(_("同意隐私政策时间"), null=True, blank=True)
    consent_version = models.CharField(_("隐私政策版本"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("注册时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("居民账号")
        verbose_name_plural = _("居民账号")

    def __str__(self):
        return self.display_name or self.phone_masked

    @property
    def is_verified(self):
        return self.verified_at is not None and self.person_id is not None


class FamilyLink(ScopedModel):
    """A family member (`proxy`) authorised to act for an elderly relative (`elder`, a registry
    person). Approved by community staff at the counter, or by the elder's own verified
    account; revoked by either. `division_code` is the elder's grid."""

    proxy = models.ForeignKey(ResidentProfile, verbose_name=_("代办家属"), on_delete=models.CASCADE,
                              related_name="family_links")
    elder = models.ForeignKey("registry.Person", verbose_name=_("被代办老人"), on_delete=models.CASCADE,
                              related_name="+")
    relation = models.CharField(_("关系"), max_length=20)
    state = models.CharField(_("状态"), max_length=10, choices=FamilyLinkState.choices,
                             default=FamilyLinkState.PENDING)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("批准人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("家属代办授权")
        verbose_name_plural = _("家属代办授权")
        constraints = [models.UniqueConstraint(fields=["proxy", "elder"], name="portal_familylink_unique")]

    def __str__(self):
        return f"{self.proxy} → {self.elder_id}"
