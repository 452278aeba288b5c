"""Public pages render signed out (without JavaScript), the home is cached and invalidated on
publish, staff pages are scoped, and rich text carrying a script is refused / sanitised."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gridgov.accounts.choices import RoleCode
from gridgov.core import richtext
from gridgov.portal import actions
from gridgov.portal.models import Post

COMMUNITY = "430702004001"


def test_public_pages_render(client, tree, room, admin_user):
    post = actions.save_post(actor=admin_user, community=tree[COMMUNITY], kind="notice", title="停水通知",
                             body="<p>周六停水</p>")
    actions.publish_post(actor=admin_user, post=post)
    urls = [reverse("portal:district")] + [reverse(f"portal:{n}", args=[COMMUNITY]) for n in (
        "home", "grids", "guide", "policies", "facilities", "sessions", "report", "indicators", "signup")] + [
        reverse("portal:facility", args=[COMMUNITY, room.pk]), reverse("portal:post", args=[COMMUNITY, post.pk]),
        reverse("portal:posts", args=[COMMUNITY, "notice"]), reverse("portal:login"), reverse("portal:privacy")]
    for url in urls:
        r = client.get(url)
        assert r.status_code == 200, url
        assert "<script>" not in r.content.decode()
    assert client.get(reverse("portal:home", args=["430702004999"])).status_code == 404


def test_elder_mode_switch_without_js(client, tree):
    home = reverse("portal:home", args=[COMMUNITY])
    r = client.get(reverse("portal:mode") + "?next=" + home)
    assert r.status_code == 302 and r["Location"] == home
    assert "elder-mode" in client.get(home).content.decode()
    client.get(reverse("portal:mode") + "?next=" + home)
    assert "elder-mode" not in client.get(home).content.decode()
    assert client.get(reverse("portal:mode") + "?next=https://evil.example/").status_code == 302


def test_home_cached_and_invalidated_on_publish(client, tree, admin_user, django_assert_max_num_queries,
                                                django_capture_on_commit_callbacks):
    home = reverse("portal:home", args=[COMMUNITY])
    client.get(home)
    with django_assert_max_num_queries(1):  # the community row with its version; the page from the cache
        r = client.get(home)
    token = r.content.decode().split('"X-CSRFToken": "')[1].split('"')[0]
    assert len(token) == 64 and "portal_csrf" not in token and r.cookies.get("csrftoken")
    with django_capture_on_commit_callbacks(execute=True):
        post = actions.save_post(actor=admin_user, community=tree[COMMUNITY], kind="news", title="新闻一则",
                                 body="<p>内容</p>")
        actions.publish_post(actor=admin_user, post=post)
    assert "新闻一则" in client.get(home).content.decode()


def test_notice_with_script_is_refused_and_nothing_saved(tree, admin_user):
    with pytest.raises(ValidationError, match="脚本"):
        actions.save_post(actor=admin_user, community=tree[COMMUNITY], kind="notice", title="恶意",
                          body='<p>你好</p><script>alert(1)</script>')
    with pytest.raises(ValidationError, match="脚本"):
        actions.save_post(actor=admin_user, community=tree[COMMUNITY], kind="notice", title="恶意2",
                          body='<img src="x" onerror="alert(1)"><a href="javascript:alert(1)">x</a>')
    assert not Post.objects.exists()


def test_sanitiser_strips_what_it_does_not_allow():
    out = richtext.clean('<p style="color:red" class="x">hi <b>b</b></p><script>alert(1)</script>'
                         '<a href="https://example.org">l</a><iframe src="x"></iframe>')
    assert "script" not in out and "iframe" not in out and "style" not in out
    assert '<a href="https://example.org" rel="noopener noreferrer">l</a>' in out and "<b>b</b>" in out


def test_staff_form_shows_script_error(client, tree, make_user):
    staff = make_user(RoleCode.COMMUNITY_STAFF, tree[COMMUNITY])
    client.force_login(staff)
    r = client.post(reverse("portal:staff_post_new"), {
        "community": tree[COMMUNITY].pk, "kind": "notice", "title": "公告", "body": "<script>x()</script>",
        "publish": "on"})
    assert r.status_code == 200 and "正文含有脚本" in r.content.decode()
    r = client.post(reverse("portal:staff_post_new"), {
        "community": tree[COMMUNITY].pk, "kind": "notice", "title": "公告", "body": "<p>正常</p>", "publish": "on"})
    assert r.status_code == 302
    assert Post.objects.get().state == "published"
    # and the notice is on the community home
    assert "公告" in client.get(reverse("portal:home", args=[COMMUNITY])).content.decode()


def test_staff_pages_scoped(client, tree, make_user, admin_user):
    other = make_user(RoleCode.COMMUNITY_STAFF, tree["430702005001"])
    post = actions.save_post(actor=admin_user, community=tree[COMMUNITY], kind="news", title="A社区新闻")
    client.force_login(other)
    assert "A社区新闻" not in client.get(reverse("portal:staff_posts")).content.decode()
    assert client.get(reverse("portal:staff_post", args=[post.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        actions.save_post(actor=other, community=tree[COMMUNITY], kind="news", title="越权")
    for name in ("staff_posts", "staff_bookings", "staff_sessions", "staff_residents"):
        assert client.get(reverse(f"portal:{name}")).status_code == 200


def test_home_version_sql_matches_models():
    from gridgov.divisions.choices import Level
    from gridgov.divisions.models import Division
    from gridgov.portal.homecache import VERSION_SQL
    from gridgov.portal.models import Session

    assert f'"{Post._meta.db_table}"' in VERSION_SQL and f'"{Session._meta.db_table}"' in VERSION_SQL
    assert f'"{Division._meta.db_table}"' in VERSION_SQL and f'"level" = {int(Level.COMMUNITY)}' in VERSION_SQL


def test_home_version_moves_on_every_session_change_in_every_process(tree, admin_user):
    """Other server processes never see `invalidate_home`'s local bump: the version read from the
    database must change when a session is edited or withdrawn, not only when one is created."""
    import datetime

    from django.utils import timezone

    from gridgov.portal.homecache import home_version

    assert home_version("430702004999") is None
    start = timezone.now() + datetime.timedelta(days=2)
    session = actions.save_session(actor=admin_user, community=tree[COMMUNITY], title="义诊", kind="health",
                                   place="服务站", slots=[(start, start + datetime.timedelta(hours=1), 5)])
    v1 = home_version(COMMUNITY)
    actions.save_session(actor=admin_user, community=tree[COMMUNITY], title="义诊（改期）", kind="health",
                         place="服务站", session=session)
    v2 = home_version(COMMUNITY)
    actions.remove_session(actor=admin_user, session=session)
    v3 = home_version(COMMUNITY)
    assert len({v1, v2, v3}) == 3
