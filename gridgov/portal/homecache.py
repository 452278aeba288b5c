"""The cached community home: its content fragment is kept per community and version; every
publish, withdrawal or session change bumps the version after commit."""

from django.core.cache import cache

HOME_TTL = 600


def home_cache_key(code):
    version = cache.get(f"portal:home:v:{code}") or 0
    return f"portal:home:{code}:{version}"


def invalidate_home(code):
    key = f"portal:home:v:{code}"
    cache.add(key, 0, None)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, None)
