from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "gridgov.community"
    label = "community"
    verbose_name = "社区概况与设施"
