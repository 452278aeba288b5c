"""The cached community home: its content fragment (and, for signed-out visitors, the whole page)
is kept per community under a version made of the newest change to the community's posts and
sessions, read by ONE hand-written SQL statement per request, so a publish, an edit or a
withdrawal shows at once in every server process, whatever the cache backend; `invalidate_home`
also drops this process's copy right after the commit.

The statement is written out rather than built with the ORM: compiling the two annotated
subqueries cost more than the database took to answer them (bench/portal, ADR 0037). A cache hit
for a signed-out visitor runs no other query; the community row is read only on a miss."""

from django.core.cache import cache
from django.db import connection

HOME_TTL = 600
# Tables and level are fixed names (checked by test_pages.test_home_version_sql_matches_models).
VERSION_SQL = (
    'SELECT (SELECT MAX("updated_at") FROM "portal_post" WHERE "division_code" = %s),'
    ' (SELECT MAX("updated_at") FROM "portal_session" WHERE "division_code" = %s)'
    ' FROM "divisions_division" WHERE "code" = %s AND "level" = 3 AND "is_active"')


def home_version(code):
    """A short string naming the current state of community `code`'s posts and sessions, or None
    when `code` is not a live community."""
    with connection.cursor() as cursor:
        cursor.execute(VERSION_SQL, [code, code, code])
        row = cursor.fetchone()
    if row is None:
        return None
    return "-".join("".join(ch for ch in str(v) if ch.isdigit()) if v else "0" for v in row)


def home_cache_key(code, version):
    local = cache.get(f"portal:home:v:{code}") or 0
    return f"portal:home:{code}:{version}:{local}"


def invalidate_home(code):
    key = f"portal:home:v:{code}"
    cache.add(key, 0, None)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, None)
