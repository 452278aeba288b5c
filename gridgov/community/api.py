"""REST API of the community app: facilities (read-only, scoped) with their type, opening
hours and booking flag, for the community website and other clients."""

from rest_framework import serializers

from gridgov.core.api import ScopedReadOnlyViewSet

from .models import Facility


class FacilitySerializer(serializers.ModelSerializer):
    community_code = serializers.CharField(source="community.code", read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True)
    type_code = serializers.CharField(source="facility_type.code", read_only=True)
    type_name = serializers.CharField(source="facility_type.name", read_only=True)

    class Meta:
        model = Facility
        fields = ["id", "community_code", "community_name", "type_code", "type_name", "name", "status", "area_m2",
                  "address", "lng", "lat", "opening_hours", "bookable", "capacity", "phone", "updated_at"]


class FacilityViewSet(ScopedReadOnlyViewSet):
    """Facilities the caller may see. `?bookable=true`, `?status=built`, `?facility_type__code=`,
    `?division=` narrows to a subtree."""

    queryset = Facility.objects.select_related("community", "facility_type").order_by("division_code", "id")
    serializer_class = FacilitySerializer
    filterset_fields = ["bookable", "status", "facility_type__code"]
    search_fields = ["name"]


def register(router):
    router.register("facilities", FacilityViewSet, basename="facility")
