from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    DISTRICT = 1, _("区县")
    STREET = 2, _("街道/乡镇")
    COMMUNITY = 3, _("社区/村")
    GRID = 4, _("网格")
