from django.apps import AppConfig


class ThrowawayConfig(AppConfig):
    name = "gridgov.divisions.tests.throwaway"
    label = "throwaway"
    verbose_name = "路灯（测试用）"
