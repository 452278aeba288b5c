"""REST API of the accounts app: users (read, scoped), roles (read), and `me`."""

from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from gridgov.core.access import can

from .models import Role, RoleAssignment, User
from .queries import visible_users, with_assignments


class AssignmentSerializer(serializers.ModelSerializer):
    role = serializers.CharField(source="role.code")
    role_name = serializers.CharField(source="role.name")
    division_code = serializers.CharField(source="division.code", default="")
    division_name = serializers.CharField(source="division.name", default="")
    department = serializers.CharField(source="department.name", default="")

    class Meta:
        model = RoleAssignment
        fields = ["id", "role", "role_name", "division_code", "division_name", "department"]


class UserSerializer(serializers.ModelSerializer):
    assignments = AssignmentSerializer(source="assignment_list", many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "is_active", "last_login", "assignments"]


class RoleSerializer(serializers.ModelSerializer):
    permissions = serializers.SerializerMethodField()

    class Meta:
        model = Role
        fields = ["id", "code", "name", "description", "permissions"]

    def get_permissions(self, role) -> list[str]:
        return sorted(f"{p.content_type.app_label}.{p.codename}" for p in role.permissions.all())


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    """Users inside the caller's `accounts.view_user` scope."""

    serializer_class = UserSerializer
    queryset = User.objects.none()
    search_fields = ["username", "full_name"]
    ordering_fields = ["username", "id"]
    filterset_fields = ["is_active"]

    def get_queryset(self):
        return with_assignments(visible_users(self.request.user).order_by("username"))


class RoleViewSet(viewsets.ReadOnlyModelViewSet):
    """The roles and the permissions each grants (needs `accounts.view_role`)."""

    serializer_class = RoleSerializer
    queryset = Role.objects.prefetch_related("permissions__content_type")
    filterset_fields = ["code"]

    def get_queryset(self):
        if not can(self.request.user, "accounts.view_role"):
            raise PermissionDenied("没有权限查看角色")
        return super().get_queryset()


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    assignments = AssignmentSerializer(many=True)
    permissions = serializers.ListField(child=serializers.CharField())


class MeViewSet(viewsets.ViewSet):
    """The signed-in user: roles, scopes and permission names (for clients building menus)."""

    serializer_class = MeSerializer

    def list(self, request):
        user = request.user
        assignments = user.active_assignments()
        perms = sorted({f"{a}.{c}" for x in assignments for a, c in x.role.permission_keys()})
        data = {"id": user.pk, "username": user.username, "full_name": user.full_name,
                "assignments": assignments, "permissions": perms}
        return Response(MeSerializer(data).data)


def register(router):
    router.register("users", UserViewSet, basename="user")
    router.register("roles", RoleViewSet, basename="role")
    router.register("me", MeViewSet, basename="me")
