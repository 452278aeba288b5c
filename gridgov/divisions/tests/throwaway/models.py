from django.db import models

from gridgov.core.models import ScopedModel


class StreetLamp(ScopedModel):
    """A lamp post that belongs to a grid and stands next to a building."""

    grid = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey("registry.Building", on_delete=models.CASCADE, related_name="+")
    number = models.CharField("编号", max_length=20)

    class Meta:
        app_label = "throwaway"
