"""Serializers and viewsets of the towns API (``/api/v1/``)."""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from mot_portal.api import LanguageMixin
from towns.filters import CrossBorderAreaFilter, IntercommunalityFilter, PartnerFilter, TownFilter
from towns.models import Country, CrossBorderArea, Department, Intercommunality, Partner, Region, Town


class CodeRelatedField(serializers.SlugRelatedField):
    """A relation given by its code; a value with a NUL byte is refused before it reaches the database
    (PostgreSQL cannot compare text containing NUL and would answer with an error, not "not found")."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value="\\x00")
        return super().to_internal_value(data)


def validate_model(serializer: serializers.ModelSerializer, attrs: dict) -> dict:
    """Run the model's own validation (validators, check constraints) on the would-be record.

    Uniqueness is left to the serializer's validators; many-to-many values are not model fields.
    """
    model = serializer.Meta.model
    instance = copy.copy(serializer.instance) if serializer.instance is not None else model()
    many_to_many = {f.name for f in model._meta.many_to_many}
    for name, value in attrs.items():
        if name not in many_to_many:
            setattr(instance, name, value)
    try:
        instance.full_clean(validate_unique=False)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc
    return attrs


class NaturalKeyMixin:
    """The natural key (INSEE code, SIREN, slug…) is set on creation and read-only afterwards."""

    natural_key: str

    def get_extra_kwargs(self):
        extra = super().get_extra_kwargs()
        if self.instance is not None:
            extra.setdefault(self.natural_key, {})["read_only"] = True
        return extra


FRENCH_REQUIRED = {"required": True, "allow_null": False, "allow_blank": False}


class PortalSerializer(NaturalKeyMixin, serializers.ModelSerializer):
    """Writes run the model's validation; the natural key is fixed once created."""

    def validate(self, attrs):
        return validate_model(self, attrs)


class NamedRecordSerializer(PortalSerializer):
    """A curated record with a translated name and description (French required)."""

    natural_key = "slug"
    name = serializers.CharField(read_only=True, help_text="Name in the requested language.")
    description = serializers.CharField(read_only=True, help_text="Description in the requested language.")

    class Meta:
        extra_kwargs = {"name_fr": FRENCH_REQUIRED}


class CountrySerializer(PortalSerializer):
    natural_key = "code"
    name = serializers.CharField(read_only=True, help_text="Name in the requested language.")

    class Meta:
        model = Country
        fields = ["code", "iso3", "name", "name_fr", "name_en", "borders_france"]
        extra_kwargs = {"name_fr": FRENCH_REQUIRED}


class RegionSerializer(PortalSerializer):
    natural_key = "code"

    class Meta:
        model = Region
        fields = ["code", "name"]


class DepartmentSerializer(PortalSerializer):
    natural_key = "code"
    region = CodeRelatedField(slug_field="code", queryset=Region.objects.all(), help_text="INSEE code of the region.")
    region_name = serializers.CharField(source="region.name", read_only=True, help_text="Name of the region.")
    border_countries = CodeRelatedField(
        slug_field="code",
        many=True,
        queryset=Country.objects.all(),
        required=False,
        help_text="ISO alpha-2 codes of the countries across the department's land borders.",
    )

    class Meta:
        model = Department
        fields = ["code", "name", "region", "region_name", "border_countries"]


class EpciSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Intercommunality
        fields = ["siren", "name"]


class IntercommunalitySerializer(PortalSerializer):
    natural_key = "siren"

    class Meta:
        model = Intercommunality
        fields = ["siren", "name", "kind", "funding_mode", "population", "town_count"]


class TownSerializer(PortalSerializer):
    natural_key = "insee_code"
    department = CodeRelatedField(
        slug_field="code", queryset=Department.objects.all(), help_text="INSEE code of the department."
    )
    department_name = serializers.CharField(source="department.name", read_only=True, help_text="Department name.")
    region = serializers.CharField(source="department.region.code", read_only=True, help_text="INSEE region code.")
    region_name = serializers.CharField(source="department.region.name", read_only=True, help_text="Region name.")
    epci = EpciSummarySerializer(
        source="intercommunality", read_only=True, allow_null=True, help_text="The town's intercommunality (EPCI)."
    )
    epci_siren = CodeRelatedField(
        source="intercommunality",
        slug_field="siren",
        queryset=Intercommunality.objects.all(),
        allow_null=True,
        required=False,
        write_only=True,
        help_text="SIREN of the intercommunality (for writes).",
    )
    border_country = CodeRelatedField(
        slug_field="code",
        queryset=Country.objects.filter(borders_france=True),
        allow_null=True,
        required=False,
        help_text="ISO alpha-2 code of the nearest neighbouring country.",
    )
    is_pvd = serializers.BooleanField(read_only=True, help_text="True for Petites villes de demain laureates.")
    url = serializers.SerializerMethodField(help_text="Public page of the town.")

    class Meta:
        model = Town
        fields = [
            "insee_code",
            "name",
            "department",
            "department_name",
            "region",
            "region_name",
            "population",
            "postal_codes",
            "epci",
            "epci_siren",
            "latitude",
            "longitude",
            "border_country",
            "border_distance_km",
            "is_pvd",
            "pvd_id",
            "pvd_signed_on",
            "url",
        ]
        extra_kwargs = {
            "latitude": {"coerce_to_string": False},
            "longitude": {"coerce_to_string": False},
            "border_distance_km": {"coerce_to_string": False},
            "pvd_id": {"allow_blank": False},
        }

    @extend_schema_field(serializers.URLField())
    def get_url(self, town: Town) -> str:
        request = self.context.get("request")
        url = town.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


class PartnerSerializer(NamedRecordSerializer):
    country = CodeRelatedField(
        slug_field="code", queryset=Country.objects.all(), help_text="ISO alpha-2 code of the country."
    )
    towns = CodeRelatedField(
        slug_field="insee_code",
        many=True,
        queryset=Town.objects.all(),
        required=False,
        help_text="INSEE codes of the towns the partner works with.",
    )

    class Meta(NamedRecordSerializer.Meta):
        model = Partner
        fields = [
            "slug",
            "name",
            "name_fr",
            "name_en",
            "country",
            "competence_level",
            "kind",
            "website",
            "description",
            "description_fr",
            "description_en",
            "towns",
        ]


class CrossBorderAreaSerializer(NamedRecordSerializer):
    countries = CodeRelatedField(
        slug_field="code",
        many=True,
        queryset=Country.objects.all(),
        required=False,
        help_text="ISO alpha-2 codes of the countries the area spans.",
    )
    towns = CodeRelatedField(
        slug_field="insee_code",
        many=True,
        queryset=Town.objects.all(),
        required=False,
        help_text="INSEE codes of the member towns.",
    )

    class Meta(NamedRecordSerializer.Meta):
        model = CrossBorderArea
        fields = [
            "slug",
            "name",
            "name_fr",
            "name_en",
            "countries",
            "description",
            "description_fr",
            "description_en",
            "towns",
        ]


class TownViewSet(LanguageMixin, viewsets.ModelViewSet):
    """French communes with their EPCI, border distance and PVD status."""

    serializer_class = TownSerializer
    filterset_class = TownFilter
    lookup_field = "insee_code"
    lookup_value_regex = r"(?:[0-9]{2}|2[AB])[0-9]{3}"
    ordering_fields = ["insee_code", "name", "population", "border_distance_km"]
    ordering = ["insee_code"]
    queryset = Town.objects.with_relations()


class IntercommunalityViewSet(LanguageMixin, viewsets.ModelViewSet):
    """Intercommunalities (EPCI)."""

    serializer_class = IntercommunalitySerializer
    filterset_class = IntercommunalityFilter
    lookup_field = "siren"
    lookup_value_regex = r"[0-9]{9}"
    ordering_fields = ["siren", "name", "population"]
    ordering = ["siren"]
    queryset = Intercommunality.objects.all()


class DepartmentViewSet(LanguageMixin, viewsets.ModelViewSet):
    """Departments with their region and neighbouring countries."""

    serializer_class = DepartmentSerializer
    lookup_field = "code"
    lookup_value_regex = r"[0-9]{2,3}|2[AB]"
    ordering_fields = ["code", "name"]
    ordering = ["code"]
    queryset = Department.objects.select_related("region").prefetch_related(
        Prefetch("border_countries", queryset=Country.objects.order_by("code"))
    )


class CountryViewSet(LanguageMixin, viewsets.ModelViewSet):
    """France and the countries across its land borders."""

    serializer_class = CountrySerializer
    lookup_field = "code"
    lookup_value_regex = r"[A-Z]{2}"
    ordering_fields = ["code"]
    ordering = ["code"]
    queryset = Country.objects.all()


class PartnerViewSet(LanguageMixin, viewsets.ModelViewSet):
    """Cross-border partner organisations."""

    serializer_class = PartnerSerializer
    filterset_class = PartnerFilter
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    ordering_fields = ["slug", "name_fr", "name_en"]
    ordering = ["slug"]
    queryset = Partner.objects.select_related("country").prefetch_related(
        Prefetch("towns", queryset=Town.objects.only("id", "insee_code"))
    )


class CrossBorderAreaViewSet(LanguageMixin, viewsets.ModelViewSet):
    """Cross-border areas (Eurodistricts, pilot sites…)."""

    serializer_class = CrossBorderAreaSerializer
    filterset_class = CrossBorderAreaFilter
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    ordering_fields = ["slug", "name_fr", "name_en"]
    ordering = ["slug"]
    queryset = CrossBorderArea.objects.prefetch_related(
        Prefetch("countries", queryset=Country.objects.order_by("code")),
        Prefetch("towns", queryset=Town.objects.only("id", "insee_code")),
    )
