from django.apps import AppConfig


class UtilitiesConfig(AppConfig):
    name = "gridgov.utilities"
    label = "utilities"
    verbose_name = "水电气缴费"
