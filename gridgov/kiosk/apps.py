from django.apps import AppConfig


class KioskConfig(AppConfig):
    name = "gridgov.kiosk"
    label = "kiosk"
    verbose_name = "自助终端"
