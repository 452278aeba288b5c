"""News, notices and activities written by community staff (sanitised rich text, a cover image
through the core image helper). Publishing invalidates the cached community home."""

from django.core.exceptions import ValidationError
from django.db import transaction

from gridgov.core import audit, clock, richtext
from gridgov.core.access import require
from gridgov.core.actors import action
from gridgov.core.uploads import clean_image
from gridgov.divisions.choices import Level

from ..choices import PostState
from ..models import Post

FIELDS = ["kind", "title", "summary", "event_at", "place", "pinned"]
SCRIPT_REFUSED = "正文含有脚本或不安全的代码（如 <script>、onclick、javascript: 链接），已拒绝保存；请删除后重试"


def _invalidate(code):
    from ..homecache import invalidate_home

    transaction.on_commit(lambda: invalidate_home(code))


@action
def save_post(*, actor, community=None, post=None, body="", cover=None, **fields):
    """Create (community given) or edit a post. A body carrying a script is refused with a clear
    error (nothing saved); anything else unsafe is stripped by the sanitiser."""
    if post is None:
        if community is None or community.level != Level.COMMUNITY:
            raise ValidationError({"community": "请选择社区"})
        require(actor, "portal.add_post", community.code)
        post = Post(community=community, division_code=community.code, created_by=actor)
    else:
        require(actor, "portal.change_post", post.division_code)
    if richtext.had_unsafe(body):
        raise ValidationError({"body": SCRIPT_REFUSED})
    before = audit.snapshot(post, FIELDS) if post.pk else None
    for name, value in fields.items():
        if name not in FIELDS:
            raise ValueError(f"不可修改的字段：{name}")
        setattr(post, name, value)
    if not (post.title or "").strip():
        raise ValidationError({"title": "请填写标题"})
    post.body = richtext.clean(body)
    if cover is not None:
        image = clean_image(cover)
        post.cover.save(image.name, image, save=False)
    post.full_clean(exclude=["cover", "created_by", "community"])
    post.save()
    audit.record(actor, "portal.save_post", post, before=before, after=audit.snapshot(post, FIELDS))
    if post.state == PostState.PUBLISHED:
        _invalidate(post.division_code)
    return post


@action
def publish_post(*, actor, post, publish=True):
    """Publish (or withdraw) a post; the community home shows it at once (cache invalidated)."""
    require(actor, "portal.change_post", post.division_code)
    post.state = PostState.PUBLISHED if publish else PostState.WITHDRAWN
    if publish and post.published_at is None:
        post.published_at = clock.now()
    post.save(update_fields=["state", "published_at", "updated_at"])
    audit.record(actor, "portal.publish_post" if publish else "portal.withdraw_post", post)
    _invalidate(post.division_code)
    return post
