"""The cached community home: its content fragment is kept per community under a version made
of the newest change to the community's posts and sessions (one indexed aggregate per request),
so a publish or withdrawal shows at once in every server process, whatever the cache backend;
`invalidate_home` also drops the fragment of this process right after the commit."""

from django.core.cache import cache
from django.db.models import Max

HOME_TTL = 600


def community_with_version(code):
    """The live community of `code` with `post_v` and `session_v` (newest change) annotated: the
    page's one query on a cache hit."""
    from django.db.models import OuterRef, Subquery

    from gridgov.divisions.choices import Level
    from gridgov.divisions.models import Division

    from .models import Post, Session

    newest_post = Post.objects.filter(division_code=OuterRef("code")).order_by().values("division_code").annotate(
        v=Max("updated_at")).values("v")
    newest_session = Session.objects.filter(division_code=OuterRef("code")).order_by().values(
        "division_code").annotate(v=Max("created_at")).values("v")
    return (Division.objects.select_related("parent").filter(code=code, level=Level.COMMUNITY, is_active=True)
            .annotate(post_v=Subquery(newest_post), session_v=Subquery(newest_session)).first())


def home_cache_key(community):
    post, session = community.post_v, community.session_v
    local = cache.get(f"portal:home:v:{community.code}") or 0
    code = community.code
    stamp = "-".join(str(int(v.timestamp() * 1e6)) if v else "0" for v in (post, session))
    return f"portal:home:{code}:{stamp}:{local}"


def invalidate_home(code):
    key = f"portal:home:v:{code}"
    cache.add(key, 0, None)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, None)
