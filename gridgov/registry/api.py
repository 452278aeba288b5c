"""REST API of the registry: read-only scoped viewsets (persons masked) and person creation
through `actions.register_person`."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from gridgov.core.api import ScopedReadOnlyViewSet

from . import actions
from .choices import IdType, ResidenceType
from .models import Building, CareTag, Component, House, Household, LegalEntity, Person


class PersonSerializer(serializers.ModelSerializer):
    """Masked: the API never returns plain ID or phone numbers."""

    care_tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    grid = serializers.CharField(source="division_code", read_only=True)
    age = serializers.IntegerField(read_only=True, allow_null=True)  # never the birth date (docs/security.md)

    class Meta:
        model = Person
        fields = ["id", "name", "name_pinyin", "sex", "age", "id_type", "id_masked", "phone_masked", "grid",
                  "house", "household", "relation", "ethnicity", "residence_type", "employment", "education",
                  "political_status", "care_tags", "status", "updated_at"]


class PersonCreateSerializer(serializers.Serializer):
    grid = serializers.CharField(max_length=15, required=False)
    house = serializers.IntegerField(required=False)
    name = serializers.CharField(max_length=50)
    id_type = serializers.ChoiceField(choices=IdType.choices, default=IdType.RESIDENT_ID)
    id_number = serializers.CharField(max_length=30, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    residence_type = serializers.ChoiceField(choices=ResidenceType.choices, default=ResidenceType.REGISTERED)
    care_tags = serializers.ListField(child=serializers.CharField(max_length=30), required=False)


class BuildingSerializer(serializers.ModelSerializer):
    grid = serializers.CharField(source="division_code", read_only=True)

    class Meta:
        model = Building
        fields = ["id", "grid", "code", "name", "address", "building_type", "floors", "units", "lng", "lat",
                  "year_built", "property_company", "household_count"]


class HouseSerializer(serializers.ModelSerializer):
    grid = serializers.CharField(source="division_code", read_only=True)

    class Meta:
        model = House
        fields = ["id", "grid", "building", "unit", "floor", "room", "area", "use", "status"]


class HouseholdSerializer(serializers.ModelSerializer):
    grid = serializers.CharField(source="division_code", read_only=True)

    class Meta:
        model = Household
        fields = ["id", "grid", "house", "number", "household_type", "head", "is_active"]


class EntitySerializer(serializers.ModelSerializer):
    grid = serializers.CharField(source="division_code", read_only=True)

    class Meta:
        model = LegalEntity
        fields = ["id", "grid", "name", "credit_code", "entity_type", "industry", "legal_representative", "address",
                  "building", "house", "employees", "status"]


class ComponentSerializer(serializers.ModelSerializer):
    grid = serializers.CharField(source="division_code", read_only=True)
    component_class = serializers.CharField(source="component_class.code", read_only=True)

    class Meta:
        model = Component
        fields = ["id", "grid", "code", "component_class", "name", "address", "lng", "lat", "owner_name",
                  "maintainer", "status"]


class PersonViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Persons the caller may see (masked). `?search=` matches names; POST registers a person
    through the same action as the web form."""

    queryset = Person.objects.prefetch_related("care_tags").order_by("division_code", "name", "id")
    serializer_class = PersonSerializer
    filterset_fields = ["status", "residence_type", "house", "household"]
    search_fields = ["name", "name_pinyin"]
    ordering_fields = ["name", "birth_date", "updated_at"]

    def get_serializer_class(self):
        return PersonCreateSerializer if self.action == "create" else PersonSerializer

    def create(self, request, *args, **kwargs):
        data = PersonCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        house = None
        if d.get("house"):
            house = House.objects.visible_to(request.user).filter(pk=d.pop("house")).first()
            if house is None:
                raise serializers.ValidationError({"house": "房屋不存在"})
        tags = list(CareTag.objects.filter(name__in=d.pop("care_tags", [])))
        grid = d.pop("grid", None)
        try:
            person = actions.register_person(actor=request.user, grid=grid if not house else None, house=house,
                                             data=d, care_tags=tags)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
        return Response(PersonSerializer(person).data, status=status.HTTP_201_CREATED)


class BuildingViewSet(ScopedReadOnlyViewSet):
    queryset = Building.objects.order_by("division_code", "code")
    serializer_class = BuildingSerializer
    filterset_fields = ["building_type", "code"]
    search_fields = ["address", "name"]


class HouseViewSet(ScopedReadOnlyViewSet):
    queryset = House.objects.order_by("building", "unit", "floor", "room")
    serializer_class = HouseSerializer
    filterset_fields = ["building", "status", "use"]


class HouseholdViewSet(ScopedReadOnlyViewSet):
    queryset = Household.objects.order_by("division_code", "id")
    serializer_class = HouseholdSerializer
    filterset_fields = ["house", "household_type", "is_active"]


class EntityViewSet(ScopedReadOnlyViewSet):
    queryset = LegalEntity.objects.order_by("division_code", "name")
    serializer_class = EntitySerializer
    filterset_fields = ["entity_type", "industry", "status", "credit_code"]
    search_fields = ["name"]


class ComponentViewSet(ScopedReadOnlyViewSet):
    queryset = Component.objects.select_related("component_class").order_by("code")
    serializer_class = ComponentSerializer
    filterset_fields = ["status", "code"]


def register(router):
    router.register("registry/persons", PersonViewSet, basename="registry-person")
    router.register("registry/buildings", BuildingViewSet, basename="registry-building")
    router.register("registry/houses", HouseViewSet, basename="registry-house")
    router.register("registry/households", HouseholdViewSet, basename="registry-household")
    router.register("registry/entities", EntityViewSet, basename="registry-entity")
    router.register("registry/components", ComponentViewSet, basename="registry-component")
