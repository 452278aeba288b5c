"""Rule 2 (docs/architecture.md) on EVERY page of the URL conf, discovered — list pages, exports,
searches, autocompletes, map data, screens; a new app's pages are checked the day it is wired in.

The tiny demo is loaded once for the module, rows the demo leaves empty are added
(`access_rows`), and then every text column of every scoped row is overwritten with a marker
that names where the row lives: `zqA1k…` (the grid worker's grid), `zqA0k…` (that grid's
community itself), `zqA2k…` (the community's other grid), `zqBk…` (the other community) and
`zqSk…` (street and district). The detail URLs of the rows are markers too.

Every URL pattern without a path argument (and every pattern whose only arguments are a
division `code` or a format, filled with an in-scope and an out-of-scope code) is then fetched
by GET as each viewer, plainly, with a search for the markers (`q=zq`), with hostile filters
pointing at another community's division and rows, and as a CSV and XLSX export. No answer
(HTML, JSON, CSV or the XLSX's cells) may hold a marker of a region outside the viewer's
scope. Anonymous visitors are refused (redirect to login, 403 or 404) everywhere except the
declared public pages, and even those show no marker of a personal-data model.

Every pattern whose one argument names a row (`persons/<int:pk>/edit/`,
`providers/<int:provider_pk>/items/new/`, `applications/<str:number>/receipt/` …; the model is
the app's scoped model named by the path segment) is fetched with a row the viewer cannot see
through `visible_to`: it must be refused like a missing row.

Every scoped model must have rows outside the viewers' scope (the test fails otherwise); the
rows the tiny demo leaves empty are made by `access_rows.add_missing_rows`.
"""

import io
import re
import zipfile

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models, transaction
from django.db.models.functions import Cast, Concat
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from gridgov.core.models import ScopedModel

RUN_BEFORE_FLUSHES = True
pytestmark = pytest.mark.slow

SCOPED = sorted((m for m in apps.get_models() if issubclass(m, ScopedModel)), key=lambda m: m._meta.label)
MARK = re.compile(r"zq(A0|A1|A2|B|S)k(\d+)n(\d+)")

# URL namespaces / names anyone may open without logging in (checked below as anonymous).
PUBLIC_NAMESPACES = {"portal": "居民网站", "care_site": "居民网站的养老与就医", "kiosk": "自助终端（凭设备密钥）",
                     "open311": "Open311 公开接口"}
PUBLIC_NAMES = {
    "healthz": "负载均衡探活",
    "accounts:login": "登录页",
    "accounts:logout": "退出",
    "registry:basemap": "底图：公开的道路、楼栋轮廓和名称",
    "registry:grid_at": "按坐标找网格（群众上报表单）",
    "cases:public_report": "群众上报",
    "cases:kiosk": "自助上报",
    "cases:public_track": "按编号查询进度",
    "cases:questions": "上报表单的附加问题",
    "cases:duplicates": "上报前的重复提示（匿名只见数量）",
    "services:hall": "大厅叫号屏（无个人信息）",
    "services:hall_board": "大厅叫号屏（无个人信息）",
    "utilities:lookup": "缴费查询（按户号，限流）",
    "api-token": "接口取令牌",
    "api-root": "接口目录（列表另需登录）",
    "api-schema": "接口说明",
    "api-docs": "接口说明",
    "screen:page": "大屏（公开汇总指标）",
    "screen:data": "大屏（公开汇总指标）",
    "screen:geo": "大屏（公开汇总指标）",
}
# Models whose rows are public by design (a community's facilities, posts, services, doctors,
# party branches, policies …): a public page may show them for any community.
PUBLIC_MODELS = {
    "community.Facility", "community.Committee", "community.CommitteeMember", "community.WorkstationStaff",
    "portal.Post", "portal.Session", "portal.SessionSlot", "portal.BookingRule", "kiosk.PolicyDocument",
    "services.ServiceGroup", "services.Counter", "care.Provider", "care.ServiceItem", "care.Doctor",
    "care.Schedule", "care.Slot", "party.PartyOrganization", "party.VolunteerEvent",
}
# Public pages that show more, by design: page name → models and why.
PUBLIC_SHOWS = {
    "open311:requests": {"cases.Case"},  # published cases only (cases/publication.py), redacted
}
# Rows of the viewer's *ancestor* divisions (its community, street, district) a staff page may
# show: the public catalogue above, and the employer named on an in-scope member's row.
ANCESTOR_SHOWN = PUBLIC_MODELS | {"party.WorkUnit"}

USERS = ("grid", "other_community")


def _walk(resolver, prefix="", ns=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p, prefix + str(p.pattern), ns + (f"{p.namespace}:" if p.namespace else ""))
        elif isinstance(p, URLPattern) and p.name:
            args = set(p.pattern.converters) if hasattr(p.pattern, "converters") else set()
            args |= set(p.pattern.regex.groupindex)
            yield prefix + str(p.pattern), ns + p.name, frozenset(args)


def _discover():
    """(name, args) of every named pattern, once per name; the API router's format-suffix
    twins are folded into their plain route."""
    seen, pages, skipped = set(), [], []
    for route, name, args in _walk(get_resolver()):
        if name in seen or route.startswith("media/"):
            continue
        seen.add(name)
        rest = args - {"format", "fmt"}
        if not rest or rest == {"code"}:
            pages.append((name, tuple(sorted(args))))
        else:
            skipped.append(name)
    return pages, skipped


PAGES, DETAIL_PAGES = _discover()
ROUTES: dict[str, str] = {}
for _route, _name, _args in _walk(get_resolver()):
    ROUTES.setdefault(_name, _route)
STAFF_ROUTE = re.compile(r"(^|/)(staff|manage)/")


def _singular(word):
    return word[:-3] + "y" if word.endswith("ies") else word[:-1] if word.endswith("s") else word


def _object_pages():
    """(name, model label, argument) of every pattern whose one argument names a row: the model
    is the scoped model of the pattern's app named by the path segment before the argument
    ("persons/<int:pk>" → registry.Person, "providers/<int:provider_pk>" → care.Provider,
    "units/<int:pk>" → party.WorkUnit). Patterns it cannot pin to one model are left out."""
    found, seen = [], set()
    for route, name, args in _walk(get_resolver()):
        if name in seen or ":" not in name or len(args) != 1:
            continue
        seen.add(name)
        (arg,) = args
        if not (arg == "pk" or arg.endswith("_pk") or arg == "number"):
            continue
        parts = route.split("/")
        # a path converter "<int:pk>" or a regex group "(?P<number>…)" (re_path routes)
        at = next((i for i, p in enumerate(parts) if f":{arg}>" in p or f"(?P<{arg}>" in p), None)
        if not at:
            continue
        word = _singular(arg[:-3] if arg.endswith("_pk") else parts[at - 1]).replace("-", "")
        app = name.split(":")[0]
        models_ = [m for m in SCOPED if m._meta.app_label == app]
        pick = ([m for m in models_ if m._meta.model_name == word]
                or [m for m in models_ if m._meta.model_name.endswith(word)])
        if len(pick) == 1:
            found.append((name, pick[0]._meta.label, arg))
    return found


OBJECT_PAGES = _object_pages()


def _region(code, grid, community, other):
    if code.startswith(grid):
        return "A1"
    if code == community:
        return "A0"
    if code.startswith(community):
        return "A2"
    if code.startswith(other):
        return "B"
    return "S"


def _text_fields(model):
    return [f for f in model._meta.concrete_fields
            if type(f) in (models.CharField, models.TextField) and not f.choices and not f.primary_key
            and f.name != "division_code" and not f.name.endswith(("_code", "path", "_hash", "_enc"))
            and (f.max_length is None or f.max_length >= 24)]


def _mark_rows(grid, community, other):
    """Overwrite every scoped row's text columns with its region marker; return per model the
    detail URLs per region."""
    urls = {}
    for idx, model in enumerate(SCOPED):
        fields = _text_fields(model)
        for region, q in (("A1", models.Q(division_code__startswith=grid)),
                          ("A0", models.Q(division_code=community)),
                          ("A2", models.Q(division_code__startswith=community) & ~models.Q(division_code=community)
                           & ~models.Q(division_code__startswith=grid)),
                          ("B", models.Q(division_code__startswith=other)),
                          ("S", ~models.Q(division_code__startswith=community) & ~models.Q(division_code__startswith=other))):
            qs = model._base_manager.filter(q)
            if fields:
                marker = Concat(models.Value(f"zq{region}k{idx}n"), Cast("pk", models.CharField()),
                                output_field=models.CharField())
                qs.update(**{f.name: marker for f in fields})
            if hasattr(model, "get_absolute_url"):
                for row in qs.order_by("pk")[:20]:
                    try:
                        urls.setdefault(model._meta.label, {}).setdefault(region, []).append(row.get_absolute_url())
                    except Exception:  # noqa: BLE001 — a row whose URL needs data the demo lacks
                        pass
    return urls


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            from gridgov.accounts.choices import RoleCode
            from gridgov.accounts.models import Role, RoleAssignment, User
            from gridgov.demo.tests.access_rows import add_missing_rows
            from gridgov.divisions.choices import Level
            from gridgov.divisions.models import Division
            from gridgov.registry.models import Person

            call_command("setup_platform", verbosity=0, stdout=io.StringIO())
            call_command("demo", scale="tiny", seed=2026, verbosity=0, stdout=io.StringIO())
            grid_user = User.objects.get(username="gw001")
            grid = grid_user.active_assignments()[0].division.code
            community = grid[:12]
            other = (Division.objects.filter(level=Level.COMMUNITY, is_active=True)
                     .exclude(code=community).order_by("code").first().code)
            spare = (Division.objects.filter(level=Level.GRID, is_active=True, code__startswith=community)
                     .exclude(code=grid).order_by("code").first().code)
            add_missing_rows(spare, [[grid], [other]])
            community_user = User.objects.create(username="access-other-community", full_name="另一社区工作人员")
            RoleAssignment.objects.create(user=community_user, role=Role.objects.get(code=RoleCode.COMMUNITY_STAFF),
                                          division=Division.objects.get(code=other))
            outsider = Person.objects.filter(division_code__startswith=spare).order_by("pk").first()
            urls = _mark_rows(grid, community, other)
            yield {
                "users": {"grid": grid_user.pk, "other_community": community_user.pk},
                "codes": {"grid": (grid, spare), "other_community": (other, community)},
                "forbidden": {"grid": {"A2", "B"}, "other_community": {"A1", "A0", "A2"}},
                "ancestors": {"grid": {"A0", "S"}, "other_community": {"S"}},
                "outsider": outsider.pk, "spare": spare, "urls": urls,
            }
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":  # an XLSX: its cells are in the zipped XML parts
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    return content.decode("utf-8", "replace")


def _urls(name, args, code):
    kwargs = {}
    if "code" in args:
        kwargs["code"] = code
    for a in ("format", "fmt"):
        if a in args:
            kwargs[a] = "json"
    try:
        return reverse(name, kwargs=kwargs)
    except Exception:  # noqa: BLE001 — a code-argument that is not a division code (a slug …)
        return None


def _variants(demo, which):
    hostile = demo["codes"][which][1]
    return [
        {},
        {"q": "zq"},
        {"division": hostile, "scope": hostile, "within": hostile, "community": hostile, "grid": hostile,
         "person": demo["outsider"], "q": "zq"},
        {"format": "csv", "export": "csv"},
        {"format": "xlsx", "export": "xlsx"},
    ]


def _public(name):
    """Public by design: a declared page, or a page of a public namespace that is not one of its
    staff pages (`…/staff/…`, `…/manage/…`)."""
    if name in PUBLIC_NAMES:
        return True
    return name.split(":")[0] in PUBLIC_NAMESPACES and not STAFF_ROUTE.search(ROUTES[name])


def _leaks(body, name, forbidden, ancestors, demo):
    """Markers in `body` of rows the viewer may not see on page `name`."""
    public_ok = PUBLIC_MODELS | PUBLIC_SHOWS.get(name, set()) if _public(name) else set()

    def leaked(label, region):
        if label in public_ok:
            return False
        return region in forbidden or (region in ancestors and label not in ANCESTOR_SHOWN)

    found = {f"{SCOPED[int(i)]._meta.label}#{pk}({region})" for region, i, pk in MARK.findall(body)
             if leaked(SCOPED[int(i)]._meta.label, region)}
    for label, by_region in demo["urls"].items():
        for region, links in by_region.items():
            if leaked(label, region):
                found.update(f"{label} {u}({region})" for u in links if f'"{u}"' in body)
    return found


def test_discovery_finds_the_pages():
    names = {n for n, _ in PAGES}
    for expected in ("registry:person_list", "registry:person_export", "registry:search", "cases:map_data",
                     "divisions:geojson", "party:member_export", "care:order_export", "services:item_export",
                     "utilities:payment_list", "portal:staff_bookings", "dashboard:export"):
        assert expected in names, expected


@pytest.mark.parametrize("which", USERS)
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p[0])
def test_page_shows_no_row_outside_the_viewer_scope(db, demo, client, page, which):
    from gridgov.accounts.models import User

    name, args = page
    client.force_login(User.objects.get(pk=demo["users"][which]))
    codes = demo["codes"][which] if "code" in args else (None,)
    problems = []
    for code in codes:
        url = _urls(name, args, code)
        if url is None:
            continue
        for params in _variants(demo, which):
            r = client.get(url, params)
            assert r.status_code < 500, f"{url} {params}: {r.status_code}"
            if r.status_code != 200:
                continue
            leaks = _leaks(_body(r), name, demo["forbidden"][which], demo["ancestors"][which], demo)
            if leaks:
                problems.append(f"{url}?{params}: {sorted(leaks)[:6]}")
    assert not problems, f"{which} 看到了范围之外的行：" + "\n".join(problems)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p[0])
def test_anonymous_is_refused_outside_the_public_pages(db, demo, client, page):
    name, args = page
    url = _urls(name, args, demo["codes"]["other_community"][0])
    if url is None:
        pytest.skip("参数不是区划代码")
    r = client.get(url)
    if not _public(name):
        assert r.status_code in (302, 401, 403, 404, 405), f"匿名访问 {url} 得到 {r.status_code}"
        if r.status_code == 302:
            assert "/login/" in r["Location"], r["Location"]
        return
    assert r.status_code < 500, f"{url}: {r.status_code}"
    if r.status_code == 200:
        allowed = PUBLIC_MODELS | PUBLIC_SHOWS.get(name, set())
        leaks = {f"{SCOPED[int(i)]._meta.label}#{pk}" for _region, i, pk in MARK.findall(_body(r))
                 if SCOPED[int(i)]._meta.label not in allowed}
        assert not leaks, f"公开页面 {url} 显示了非公开数据 {sorted(leaks)[:6]}"


def test_every_scoped_model_has_an_out_of_scope_row(db, demo):
    """The checks bite only where a row outside the viewers' scope exists: a new scoped model
    needs one (in the demo, or made in access_rows.add_missing_rows)."""
    from gridgov.demo.tests.access_rows import outside_all

    missing = [m._meta.label for m in SCOPED
               if not outside_all(m, [[demo["codes"]["grid"][0]], [demo["codes"]["other_community"][0]]]).exists()]
    assert not missing, f"这些模型在演示数据中没有范围外的行：{missing}"


def test_public_lists_name_real_pages():
    names = {n for n, _ in PAGES} | set(DETAIL_PAGES)
    assert set(PUBLIC_NAMES) <= names, set(PUBLIC_NAMES) - names
    assert set(PUBLIC_SHOWS) <= names
    labels = {m._meta.label for m in SCOPED}
    assert ANCESTOR_SHOWN <= labels, ANCESTOR_SHOWN - labels


@pytest.mark.parametrize("which", USERS)
@pytest.mark.parametrize("page", OBJECT_PAGES, ids=lambda p: p[0])
def test_page_of_an_out_of_scope_row_is_refused(db, demo, client, page, which):
    """Detail, edit, sub-pages and downloads of one row (GET): a row of another scope answers
    404 (or the login redirect / 403 / 405 a refused request gets), never its data."""
    from gridgov.accounts.models import User

    name, label, arg = page
    if _public(name):
        pytest.skip(PUBLIC_NAMES.get(name) or PUBLIC_NAMESPACES[name.split(":")[0]])
    model = apps.get_model(label)
    user = User.objects.get(pk=demo["users"][which])
    row = model._base_manager.exclude(pk__in=model.objects.visible_to(user).values("pk")).order_by("pk").first()
    assert row is not None, f"{label}: 没有 {which} 看不到的行"
    field = "number" if arg == "number" else "pk"
    client.force_login(user)
    url = reverse(name, kwargs={arg: getattr(row, field)})
    r = client.get(url)
    assert r.status_code in (302, 403, 404, 405), f"{which} 打开范围外的 {label}#{row.pk} 页面 {url} 得到 {r.status_code}"
    if r.status_code == 302:
        assert str(row.pk) not in r["Location"] or "/login/" in r["Location"], r["Location"]
