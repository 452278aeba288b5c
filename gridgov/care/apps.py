from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "gridgov.care"
    label = "care"
    verbose_name = "上门服务与居家养老"
