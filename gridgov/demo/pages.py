"""The pages each demo role meets, and one measured request of a page: server time, SQL
queries and response size. The page bench (`bench/pages/`) and its CI guard
(`gridgov/demo/tests/test_page_queries.py`) share it.

Which pages: every entry of the role's own menu (whatever the installed apps put there) plus one
detail page of each kind the apps declare (`DetailPage` in their `contributions.py`), filled in
with the first row of that kind the role may see. Nothing here names an app's page, so pages a
later app adds are measured with no list to update.
"""

from __future__ import annotations

import gc
import statistics
import time
from dataclasses import dataclass, field

from django.db import connections
from django.test import Client
from django.urls import NoReverseMatch, reverse

from gridgov.core.manifest import all_contributions


@dataclass
class Page:
    """One page as one role: where it came from (`menu` or `detail`) and its address."""

    label: str
    url: str
    source: str  # "menu" | "detail"
    kind: str = ""  # the url name (menu) or the DetailPage label (detail)
    app: str = ""  # the app that declared it


@dataclass
class Measure:
    """The figures of one page as one role over `repeat` requests (after one warm-up)."""

    status: int
    queries: int
    bytes: int
    wall_ms: list = field(default_factory=list)
    cpu_ms: list = field(default_factory=list)
    sql_ms: list = field(default_factory=list)  # time spent in the database driver, per request
    gc_ms: list = field(default_factory=list)  # time in CPython's collector, per request
    redirect: str = ""

    @property
    def p50(self):
        return percentile(self.wall_ms, 50)

    @property
    def p95(self):
        return percentile(self.wall_ms, 95)

    @property
    def cpu_p50(self):
        return percentile(self.cpu_ms, 50)

    def slowest(self):
        """Where the slowest request's time went: wall, CPU, SQL and collector ms."""
        if not self.wall_ms:
            return {}
        i = max(range(len(self.wall_ms)), key=self.wall_ms.__getitem__)
        return {k: round(getattr(self, f"{k}_ms")[i], 1) for k in ("wall", "cpu", "sql", "gc")}


def percentile(values, p):
    """Nearest-rank percentile (p95 of 5 values is the largest; of 20, the 19th)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-p * len(ordered) // 100))
    return ordered[int(rank) - 1]


def demo_logins():
    """[(username, role)] of every declared demo login (the ones the apps' demo steps make, such
    as a party member, by their label)."""
    from .accounts import demo_accounts

    return ([(a.username, str(a.role)) for a in demo_accounts()]
            + [(a.username, str(a.role or a.label)) for a in demo_accounts(made_by_step=True)])


def demo_roles():
    """[(role label, username)] of the demo logins that exist, one login per role (the first
    declared), in declaration order."""
    from gridgov.accounts.models import User

    logins = demo_logins()
    seen, out = set(), []
    existing = set(User.objects.filter(username__in=[u for u, _ in logins], is_active=True)
                   .values_list("username", flat=True))
    for username, role in logins:
        if username in existing and role not in seen:
            seen.add(role)
            out.append((role, username))
    return out


def menu_pages(user):
    """The entries of `user`'s menu, in menu order (the same list the page shell shows)."""
    from gridgov.core.menu import visible_entries

    pages, seen = [], set()
    for visible in visible_entries(user):
        if visible.url not in seen:
            seen.add(visible.url)
            pages.append(Page(visible.entry.label, visible.url, "menu", visible.entry.url_name, visible.app))
    return pages


def detail_pages(user):
    """One page of each DetailPage kind the installed apps declare: the first row (by the
    declared order) `user` may see; kinds with no visible row are left out."""
    from django.apps import apps as django_apps

    pages = []
    for contribution in all_contributions():
        for detail in getattr(contribution, "details", ()):
            model = django_apps.get_model(detail.model)
            qs = model.objects.visible_to(user) if hasattr(model.objects, "visible_to") else model.objects.none()
            if detail.where:
                qs = qs.filter(**dict(detail.where))
            value = qs.order_by(*detail.order_by).values_list(detail.arg, flat=True).first()
            if value is None:
                continue
            try:
                url = reverse(detail.url_name, args=[value])
            except NoReverseMatch:
                continue
            pages.append(Page(detail.label, url, "detail", detail.label, contribution.app))
    return pages


def public_pages():
    """The pages the apps declare as public (`extra={"public_pages": (...)}`: URL names without
    arguments, or dotted paths to `f() -> [(name, path)]`), visited signed out: the resident
    website, the kiosk, the public report form … whatever app declares them."""
    from gridgov.core.manifest import resolve

    pages, seen = [], set()
    for contribution in all_contributions():
        for item in contribution.extra.get("public_pages", ()):
            try:
                found = [(item.split(":")[-1], reverse(item))] if ":" in item else list(resolve(item)())
            except NoReverseMatch:
                continue
            for name, url in found:
                if url not in seen:
                    seen.add(url)
                    pages.append(Page(name, url, "public", name, contribution.app))
    return pages


ANONYMOUS = ("访客（未登录）", "")  # (role label, username) of the signed-out pass


def pages_for(user):
    """Menu pages, then detail pages, without repeats."""
    menu = menu_pages(user)
    urls = {p.url for p in menu}
    return menu + [p for p in detail_pages(user) if p.url not in urls]


class QueryCounter:
    """Counts the SQL statements run on the default connection while active, and the time spent
    in them (sending, waiting for the server, reading the rows back)."""

    def __init__(self, using="default"):
        self.connection = connections[using]
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - t0

    def __enter__(self):
        self._cm = self.connection.execute_wrapper(self)
        self._cm.__enter__()
        return self

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


class CollectorClock:
    """The time CPython's cyclic garbage collector runs while active."""

    def __init__(self):
        self.seconds, self._t0 = 0.0, None

    def __call__(self, phase, info):
        if phase == "start":
            self._t0 = time.perf_counter()
        elif self._t0 is not None:
            self.seconds += time.perf_counter() - self._t0
            self._t0 = None

    def __enter__(self):
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc):
        gc.callbacks.remove(self)


def login_client(user):
    client = Client(raise_request_exception=True)
    client.force_login(user)
    return client


def measure(client, url, *, repeat=5, warmup=1):
    """Request `url` `warmup` + `repeat` times (redirects not followed); the query count and
    size are those of the last request."""
    result = None
    for i in range(warmup + repeat):
        counter = QueryCounter()
        cpu0, wall0 = time.thread_time(), time.perf_counter()
        with counter, CollectorClock() as collector:
            response = client.get(url)
        wall, cpu = time.perf_counter() - wall0, time.thread_time() - cpu0
        if result is None:
            result = Measure(response.status_code, counter.count, 0)
        result.status, result.queries = response.status_code, counter.count
        result.bytes = len(response.content) if not response.streaming else 0
        result.redirect = response.get("Location", "") if 300 <= response.status_code < 400 else ""
        if i >= warmup:
            result.wall_ms.append(wall * 1000)
            result.cpu_ms.append(cpu * 1000)
            result.sql_ms.append(counter.seconds * 1000)
            result.gc_ms.append(collector.seconds * 1000)
    return result


def summary_row(role, page, m):
    """A plain dict for printing and JSON."""
    return {
        "role": role, "page": page.url, "label": page.label, "source": page.source, "app": page.app,
        "status": m.status,
        "p50_ms": round(m.p50, 1), "p95_ms": round(m.p95, 1), "cpu_p50_ms": round(m.cpu_p50, 1),
        "mean_ms": round(statistics.fmean(m.wall_ms), 1) if m.wall_ms else 0.0,
        "queries": m.queries, "bytes": m.bytes, "redirect": m.redirect, "slowest": m.slowest(),
    }
