"""Rule 2 (docs/architecture.md) for EVERY scoped model, discovered — no list to keep up to date.

The tiny demo is loaded once for the module. Then, for every installed model that subclasses
`core.models.ScopedModel` (a later app's models included automatically) and for two demo users —
the grid worker `gw001` and a community-level user of the *other* community — the test proves:

- every row `Model.objects.visible_to(user)` returns lies inside the user's scope for the
  model's view permission (`core.access.scope_prefixes`), and a row outside that scope exists
  but is not returned (the test fails when no row lies outside: the rows the tiny demo leaves
  empty are made by `access_rows.add_missing_rows`);
- when the model has `get_absolute_url`, the detail page of an out-of-scope row answers 404 (the
  same as a missing object), and an in-scope row's page does not 404 for a user holding the
  view permission;
- every DRF list route the manifests register (gridgov/api_urls.py) returns, as that user, no
  row outside `visible_to`, and its detail route answers an out-of-scope row with 404 (or the
  same refusal a missing object gets).

List pages, exports, searches and map data of every app: test_access_endpoints.py.
Tests are parametrized per model / route so a failure names it. Models that are legitimately not
scoped per staff user are listed in NOT_PER_USER with the reason.
"""

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction

from gridgov.core.access import ALL, perm_name, prefix_q, scope_prefixes
from gridgov.core.models import ScopedModel

# the demo needs the rows data migrations seed (case and component classes)
RUN_BEFORE_FLUSHES = True
pytestmark = pytest.mark.slow

SCOPED = sorted((m for m in apps.get_models() if issubclass(m, ScopedModel)), key=lambda m: m._meta.label)

# label → reason: models whose rows are not per-user-scoped by division prefix.
NOT_PER_USER: dict[str, str] = {}
# label → reason: the detail page (get_absolute_url) is public by design.
PUBLIC_DETAIL: dict[str, str] = {}

USERS = ("grid", "other_community")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The tiny demo, loaded once and rolled back after the module; the two users."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            from gridgov.accounts.choices import RoleCode
            from gridgov.accounts.models import Role, RoleAssignment, User
            from gridgov.divisions.choices import Level
            from gridgov.divisions.models import Division

            call_command("setup_platform", verbosity=0, stdout=io.StringIO())
            call_command("demo", scale="tiny", seed=2026, verbosity=0, stdout=io.StringIO())
            grid_user = User.objects.get(username="gw001")
            grid_path = grid_user.active_assignments()[0].division.path
            other = (Division.objects.filter(level=Level.COMMUNITY, is_active=True)
                     .exclude(code__startswith=grid_path[:12]).order_by("code").first())
            assert other is not None, "the tiny demo should have a second community"
            from gridgov.demo.tests.access_rows import add_missing_rows

            spare = (Division.objects.filter(level=Level.GRID, is_active=True, code__startswith=grid_path[:12])
                     .exclude(code=grid_path).order_by("code").first())
            add_missing_rows(spare.code, [[grid_path], [other.code]])
            community_user = User.objects.create(username="access-other-community", full_name="另一社区工作人员")
            RoleAssignment.objects.create(user=community_user, role=Role.objects.get(code=RoleCode.COMMUNITY_STAFF),
                                          division=other)
            yield {"grid": grid_user.pk, "other_community": community_user.pk}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def test_both_users_see_rows_of_their_own_scope(db, demo):
    """The checks below are not vacuous: each user sees persons, and only some of them."""
    from gridgov.registry.models import Person

    for which in USERS:
        visible = Person.objects.visible_to(_user(demo, which)).count()
        assert 0 < visible < Person.objects.count(), (which, visible)


def _user(demo, which):
    from gridgov.accounts.models import User

    return User.objects.get(pk=demo[which])


def _outside(model, prefixes):
    qs = model._base_manager.all()
    return qs if not prefixes else qs.exclude(prefix_q("division_code", prefixes))


def _inside(code, prefixes):
    return any(str(code).startswith(p) for p in prefixes)


@pytest.mark.parametrize("which", USERS)
@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m._meta.label)
def test_visible_to_returns_only_rows_in_scope(db, demo, model, which):
    label = model._meta.label
    if label in NOT_PER_USER:
        pytest.skip(NOT_PER_USER[label])
    user = _user(demo, which)
    prefixes = scope_prefixes(user, perm_name(model, "view"))
    if prefixes == ALL:
        pytest.skip("该用户范围为全部")
    visible = model.objects.visible_to(user)
    leaked = [(r.pk, r.division_code) for r in visible if not _inside(r.division_code, prefixes)]
    assert not leaked, f"{label}: {which} 看到了范围 {prefixes} 之外的行 {leaked[:5]}"
    out = _outside(model, prefixes).values_list("pk", flat=True)[:50]
    assert out, f"{label}: 演示数据中没有 {which} 范围之外的行（在 access_rows.add_missing_rows 中补一行）"
    assert not visible.filter(pk__in=list(out)).exists()


@pytest.mark.parametrize("which", USERS)
@pytest.mark.parametrize("model", [m for m in SCOPED if hasattr(m, "get_absolute_url")], ids=lambda m: m._meta.label)
def test_detail_page_of_an_out_of_scope_row_is_404(db, demo, client, model, which):
    label = model._meta.label
    if label in NOT_PER_USER or label in PUBLIC_DETAIL:
        pytest.skip(NOT_PER_USER.get(label) or PUBLIC_DETAIL[label])
    user = _user(demo, which)
    prefixes = scope_prefixes(user, perm_name(model, "view"))
    if prefixes == ALL:
        pytest.skip("该用户范围为全部")
    client.force_login(user)
    row = _outside(model, prefixes).order_by("pk").first()
    assert row is not None, f"{label}: 演示数据中没有 {which} 范围之外的行（在 access_rows.add_missing_rows 中补一行）"
    status = client.get(row.get_absolute_url()).status_code
    if prefixes:  # holds the view permission somewhere: missing and forbidden look the same
        assert status == 404, f"{label}: {which} 打开范围外的 {row.get_absolute_url()} 得到 {status}"
    else:
        assert status in (302, 403, 404), f"{label}: 无查看权限的 {which} 得到 {status}"
    inside = model.objects.visible_to(user).order_by("pk").first()
    if inside is not None:
        status = client.get(inside.get_absolute_url()).status_code
        assert status != 404, f"{label}: {which} 打开范围内的 {inside.get_absolute_url()} 得到 404"


def _api_routes():
    from gridgov.api_urls import router

    return [(prefix, viewset, basename) for prefix, viewset, basename in router.registry]


def _route_model(viewset):
    qs = getattr(viewset, "queryset", None)
    return qs.model if qs is not None else None


@pytest.mark.parametrize("which", USERS)
@pytest.mark.parametrize("route", _api_routes(), ids=lambda r: r[2])
def test_api_list_returns_no_out_of_scope_rows(db, demo, client, route, which):
    from django.urls import reverse

    _prefix, viewset, basename = route
    user = _user(demo, which)
    client.force_login(user)
    try:
        url = reverse(f"{basename}-list")
    except Exception:
        pytest.skip("无列表路由")
    r = client.get(url, {"page_size": 1000})
    if r.status_code in (401, 403, 404, 405):
        return  # refused: nothing shown
    assert r.status_code == 200, r.status_code
    data = r.json()
    rows = data["results"] if isinstance(data, dict) and "results" in data else data
    model = _route_model(viewset)
    if model is None or not hasattr(model.objects, "visible_to"):
        pytest.skip(f"{basename}: 不是按区划范围的模型的接口")
    label = model._meta.label
    if label in NOT_PER_USER:
        pytest.skip(NOT_PER_USER[label])
    prefixes = scope_prefixes(user, perm_name(model, "view"))
    if prefixes == ALL:
        pytest.skip("该用户范围为全部")
    if not issubclass(model, ScopedModel):
        prefixes = [""]  # scoped by its own column (Division: code): checked against visible_to only
    wrong = [row.get("division_code") for row in rows
             if "division_code" in row and not _inside(row["division_code"], prefixes)]
    assert not wrong, f"{basename}: {which} 的接口列表含范围外的行 {wrong[:5]}"
    key = "id" if rows and "id" in rows[0] else ("code" if rows and "code" in rows[0] else None)
    if key:
        ids = {row[key] for row in rows}
        field = "pk" if key == "id" else key
        visible = set(model.objects.visible_to(user).filter(**{f"{field}__in": ids}).values_list(field, flat=True))
        assert ids <= visible, f"{basename}: {which} 的接口列表含 visible_to 之外的行 {sorted(ids - visible)[:5]}"


@pytest.mark.parametrize("which", USERS)
@pytest.mark.parametrize("route", _api_routes(), ids=lambda r: r[2])
def test_api_detail_of_an_out_of_scope_row_is_404(db, demo, client, route, which):
    from django.urls import NoReverseMatch, reverse

    _prefix, viewset, basename = route
    model = _route_model(viewset)
    if model is None or not hasattr(model.objects, "visible_to"):
        pytest.skip(f"{basename}: 不是按区划范围的模型的接口")
    if model._meta.label in NOT_PER_USER:
        pytest.skip(NOT_PER_USER[model._meta.label])
    user = _user(demo, which)
    lookup = getattr(viewset, "lookup_field", "pk") or "pk"
    visible = model.objects.visible_to(user).values("pk")
    row = model._base_manager.exclude(pk__in=visible).order_by("pk").first()
    if row is None:
        pytest.skip(f"{basename}: 演示数据中没有 {which} 范围之外的行")
    kwarg = getattr(viewset, "lookup_url_kwarg", None) or lookup
    try:
        url = reverse(f"{basename}-detail", kwargs={kwarg: getattr(row, lookup)})
    except NoReverseMatch:
        pytest.skip("无详情路由")
    client.force_login(user)
    status = client.get(url).status_code
    assert status in (401, 403, 404), f"{basename}: {which} 读取范围外的 {url} 得到 {status}"
    if status != 404:  # refused outright: the same answer as for a missing object
        missing = reverse(f"{basename}-detail", kwargs={kwarg: "0" if lookup == "pk" else "999999999999999"})
        assert client.get(missing).status_code == status
