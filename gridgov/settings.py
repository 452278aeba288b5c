"""Django settings for gridgov.

Everything that differs between the embedded demo and a production install comes from
environment variables (see docs/operations.md): DATABASE_URL, HUEY_REDIS_URL, SECRET_KEY, ...
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("GRIDGOV_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).lower() in ("1", "true", "yes", "on")


def _secret_key():
    """A per-install secret kept in var/, so the demo needs no set-up and keys never hit git."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = VAR_DIR / "secret_key"
    if not path.exists():
        import secrets

        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# Keyed hash for exact lookup of ID and phone numbers; separate from SECRET_KEY so rotating
# sessions never breaks lookups. Must be identical on every web server and worker.
PII_HASH_KEY = os.environ.get("PII_HASH_KEY", SECRET_KEY)


def _field_encryption_keys():
    """Keys of the `*_enc` columns (core/crypto.py, ADR 0026): FIELD_ENCRYPTION_KEYS, a comma-
    separated list, newest first. Without it (development, `make run`, tests) a random key is
    made once in var/field_encryption_key.DEV-ONLY — DEVELOPMENT ONLY: it lies beside the
    database, so a copy of var/ opens the data; `PRODUCTION=1` refuses to start without the
    environment variable."""
    if os.environ.get("FIELD_ENCRYPTION_KEYS"):
        return [k.strip() for k in os.environ["FIELD_ENCRYPTION_KEYS"].split(",") if k.strip()], False
    if env_bool("PRODUCTION"):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("PRODUCTION=1 需要设置 FIELD_ENCRYPTION_KEYS（见 docs/operations.md）")
    path = VAR_DIR / "field_encryption_key.DEV-ONLY"
    if not path.exists():
        import base64

        path.write_text(base64.urlsafe_b64encode(os.urandom(32)).decode())
        path.chmod(0o600)
    return [path.read_text().strip()], True


FIELD_ENCRYPTION_KEYS, FIELD_ENCRYPTION_DEV_KEY = _field_encryption_keys()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tables2",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "huey.contrib.djhuey",
    "csp",
    "gridgov.core",
    "gridgov.accounts",
    "gridgov.divisions",
    "gridgov.registry",
    "gridgov.cases",
    "gridgov.party",
    "gridgov.community",
    "gridgov.dashboard",
    "gridgov.portal",
    "gridgov.care",
    "gridgov.services",
    "gridgov.utilities",
    "gridgov.kiosk",
    "gridgov.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gridgov.core.middleware.RequestIdMiddleware",
    "gridgov.core.middleware.JsonDepthMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "gridgov.core.middleware.ScopeMiddleware",
]

ROOT_URLCONF = "gridgov.urls"
WSGI_APPLICATION = "gridgov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gridgov" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gridgov.core.context_processors.shell",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'gridgov.sqlite3'}", conn_max_age=int(os.environ.get("CONN_MAX_AGE", 60))
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the web server and the job worker share the file safely.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"].setdefault("TEST", {})
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"]["NAME"] = os.environ["TEST_DATABASE_NAME"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["gridgov.accounts.backends.LockoutModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "gridgov.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "gridgov.accounts.validators.CharacterClassValidator"},
]
# Login lockout: this many failures within the window lock the account for the window.
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", 5))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", 15))
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 8 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "gridgov" / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "gridgov" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "30"))  # API tokens expire (accounts/tokens.py)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "gridgov.accounts.tokens.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "gridgov.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "gridgov API",
    "DESCRIPTION": "网格化社会治理综合信息平台 REST API",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",  # served locally: intranets have no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # the schema and its docs are for signed-in users unless an operator opens them
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny" if env_bool("API_DOCS_PUBLIC")
                          else "rest_framework.permissions.IsAuthenticated"],
}

# UI: Tabler (Bootstrap 5) from npm; forms through crispy-bootstrap5, tables through django-tables2
# with a template that stacks rows as cards on phones (docs/ui.md).
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "ui/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-vcenter card-table table-stack"}

# Caches. `default` is per process (page fragments that carry their own version key). Attempt
# counters (core.throttle: lockouts, rate limits) must be shared by every server process and
# must not roll back with a failed request's transaction, so they live in Redis when
# CACHE_REDIS_URL is set (needed when several machines serve), otherwise in files under var/.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["CACHE_REDIS_URL"],
         "KEY_PREFIX": "gridgov"}
        if os.environ.get("CACHE_REDIS_URL") else
        {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(VAR_DIR / "throttle"),
         "OPTIONS": {"MAX_ENTRIES": 50_000}}
    ),
}

# Background jobs: Huey on a SQLite file by default, Redis when HUEY_REDIS_URL is set.
HUEY_IMMEDIATE = env_bool("HUEY_IMMEDIATE", False)
if os.environ.get("HUEY_REDIS_URL"):
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "gridgov",
        "url": os.environ["HUEY_REDIS_URL"],
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "gridgov",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

# Working hours for SLA clocks (local time). Holidays and adjusted workdays are data
# (core.CalendarDay), editable per year by a district administrator.
WORKING_HOURS = [("08:30", "12:00"), ("14:30", "17:30")]

# Maps: Leaflet draws the division polygons with no tiles by default (offline intranet).
# Set MAP_TILE_URL to an intranet tile server, e.g. http://tiles.local/{z}/{x}/{y}.png
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")

# The district this install serves (GB/T 2260 county code).
DISTRICT_CODE = os.environ.get("GRIDGOV_DISTRICT_CODE", "430702")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # times in TIME_ZONE (Django sets the process zone), with the UTC offset so a log says its zone
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
                             "datefmt": "%Y-%m-%d %H:%M:%S %z"}},
    "filters": {"request_id": {"()": "gridgov.core.context.RequestIdLogFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # the job worker logs once, in this format (run_huey adds its own handler only when none is set)
        "huey": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
# Case list's covering index (INCLUDE) is used on PostgreSQL; SQLite ignores the extra columns.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Content Security Policy (django-csp): scripts only from our own static files — no inline
# script, no on…= handlers, no eval (see docs/security.md). Inline styles stay allowed: Leaflet
# and ECharts set them, and style cannot run script. Map tiles may come from MAP_TILE_URL's host.
def _tile_origin(url):
    """http://{s}.tiles.local/{z}/{x}/{y}.png → http://*.tiles.local (CSP source syntax)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}.", "wildcard-subdomain.").replace("{", "").replace("}", ""))
    return f"{parts.scheme}://{parts.netloc}".replace("wildcard-subdomain.", "*.") if parts.netloc else ""


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *filter(None, [_tile_origin(MAP_TILE_URL)])],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
# Our reverse proxies (addresses or CIDR, comma-separated): X-Forwarded-For is read only from
# them, so rate limits key on the real client (core/net.py, docs/operations.md).
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("TRUSTED_PROXIES", "").split(",") if p.strip()]
# One switch for a production deployment behind HTTPS (docs/operations.md): secure cookies,
# HSTS, the proxy's X-Forwarded-Proto trusted, HTTP redirected, DEBUG off, real keys required.
PRODUCTION = env_bool("PRODUCTION")
if PRODUCTION:
    DEBUG = False
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", 365 * 24 * 3600))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
