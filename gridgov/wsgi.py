"""WSGI entry point (gunicorn gridgov.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
application = get_wsgi_application()

from gridgov.core.heap import settle  # noqa: E402 (after Django is set up)

settle()  # the start-up heap out of the collector's reach (ADR 0044)
