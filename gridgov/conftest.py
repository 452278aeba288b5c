"""Shared pytest fixtures: a small division tree, users per role, immediate background jobs.

The tree (codes are real Wuling codes; grids are test-made):
    430702000000 武陵区
      430702004000 丹阳街道
        430702004001 A社区 → grids 430702004001001, 430702004001002
        430702004002 B社区 → grid 430702004002001
      430702005000 白马湖街道
        430702005001 C社区 → grid 430702005001001
"""

import os

import pytest
from hypothesis import settings as hypothesis_settings

from gridgov.accounts.choices import RoleCode

TREE = [
    ("430702000000", "武陵区"),
    ("430702004000", "丹阳街道"),
    ("430702004001", "A社区"),
    ("430702004001001", "A社区第一网格"),
    ("430702004001002", "A社区第二网格"),
    ("430702004002", "B社区"),
    ("430702004002001", "B社区第一网格"),
    ("430702005000", "白马湖街道"),
    ("430702005001", "C社区"),
    ("430702005001001", "C社区第一网格"),
]


def _square(lng, lat, size=0.002):
    return {"type": "Polygon", "coordinates": [[[lng, lat], [lng + size, lat], [lng + size, lat + size],
                                                [lng, lat + size], [lng, lat]]]}


# CI explores the same random cities on every run (a landing must not depend on luck, nor
# spend minutes shrinking); a developer's run draws new ones and keeps failures in .hypothesis/.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


def pytest_collection_modifyitems(items):
    """Mark every test that flushes the database (live server, transaction=True) as
    `transactional`: `make test` runs them after the others, in one process, because a flush
    (even with serialized rollback) leaves the tables empty for whatever runs next."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        flushes = marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("serialized_rollback"))
        if flushes or {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.transactional)
    # A module that needs the rows data migrations seed (and cannot rebuild them) sets
    # RUN_BEFORE_FLUSHES = True: it runs before any test flushes the database.
    items.sort(key=lambda item: 0 if getattr(getattr(item, "module", None), "RUN_BEFORE_FLUSHES", False) else 1)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Test users are made per test; PBKDF2 would spend most of the suite hashing passwords."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _immediate_jobs(settings):
    """Jobs run in-process in tests (Huey immediate mode), right after the enqueuing commit."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    yield


@pytest.fixture(autouse=True)
def _fresh_throttle(settings, tmp_path):
    """Each test counts attempts (core.throttle) in its own empty folder: no test inherits
    another's lockout, whichever process or order runs them."""
    settings.CACHES = {**settings.CACHES, "throttle": {**settings.CACHES["throttle"], "LOCATION": str(tmp_path / "throttle")}}


@pytest.fixture
def roles(db):
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.management import create_contenttypes

    from gridgov.accounts.roles import ensure_roles

    if not Permission.objects.exists():  # a flushing test ran before without restoring them
        for app_config in apps.get_app_configs():
            create_contenttypes(app_config, verbosity=0)
            create_permissions(app_config, verbosity=0)
    return ensure_roles()


@pytest.fixture
def tree(db):
    """{code: Division} for TREE; grids get 0.002° square polygons side by side."""
    from gridgov.divisions.codes import level_of, parent_code_of
    from gridgov.divisions.models import Division, DivisionShape

    nodes = {}
    for i, (code, name) in enumerate(TREE):
        parent = nodes.get(parent_code_of(code))
        nodes[code] = Division.objects.create(code=code, name=name, level=level_of(code), parent=parent)
        if len(code) == 15:
            geom = _square(111.70 + 0.002 * i, 29.04)
            from gridgov.divisions import geo

            minx, miny, maxx, maxy = geo.bbox(geom)
            DivisionShape.objects.create(
                division=nodes[code], version=1, geometry=geom, min_lng=minx, min_lat=miny, max_lng=maxx,
                max_lat=maxy, area_m2=geo.area_m2(geom), valid_from="2026-01-01T00:00:00+08:00",
            )
    return nodes


@pytest.fixture
def make_user(db, roles):
    """make_user(role_code, division_or_code=None, department=None, username=None) → User."""
    from gridgov.accounts.models import RoleAssignment, User
    from gridgov.divisions.models import Division

    counter = {"n": 0}

    def make(role_code=RoleCode.DISTRICT_ADMIN, division=None, department=None, username=None, **extra):
        counter["n"] += 1
        if isinstance(division, str):
            division = Division.objects.get(code=division)
        user = User.objects.create_user(
            username=username or f"{role_code}-{counter['n']}", password="Passw0rd-test", full_name=extra.pop(
                "full_name", f"测试用户{counter['n']}"), **extra
        )
        RoleAssignment.objects.create(user=user, role=roles[role_code], division=division, department=department)
        return user

    return make


@pytest.fixture
def scoped_user(db, roles):
    """scoped_user(["app.codename", …], division_or_code, username=None) → a User holding a
    throw-away role that grants exactly those permissions there (scope tests prove scoping, not
    the default role table)."""
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    from gridgov.accounts.models import Role, RoleAssignment, User
    from gridgov.divisions.models import Division

    counter = {"n": 0}

    def make(perms, division, username=None):
        counter["n"] += 1
        role, _ = Role.objects.get_or_create(code="access-test", defaults={"name": "访问测试角色"})
        q = Q(pk__in=[])
        for key in perms:
            app, codename = key.split(".", 1)
            q |= Q(content_type__app_label=app, codename=codename)
        role.permissions.set(Permission.objects.filter(q))
        if isinstance(division, str):
            division = Division.objects.get(code=division)
        user = User.objects.create_user(username=username or f"scoped-{counter['n']}", password="Passw0rd-test",
                                        full_name=username or f"范围用户{counter['n']}")
        RoleAssignment.objects.create(user=user, role=role, division=division)
        return user

    return make


@pytest.fixture
def admin_user(make_user, tree):
    return make_user(RoleCode.DISTRICT_ADMIN, tree["430702000000"], username="admin-test")


@pytest.fixture
def grid_worker(make_user, tree):
    """The grid worker of grid 430702004001001."""
    return make_user(RoleCode.GRID_WORKER, tree["430702004001001"], username="gw-test")


# --- Browser tests (Playwright driving Debian's chromium) -------------------------------------

CHROMIUM_PATHS = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]


def _chromium():
    import os

    return next((p for p in CHROMIUM_PATHS if os.path.exists(p)), None)


@pytest.fixture(scope="session")
def _browser(django_db_setup, django_db_blocker):
    """One Chromium per test session, started after the test database exists (Playwright's
    event loop would otherwise make Django refuse the database set-up as async-unsafe)."""
    import os

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    path = _chromium()
    if not path:
        pytest.skip("未安装 Debian 的 chromium（apt-get install chromium），跳过浏览器测试")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=path, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_page(_browser, live_server, django_db_serialized_rollback, transactional_db):
    """A fresh page (desktop viewport) against the live test server: `page.goto(url("/path"))`.
    Serialized rollback puts the rows seeded by data migrations (calendar, dictionaries) back
    after the live-server test flushes the tables."""
    import os

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    context = _browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN",
                                   timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def phone_page(_browser, live_server, django_db_serialized_rollback, transactional_db):
    """A phone-sized page (the grid worker on the street)."""
    import os

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    context = _browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                   locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    yield page
    context.close()


def login(page, username, password="Passw0rd-test"):
    """Log in through the real login form."""
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
