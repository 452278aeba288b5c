"""System checks of the divisions app: every model that belongs to a place says how it follows
a redraw (docs/architecture.md §3; §4 “History is data”)."""

from django.core import checks


@checks.register()
def check_redraw_rules(app_configs=None, **kwargs):
    from .redraw.rules import problems

    return [checks.Error(text, hint="see RedrawRule in gridgov/core/manifest.py", id="divisions.E001")
            for text in problems()]
