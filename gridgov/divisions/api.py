"""REST API of the divisions app: the tree (read-only, scoped) and current shapes."""

from rest_framework import serializers

from gridgov.core.api import ScopedReadOnlyViewSet

from .models import Division


class DivisionSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", default=None, read_only=True)
    level_name = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Division
        fields = ["code", "name", "level", "level_name", "parent_code", "urban_rural_code", "centre_lng",
                  "centre_lat", "household_count", "is_active", "valid_from", "valid_to"]


class DivisionViewSet(ScopedReadOnlyViewSet):
    """Divisions the caller may see. Filter `?level=4&parent__code=...`, `?division=` narrows to a
    subtree, `?search=` matches name or code."""

    queryset = Division.objects.select_related("parent").order_by("code")
    serializer_class = DivisionSerializer
    lookup_field = "code"
    filterset_fields = ["level", "parent__code", "is_active"]
    search_fields = ["name", "code"]
    ordering_fields = ["code", "name", "household_count"]


def register(router):
    router.register("divisions", DivisionViewSet, basename="division")
