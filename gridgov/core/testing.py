"""A reusable access test base: declare a scoped model's URLs, inherit the scope tests.

Every scoped model must prove the same things (docs/architecture.md §4, “Reads go through one access chokepoint”): anonymous is refused; a user scoped to
another grid sees nothing (the list leaves the object out; detail, API detail, edit and delete
give 404 — missing and forbidden look the same); a user of the object's grid and a user of the
parent community see it; a district administrator sees everything. Write them once here.

How to apply it to your model (registry, cases, party …) — in `gridgov/<app>/tests/test_access.py`:

    from gridgov.core.testing import ScopedAccessTests

    class TestBuildingAccess(ScopedAccessTests):          # the name must start with "Test"
        model = Building
        list_url = "registry:building_list"               # URL names (reverse()d); None = not tested
        detail_url = "registry:building_detail"
        api_list_url = "building-list"                     # router names: "<basename>-list" / "-detail"
        api_detail_url = "building-detail"
        edit_url = "registry:building_edit"                # optional: POSTed with edit_payload
        delete_url = "registry:building_delete"            # optional: POSTed (no body)
        create_url = "registry:building_create"            # optional: POSTed with create_payload

        def make_object(self, tree):                       # an object in grid 430702004001001
            return Building.objects.create(grid=tree["430702004001001"], code="B1", ...)

        def detail_kwargs(self, obj):                      # default {"pk": obj.pk}
            return {"pk": obj.pk}

        def edit_payload(self, obj):                       # a *valid* edit (form fields)
            return {"name": "改名", ...}

        def create_payload(self, tree):                    # a *valid* new object in grid 001
            return {...}

The users are made with a throw-away role granting exactly the model's view/add/change/delete
permissions (plus `extra_perms`), so the tests prove scoping, not the default role table. The
district administrator is the real built-in role. List pages are checked by looking for the
object's detail URL in the HTML (override `list_marker` if your rows link elsewhere); API
lists by the `api_lookup` field of each result (default "id"; Division uses "code").
Unset URLs are skipped (shown as "s" in pytest), so declare everything your model has.
Fixtures used: `client`, `tree`, `roles`, `make_user`, `scoped_user` (gridgov/conftest.py).
"""

import pytest
from django.urls import reverse

GRID = "430702004001001"
OTHER_GRID = "430702004001002"
COMMUNITY = "430702004001"
DISTRICT = "430702000000"
REFUSED = (302, 401, 403)
HIDDEN = (404,)


class ScopedAccessTests:
    model = None
    list_url = detail_url = api_list_url = api_detail_url = None
    create_url = edit_url = delete_url = None
    api_lookup = "id"
    extra_perms: tuple = ()

    # --- hooks a subclass overrides -------------------------------------------------------
    def make_object(self, tree):
        raise NotImplementedError("make_object(tree) must return an object in grid 430702004001001")

    def detail_kwargs(self, obj):
        return {"pk": obj.pk}

    def api_detail_kwargs(self, obj):
        return {"pk": obj.pk} if self.api_lookup == "id" else {self.api_lookup: getattr(obj, self.api_lookup)}

    def edit_kwargs(self, obj):
        return self.detail_kwargs(obj)

    def delete_kwargs(self, obj):
        return self.detail_kwargs(obj)

    def list_marker(self, obj):
        return reverse(self.detail_url, kwargs=self.detail_kwargs(obj))

    def edit_payload(self, obj):
        return {}

    def create_payload(self, tree):
        return {}

    # --- users ------------------------------------------------------------------------------
    @pytest.fixture(autouse=True)
    def _user_factories(self, scoped_user, make_user):
        """The user factories of gridgov/conftest.py (core itself names no app)."""
        self._scoped_user, self._make_user = scoped_user, make_user

    def model_perms(self):
        """Every permission of the model (view/add/change/delete and its own) plus `extra_perms`."""
        opts = self.model._meta
        own = [f"{opts.app_label}.{action}_{opts.model_name}" for action in opts.default_permissions]
        return [*own, *(f"{opts.app_label}.{codename}" for codename, _label in opts.permissions), *self.extra_perms]

    def user_at(self, code, username):
        return self._scoped_user(self.model_perms(), code, username=username)

    def district_admin(self, roles):
        return self._make_user("district_admin", DISTRICT, username="access-admin")

    # --- helpers ----------------------------------------------------------------------------
    def _need(self, *names):
        for n in names:
            if not getattr(self, n):
                pytest.skip(f"{n} 未声明")

    def _api_ids(self, response):
        data = response.json()
        rows = data["results"] if isinstance(data, dict) and "results" in data else data
        return {str(r[self.api_lookup]) for r in rows}

    def _sees(self, client, user, obj):
        client.force_login(user)
        if self.list_url:
            r = client.get(reverse(self.list_url))
            assert r.status_code == 200, r.status_code
            assert self.list_marker(obj) in r.content.decode(), "列表页应包含该对象"
        if self.detail_url:
            assert client.get(reverse(self.detail_url, kwargs=self.detail_kwargs(obj))).status_code == 200
        if self.api_list_url:
            r = client.get(reverse(self.api_list_url), {"page_size": 1000})
            assert r.status_code == 200
            assert str(getattr(obj, self.api_lookup if self.api_lookup != "id" else "pk")) in self._api_ids(r)
        if self.api_detail_url:
            r = client.get(reverse(self.api_detail_url, kwargs=self.api_detail_kwargs(obj)))
            assert r.status_code == 200

    # --- the generated tests ----------------------------------------------------------------
    def test_anonymous_is_refused(self, client, tree):
        obj = self.make_object(tree)
        if self.list_url:
            assert client.get(reverse(self.list_url)).status_code in REFUSED
        if self.detail_url:
            assert client.get(reverse(self.detail_url, kwargs=self.detail_kwargs(obj))).status_code in REFUSED
        if self.api_list_url:
            assert client.get(reverse(self.api_list_url)).status_code in (401, 403)
        if self.api_detail_url:
            r = client.get(reverse(self.api_detail_url, kwargs=self.api_detail_kwargs(obj)))
            assert r.status_code in (401, 403)
        if self.edit_url:
            r = client.post(reverse(self.edit_url, kwargs=self.edit_kwargs(obj)), self.edit_payload(obj))
            assert r.status_code in REFUSED
        if self.delete_url:
            assert client.post(reverse(self.delete_url, kwargs=self.delete_kwargs(obj))).status_code in REFUSED
            assert self.model.objects.filter(pk=obj.pk).exists()

    def test_other_grid_sees_nothing(self, client, tree, roles):
        obj = self.make_object(tree)
        client.force_login(self.user_at(OTHER_GRID, "access-other-grid"))
        if self.list_url:
            r = client.get(reverse(self.list_url))
            assert r.status_code == 200
            assert self.list_marker(obj) not in r.content.decode(), "其他网格的用户不应在列表中看到该对象"
        if self.detail_url:
            r = client.get(reverse(self.detail_url, kwargs=self.detail_kwargs(obj)))
            assert r.status_code in HIDDEN
        if self.api_list_url:
            r = client.get(reverse(self.api_list_url), {"page_size": 1000})
            assert r.status_code == 200
            assert str(getattr(obj, self.api_lookup if self.api_lookup != "id" else "pk")) not in self._api_ids(r)
        if self.api_detail_url:
            r = client.get(reverse(self.api_detail_url, kwargs=self.api_detail_kwargs(obj)))
            assert r.status_code in HIDDEN

    def test_other_grid_cannot_edit_or_delete(self, client, tree, roles):
        self._need_any("edit_url", "delete_url")
        obj = self.make_object(tree)
        client.force_login(self.user_at(OTHER_GRID, "access-other-grid"))
        if self.edit_url:
            from gridgov.core.audit import snapshot

            before = snapshot(obj)
            r = client.post(reverse(self.edit_url, kwargs=self.edit_kwargs(obj)), self.edit_payload(obj))
            assert r.status_code in HIDDEN
            obj.refresh_from_db()
            assert snapshot(obj) == before, "其他网格的用户不应能修改该对象"
        if self.delete_url:
            r = client.post(reverse(self.delete_url, kwargs=self.delete_kwargs(obj)))
            assert r.status_code in HIDDEN
            assert self.model.objects.filter(pk=obj.pk).exists()

    def test_other_grid_cannot_create_in_grid(self, client, tree, roles):
        self._need("create_url")
        client.force_login(self.user_at(OTHER_GRID, "access-other-grid"))
        count = self.model.objects.count()
        r = client.post(reverse(self.create_url), self.create_payload(tree))
        assert r.status_code in (200, 400, 403, 404)  # refused, or the form redisplayed with an error
        assert self.model.objects.count() == count, "不应能在管辖范围外新增"

    def test_own_grid_sees_it(self, client, tree, roles):
        obj = self.make_object(tree)
        self._sees(client, self.user_at(GRID, "access-grid"), obj)

    def test_parent_community_sees_it(self, client, tree, roles):
        obj = self.make_object(tree)
        self._sees(client, self.user_at(COMMUNITY, "access-community"), obj)

    def test_district_admin_sees_it(self, client, tree, roles):
        obj = self.make_object(tree)
        self._sees(client, self.district_admin(roles), obj)

    def test_community_can_create_edit_delete(self, client, tree, roles):
        self._need_any("create_url", "edit_url", "delete_url")
        user = self.user_at(COMMUNITY, "access-community")
        client.force_login(user)
        if self.create_url:
            count = self.model.objects.count()
            r = client.post(reverse(self.create_url), self.create_payload(tree))
            assert r.status_code in (200, 201, 302), r.status_code
            assert self.model.objects.count() == count + 1, "社区用户应能在本社区内新增"
        obj = self.make_object(tree)
        if self.edit_url:
            r = client.post(reverse(self.edit_url, kwargs=self.edit_kwargs(obj)), self.edit_payload(obj))
            assert r.status_code in (200, 302), r.status_code
        if self.delete_url:
            r = client.post(reverse(self.delete_url, kwargs=self.delete_kwargs(obj)))
            assert r.status_code in (200, 204, 302), r.status_code

    def _need_any(self, *names):
        if not any(getattr(self, n) for n in names):
            pytest.skip(f"{'/'.join(names)} 未声明")


def image_bytes(fmt="JPEG", size=(16, 12), color=(200, 60, 40), exif=None):
    """A real, tiny picture (for upload tests: the image helper refuses anything it cannot decode).
    `exif` is an optional PIL Exif object written into the file."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    image = Image.new("RGB", size, color)
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buf, fmt, **kwargs)
    return buf.getvalue()


def image_upload(name="photo.jpg", fmt="JPEG", **kwargs):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, image_bytes(fmt, **kwargs), content_type=f"image/{fmt.lower()}")


# -- races on PostgreSQL ------------------------------------------------------------------------

def require_postgresql(reason="并发测试需要 PostgreSQL（设置 DATABASE_URL=postgres://…）"):
    """Skip the calling test unless the default database is PostgreSQL (row locks, READ COMMITTED:
    the races below prove nothing on SQLite, whose write transactions are serial anyway)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(reason)


class RaceResult:
    """What `race` saw: `ok` the return values, `refused` the expected refusals (exception
    objects), `errors` anything else (repr), each in completion order; `outcomes` the
    (argument, "ok" | "refused" | "error", value) triples."""

    def __init__(self):
        self.outcomes = []

    def _of(self, kind):
        return [value for _, k, value in self.outcomes if k == kind]

    @property
    def ok(self):
        return self._of("ok")

    @property
    def refused(self):
        return self._of("refused")

    @property
    def errors(self):
        return self._of("error")

    @property
    def messages(self):
        """The refusals' texts (a ValidationError's messages joined by a space)."""
        return [" ".join(getattr(exc, "messages", None) or [str(exc)]) for exc in self.refused]

    def by_arg(self):
        return {arg: (kind, value) for arg, kind, value in self.outcomes}


def race(fn, args, *, refused=(), timeout=60):
    """Run `fn(arg)` for every `arg` in its own thread, all released together by a barrier, and
    wait for them (`timeout` seconds each). Each thread closes its database connections when done
    (Django opens one per thread; a connection left open blocks the test database's teardown).
    Exceptions of the `refused` types (e.g. ValidationError) are the expected losers; any other
    exception is collected in `errors`, so a test asserts `not result.errors`. Use it from a test
    marked `django_db(transaction=True, serialized_rollback=True)`: the threads must see the
    committed rows."""
    import threading

    from django.db import connections

    args = list(args)
    barrier = threading.Barrier(len(args))
    result, lock = RaceResult(), threading.Lock()

    def run(arg):
        try:
            barrier.wait(timeout)
            outcome = (arg, "ok", fn(arg))
        except tuple(refused) as exc:
            outcome = (arg, "refused", exc)
        except Exception as exc:  # noqa: BLE001  (reported through result.errors)
            outcome = (arg, "error", repr(exc))
        finally:
            connections.close_all()
        with lock:
            result.outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(arg,), daemon=True) for arg in args]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    stuck = sum(t.is_alive() for t in threads)
    assert not stuck, f"{stuck} of {len(threads)} racing threads did not finish within {timeout} s"
    return result
