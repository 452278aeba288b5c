"""System checks of the manifests: each app's `contributions.py` names its own label, keys are
unique, and what it declares exists (docs/architecture.md §3)."""

from django.core import checks


@checks.register()
def check_manifests(app_configs=None, **kwargs):
    from django.apps import apps

    from .manifest import all_contributions

    errors, keys = [], {}
    labels = {c.label for c in apps.get_app_configs()}
    for manifest in all_contributions():
        if manifest.app not in labels:
            errors.append(checks.Error(f"contributions.py declares app “{manifest.app}”, which is not an installed "
                                       f"app label", id="core.E101"))
        for kind, items in (("indicator", manifest.indicators), ("import kind", manifest.imports),
                            ("demo step", manifest.demo)):
            for item in items:
                other = keys.setdefault((kind, item.key), manifest.app)
                if other != manifest.app:
                    errors.append(checks.Error(f"{kind} “{item.key}” is declared by {other} and {manifest.app}",
                                               id="core.E102"))
    providers = [m.app for m in all_contributions() if m.residents is not None]
    if len(providers) > 1:
        errors.append(checks.Error(f"resident access is declared by {' and '.join(providers)}: one app keeps the "
                                   f"resident accounts (core.residents)", id="core.E103"))
    return errors


@checks.register(checks.Tags.urls)
def check_menu_urls(app_configs=None, **kwargs):
    from django.urls import NoReverseMatch, reverse

    from .manifest import collect

    warnings = []
    for app, entry in collect("menu"):
        try:
            reverse(entry.url_name)
        except NoReverseMatch:
            warnings.append(checks.Warning(f"menu entry “{entry.label}” of {app}: URL name “{entry.url_name}” does "
                                           f"not reverse (is the app's path in gridgov/urls.py?)", id="core.W101"))
    return warnings


# every uploaded file is a MediaFileField served through its owner (core/media.py)
from .media import check_media_fields  # noqa: E402

checks.register(check_media_fields)


@checks.register()
def check_throttle_cache(app_configs=None, **kwargs):
    """Attempt counters (core.throttle) must be shared by every server process."""
    from django.conf import settings

    from .throttle import ALIAS

    backend = settings.CACHES.get(ALIAS, {}).get("BACKEND", "")
    if backend.rsplit(".", 1)[-1] not in {"FileBasedCache", "RedisCache", "PyMemcacheCache", "PyLibMCCache"}:
        return [checks.Error(f"CACHES[“{ALIAS}”] is “{backend or 'missing'}”: lockouts and rate limits need a cache "
                             f"every server process shares (files under var/ or Redis, docs/operations.md)",
                             id="core.E103")]
    return []
