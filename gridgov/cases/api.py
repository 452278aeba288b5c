"""REST API of the cases app: scoped list/detail, report, transitions."""

from django.core.exceptions import ValidationError
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from gridgov.core.api import ScopedReadOnlyViewSet

from . import actions
from .choices import Channel, Urgency
from .models import Case, CaseCategory, CaseEvent
from .queries import filtered_cases, list_related
from .workflow import TRANSITIONS, available


class CaseEventSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = CaseEvent
        fields = ["id", "kind", "kind_display", "at", "actor_name", "from_state", "to_state", "note", "department",
                  "due_at", "on_time", "elapsed_minutes", "rating"]


class CaseSerializer(serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    department_name = serializers.CharField(source="current_department.name", read_only=True, default=None)

    class Meta:
        model = Case
        fields = ["id", "number", "title", "description", "category", "category_name", "urgency", "channel", "state",
                  "state_display", "division_code", "grid", "lng", "lat", "address", "component",
                  "current_department", "department_name", "reported_at", "registered_at", "dispatched_at",
                  "handled_at", "closed_at", "step", "due_at", "overdue", "escalation_level", "rating",
                  "reporter_phone_masked"]


class CaseDetailSerializer(CaseSerializer):
    events = CaseEventSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = CaseSerializer.Meta.fields + ["events", "attributes", "parent"]


class ReportSerializer(serializers.Serializer):
    category = serializers.PrimaryKeyRelatedField(queryset=CaseCategory.objects.filter(parent__isnull=False))
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    lng = serializers.FloatField(required=False, allow_null=True, default=None)
    lat = serializers.FloatField(required=False, allow_null=True, default=None)
    grid = serializers.CharField(required=False, allow_blank=True, default="")
    address = serializers.CharField(required=False, allow_blank=True, default="")
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    channel = serializers.ChoiceField(choices=[Channel.GRID_WORKER, Channel.COUNTER, Channel.API],
                                      default=Channel.API)
    attributes = serializers.DictField(required=False, default=dict)


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=sorted(TRANSITIONS))
    expected_state = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    department = serializers.IntegerField(required=False, allow_null=True, default=None)
    category = serializers.IntegerField(required=False, allow_null=True, default=None)
    into = serializers.CharField(required=False, allow_blank=True, default="")
    hours = serializers.FloatField(required=False, allow_null=True, default=None)
    rating = serializers.IntegerField(required=False, allow_null=True, default=None)


class CaseViewSet(ScopedReadOnlyViewSet):
    """事件：列表与详情按管辖范围过滤；上报与流转通过动作函数。"""

    queryset = Case.objects.all()
    serializer_class = CaseSerializer
    filter_backends = []

    def get_queryset(self):
        qs = list_related(filtered_cases(self.request.user, self.request.query_params,
                                         scope=self.request.query_params.get("division", "")))
        if self.action == "retrieve" or self.action == "transition":
            qs = qs.prefetch_related("events")
        return qs

    def get_serializer_class(self):
        if self.action == "retrieve":
            return CaseDetailSerializer
        if self.action == "report":
            return ReportSerializer
        if self.action == "transition":
            return TransitionSerializer
        return CaseSerializer

    @action(detail=False, methods=["post"])
    def report(self, request):
        """上报事件（网格员/窗口代报/系统对接）。"""
        s = ReportSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        from gridgov.divisions.models import Division

        grid = Division.objects.grids().filter(code=d["grid"]).first() if d["grid"] else None
        case = actions.report_case(actor=request.user, category=d["category"], title=d["title"],
                                   description=d["description"], channel=d["channel"], lng=d["lng"], lat=d["lat"],
                                   grid=grid, address=d["address"], urgency=d["urgency"],
                                   attributes=d["attributes"])
        return Response(CaseSerializer(case).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """执行一次流转（立案、派遣、签收、处置、核查、结案……）。状态冲突返回 409。"""
        from .views.staff import run_action

        case = self.get_object()
        s = TransitionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = {k: ("" if v is None else str(v)) for k, v in s.validated_data.items()}
        try:
            run_action(request.user, case, data["action"], data, None, data.get("expected_state") or None)
        except actions.CaseConflict as exc:
            return Response({"detail": "；".join(exc.messages)}, status=status.HTTP_409_CONFLICT)
        except ValidationError:
            raise
        case.refresh_from_db()
        return Response(CaseSerializer(case).data)

    @action(detail=True, methods=["get"])
    def actions(self, request, pk=None):
        """当前用户可执行的流转。"""
        case = self.get_object()
        return Response([{"action": t.name, "label": t.label}
                         for t in available(case, request.user, is_reporter=case.reporter_id == request.user.pk)])


def register(router):
    router.register("cases", CaseViewSet, basename="case")
