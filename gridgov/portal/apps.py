from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "gridgov.portal"
    label = "portal"
    verbose_name = "完美社区网"
