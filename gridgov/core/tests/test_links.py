"""Never show a link the viewer cannot follow: for every built-in role, every link on the home
page, in the menu and on the pages the menu leads to answers (no 403, no 404)."""

import re
from urllib.parse import urljoin, urlsplit

import pytest

from gridgov.accounts.choices import RoleCode

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="([^"#]+)"')
# links that leave the page shell on purpose (logout, static assets, media, the raw schema)
SKIP = ("/static/", "/media/", "/accounts/logout", "/api/schema")


def _links(html, base):
    for href in HREF.findall(html):
        href = href.replace("&amp;", "&")
        url = urljoin(base, href)
        parts = urlsplit(url)
        if parts.netloc and parts.netloc != "testserver":
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith(SKIP):
            continue
        yield path


def _crawl(client, start="/", depth=2):
    """{url: (status, referrer)} of the pages reachable from `start` within `depth` clicks (one
    URL per route: filter and page variants of a list, and the rows of one kind, answer alike)."""
    seen, paths, frontier = {}, set(), [(start, "/")]
    for _ in range(depth + 1):
        following = []
        for url, referrer in frontier:
            path = re.sub(r"/\d+/", "/<n>/", urlsplit(url).path)
            if url in seen or path in paths:
                continue
            paths.add(path)
            r = client.get(url)
            seen[url] = (r.status_code, referrer)
            if r.status_code == 200 and "text/html" in r.get("Content-Type", ""):
                following += [(link, url) for link in _links(r.content.decode(), url) if link not in seen]
        frontier = following
    return seen


ROLE_SCOPES = {
    RoleCode.DISTRICT_ADMIN: "430702000000", RoleCode.STREET_STAFF: "430702004000",
    RoleCode.COMMUNITY_STAFF: "430702004001", RoleCode.GRID_WORKER: "430702004001001",
    RoleCode.PARTY_STAFF: "430702000000", RoleCode.LEADER: "430702000000", RoleCode.RESIDENT: None,
    RoleCode.DEPARTMENT_HANDLER: None,
}


def _a_case(make_user):
    from gridgov.cases import actions
    from gridgov.cases.choices import Channel
    from gridgov.cases.models import CaseCategory

    reporter = make_user(RoleCode.GRID_WORKER, "430702004001001", username="links-reporter")
    category = CaseCategory.objects.filter(parent__isnull=False, extra_questions=[]).first()
    return actions.report_case(actor=reporter, category=category, title="井盖缺失", channel=Channel.GRID_WORKER,
                               lng=111.707, lat=29.041)


@pytest.mark.parametrize("role", list(ROLE_SCOPES))
def test_every_link_a_role_sees_can_be_followed(client, make_user, tree, role):
    # given a user of the role with a case in the district
    from gridgov.cases.tests.conftest import _ensure_defaults

    _ensure_defaults()
    _a_case(make_user)
    user = make_user(role, ROLE_SCOPES[role])
    client.force_login(user)
    # when every link of the home page and the pages it leads to is followed
    seen = _crawl(client, depth=2)
    # then none is a dead end
    dead = {url: status for url, status in seen.items() if status[0] in (403, 404)}
    assert not dead, f"{role}: {dead}"


def test_leader_reads_the_overdue_board_without_report_button(client, make_user, tree):
    from gridgov.cases.tests.conftest import _ensure_defaults

    _ensure_defaults()
    leader = make_user(RoleCode.LEADER, "430702000000")
    client.force_login(leader)
    body = client.get("/cases/").content.decode()
    assert "/cases/report/" not in body
    r = client.get("/cases/overdue/")
    assert r.status_code == 200
    assert "只读" in r.content.decode()


def test_menu_entries_follow_the_role(make_user, tree):
    from gridgov.core.menu import menu_for

    def labels(role, code):
        return {i["label"] for g in menu_for(make_user(role, code)) for i in g["items"]}

    worker = labels(RoleCode.GRID_WORKER, "430702004001001")
    assert "数据导入" not in worker and "API 文档" not in worker
    party = labels(RoleCode.PARTY_STAFF, "430702000000")
    assert "API 文档" not in party
    admin = labels(RoleCode.DISTRICT_ADMIN, "430702000000")
    assert {"数据导入", "API 文档", "超期督办"} <= admin
    assert "超期督办" in labels(RoleCode.LEADER, "430702000000")
    assert "数据导入" in labels(RoleCode.COMMUNITY_STAFF, "430702004001")


def test_grid_worker_cannot_open_the_import_page(client, grid_worker):
    client.force_login(grid_worker)
    assert client.get("/core/import/").status_code in (403, 404)
    assert client.get("/registry/import/", follow=True).status_code in (403, 404)  # the old address leads there
