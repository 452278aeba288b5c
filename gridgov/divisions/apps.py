from django.apps import AppConfig


class DivisionsConfig(AppConfig):
    name = "gridgov.divisions"
    label = "divisions"
    verbose_name = "行政区划与网格"
