"""REST API of the party app: organisations, members and service records (scoped, read-only),
plus verify/reject of a record through the same action the branch page uses."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from gridgov.core.access import get_visible_or_404
from gridgov.core.api import ScopedReadOnlyViewSet

from . import actions
from .models import PartyMember, PartyOrganization, ServiceActivity


class OrganizationSerializer(serializers.ModelSerializer):
    kind_name = serializers.CharField(source="get_kind_display", read_only=True)
    secretary_name = serializers.CharField(source="secretary.name", default=None, read_only=True)

    class Meta:
        model = PartyOrganization
        fields = ["id", "name", "kind", "kind_name", "division_code", "parent", "secretary", "secretary_name",
                  "contact_name", "is_active"]


class MemberSerializer(serializers.ModelSerializer):
    category_name = serializers.CharField(source="get_category_display", read_only=True)
    work_unit_name = serializers.CharField(source="work_unit.name", default=None, read_only=True)

    class Meta:
        model = PartyMember
        fields = ["id", "name", "category", "category_name", "work_unit", "work_unit_name", "origin_organization",
                  "joined_on", "status", "division_code", "branch", "registered_at", "skills"]


class ActivitySerializer(serializers.ModelSerializer):
    item_name = serializers.CharField(source="item.name", read_only=True)
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = ServiceActivity
        fields = ["id", "member", "member_name", "branch", "post", "item", "item_name", "source", "occurred_at",
                  "duration_minutes", "place", "note", "quantity", "points", "status", "verified_at",
                  "reject_reason", "division_code"]


class VerifySerializer(serializers.Serializer):
    approve = serializers.BooleanField(default=True)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class OrganizationViewSet(ScopedReadOnlyViewSet):
    """Party organisations the caller may see; `?kind=grid`, `?division=` narrows to a subtree."""

    queryset = PartyOrganization.objects.select_related("secretary").order_by("division_code")
    serializer_class = OrganizationSerializer
    filterset_fields = ["kind", "is_active"]
    search_fields = ["name", "division_code"]


class MemberViewSet(ScopedReadOnlyViewSet):
    """Party members (no ID or phone numbers here). Filter by category, status, branch."""

    queryset = PartyMember.objects.select_related("work_unit").order_by("division_code", "name", "id")
    serializer_class = MemberSerializer
    filterset_fields = ["category", "status", "branch"]
    search_fields = ["name"]


class ActivityViewSet(ScopedReadOnlyViewSet):
    """Service records; `POST /api/party/activities/{id}/verify/` verifies or rejects one."""

    queryset = ServiceActivity.objects.select_related("item", "member").order_by("-occurred_at", "-id")
    serializer_class = ActivitySerializer
    filterset_fields = ["status", "source", "member", "branch"]
    ordering_fields = ["occurred_at", "points"]

    @extend_schema(request=VerifySerializer, responses=ActivitySerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        activity = get_visible_or_404(ServiceActivity, request.user, pk=pk)
        data = VerifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        activity = actions.verify_activity(actor=request.user, activity=activity, **data.validated_data)
        return Response(ActivitySerializer(activity).data)


def register(router):
    router.register("party/organizations", OrganizationViewSet, basename="party-organization")
    router.register("party/members", MemberViewSet, basename="party-member")
    router.register("party/activities", ActivityViewSet, basename="party-activity")
