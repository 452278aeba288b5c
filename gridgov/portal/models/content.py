"""What community staff publish on the website: news, notices (通知公告) and activities."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core import limits
from gridgov.core.media import MediaFileField
from gridgov.core.models import ScopedModel

from ..choices import PostKind, PostState


class Post(ScopedModel):
    """A news item, notice or activity of one community. `body` is HTML already sanitised by
    `core.richtext.clean` in the action that saved it (never trusted from the form)."""

    community = models.ForeignKey("divisions.Division", verbose_name=_("社区"), on_delete=models.PROTECT,
                                  related_name="+")
    kind = models.CharField(_("类别"), max_length=10, choices=PostKind.choices, default=PostKind.NEWS)
    title = models.CharField(_("标题"), max_length=100)
    summary = models.CharField(_("摘要"), max_length=200, blank=True)
    body = models.TextField(_("正文"), max_length=limits.LONG_TEXT, blank=True)
    cover = MediaFileField(_("配图"), prefix="portal/posts", blank=True)
    event_at = models.DateTimeField(_("活动时间"), null=True, blank=True)
    place = models.CharField(_("活动地点"), max_length=120, blank=True)
    pinned = models.BooleanField(_("置顶"), default=False)
    state = models.CharField(_("状态"), max_length=10, choices=PostState.choices, default=PostState.DRAFT)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("社区新闻公告")
        verbose_name_plural = _("社区新闻公告")
        ordering = ["-pinned", "-published_at", "-id"]
        indexes = [models.Index(fields=["division_code", "state", "kind", "published_at"], name="portal_post_list")]

    def __str__(self):
        return self.title

    @classmethod
    def public_media(cls, rows):
        """Covers of published posts are public (the website shows them to everyone)."""
        return rows.filter(state=PostState.PUBLISHED)
