from django.apps import AppConfig


class DivisionsConfig(AppConfig):
    name = "gridgov.divisions"
    label = "divisions"
    verbose_name = "行政区划与网格"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
