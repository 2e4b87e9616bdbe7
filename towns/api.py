"""Serializers and viewsets of the towns API (``/api/v1/``). Writes go through the towns services."""

import django_filters
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from mot_portal.api import LanguageMixin
from mot_portal.maps import GEONAMES_ATTRIBUTION
from mot_portal.maps_api import MapLayerView
from mot_portal.rest import (
    FRENCH_REQUIRED,
    SLUG_REGEX,
    CodeRelatedField,
    PortalSerializer,
    ServiceSerializer,
    absolute_url,
)
from towns import maps, selectors, services
from towns.filters import CrossBorderAreaFilter, IntercommunalityFilter, PartnerFilter, TownFilter, TownPageFilter
from towns.models import Country, CrossBorderArea, Department, Intercommunality, Locality, Partner, Region, Town
from towns.search import search_order


class NamedRecordSerializer(ServiceSerializer):
    """A curated record with a translated name and description (French required)."""

    natural_key = "slug"
    name = serializers.CharField(read_only=True, help_text="Name in the requested language.")
    description = serializers.CharField(read_only=True, help_text="Description in the requested language.")

    class Meta:
        extra_kwargs = {"name_fr": FRENCH_REQUIRED}


class CountrySerializer(ServiceSerializer):
    natural_key = "code"
    services = (services.country_create, services.country_update, "country")
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


class DepartmentSerializer(ServiceSerializer):
    natural_key = "code"
    services = (services.department_create, services.department_update, "department")
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


class IntercommunalitySerializer(ServiceSerializer):
    natural_key = "siren"
    services = (services.intercommunality_create, services.intercommunality_update, "intercommunality")

    class Meta:
        model = Intercommunality
        fields = ["siren", "name", "kind", "funding_mode", "population", "town_count"]


class BorderDistanceSerializer(serializers.Serializer):
    country = serializers.CharField(help_text="ISO alpha-2 code of the neighbouring country.")
    distance_km = serializers.FloatField(help_text="Geodesic distance in km to France's land border with it.")


class BorderDistancesField(serializers.ReadOnlyField):
    """The town's distance to each neighbouring country of its territory, nearest first."""

    def to_representation(self, value: dict) -> list[dict]:
        return [
            {"country": code, "distance_km": km}
            for code, km in sorted((value or {}).items(), key=lambda i: (i[1], i[0]))
        ]


class TownSerializer(ServiceSerializer):
    natural_key = "insee_code"
    services = (services.town_create, services.town_update, "town")
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
    border_distances = extend_schema_field(BorderDistanceSerializer(many=True))(BorderDistancesField)(
        help_text="Geodesic distance to the land border with each neighbouring country of the town's territory "
        "(metropolitan France, or French Guiana), nearest first; empty without coordinates or a land border. "
        "Computed from the Natural Earth 1:10m borders (see the credits page)."
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
            "border_distances",
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
        return absolute_url(self, town.get_absolute_url())


class TownSuggestionQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=100,
        allow_blank=True,
        required=False,
        default="",
        help_text="What has been typed: part of a town name or a postal code (accents, capitals, hyphens and "
        "apostrophes ignored). Empty: no suggestion.",
    )


class TownSuggestionSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code", read_only=True, help_text="Department code.")
    department_name = serializers.CharField(source="department.name", read_only=True, help_text="Department name.")
    is_pvd = serializers.BooleanField(read_only=True, help_text="True for Petites villes de demain laureates.")
    url = serializers.SerializerMethodField(help_text="Public page of the town, in the requested language.")

    class Meta:
        model = Town
        fields = ["insee_code", "name", "department", "department_name", "postal_codes", "is_pvd", "url"]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField())
    def get_url(self, town: Town) -> str:
        return absolute_url(self, town.get_absolute_url())


class PartnerSerializer(NamedRecordSerializer):
    services = (services.partner_create, services.partner_update, "partner")
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
    services = (services.area_create, services.area_update, "area")
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

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # ``search=`` without ``ordering=``: the best matches first (towns.search.search_order).
        if "search_rank" in queryset.query.annotations and not self.request.query_params.get("ordering"):
            queryset = search_order(queryset)
        return queryset

    @extend_schema(
        summary="Suggestions as you type",
        description="Up to 8 towns matching what has been typed, best first (matches at the start of a word, PVD "
        'laureates, exact names, then the larger towns): what the portal\'s "Find my town" box suggests.',
        parameters=[TownSuggestionQuerySerializer, OpenApiParameter("page", exclude=True)],
        responses=TownSuggestionSerializer(many=True),
        filters=False,
    )
    @action(detail=False, methods=["get"], url_path="suggest", pagination_class=None, filter_backends=[])
    def suggest(self, request):
        query = TownSuggestionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        towns = selectors.town_suggestions(query=query.validated_data["q"])
        return Response(TownSuggestionSerializer(towns, many=True, context=self.get_serializer_context()).data)


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
    lookup_value_regex = SLUG_REGEX
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
    lookup_value_regex = SLUG_REGEX
    ordering_fields = ["slug", "name_fr", "name_en"]
    ordering = ["slug"]
    queryset = CrossBorderArea.objects.prefetch_related(
        Prefetch("countries", queryset=Country.objects.order_by("code")),
        Prefetch("towns", queryset=Town.objects.only("id", "insee_code")),
    )


class BBoxFilterMixin(django_filters.FilterSet):
    """``bbox=<west>,<south>,<east>,<north>`` (WGS 84 degrees): only the places inside."""

    bbox = django_filters.CharFilter(
        method="filter_bbox",
        max_length=80,
        label=_("Bounding box"),
        help_text=_("west,south,east,north in degrees (WGS 84), e.g. 4.5,49.9,5.2,50.3."),
    )

    def filter_bbox(self, queryset, name, value):
        try:
            west, south, east, north = (float(v) for v in value.split(","))
        except ValueError:
            raise ValidationError({"bbox": [_("Give four numbers: west,south,east,north.")]}) from None
        if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
            raise ValidationError({"bbox": [_("Give four numbers: west,south,east,north.")]})
        return queryset.filter(latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east)


class TownMapFilter(BBoxFilterMixin, TownPageFilter):
    """The towns page's filters (PVD towns unless ``scope=all``), and a bounding box."""

    class Meta(TownPageFilter.Meta):
        fields = [*TownPageFilter.Meta.fields, "bbox"]


class TownMapView(MapLayerView):
    """Map layer of the towns: the towns page's filters (PVD laureates unless scope=all), as GeoJSON points; at
    most 2,000 (PVD towns first, then the most populous)."""

    queryset = Town.objects.all()
    filterset_class = TownMapFilter

    def layer(self, queryset):
        points, count = maps.town_points(queryset)
        return points, count, {}


class AreaMapView(MapLayerView):
    """Map layer of the cross-border areas: a point each (its centre, or the mean position of its member towns),
    and its outline when one is known."""

    queryset = CrossBorderArea.objects.all()
    filterset_class = CrossBorderAreaFilter

    def layer(self, queryset):
        points = maps.area_points(queryset)
        return points, len(points), {"outlines": maps.area_outlines(queryset)}


class LocalityMapFilter(BBoxFilterMixin):
    country = django_filters.ModelChoiceFilter(
        field_name="country",
        to_field_name="code",
        queryset=Country.objects.all(),
        label=_("Country"),
        help_text=_("ISO alpha-2 code of the locality's country."),
    )

    class Meta:
        model = Locality
        fields = ["country", "bbox"]


class LocalityMapView(MapLayerView):
    """Map layer of the localities across the border (GeoNames, CC BY 4.0: credited in the attribution member),
    nearest to France first, at most 500."""

    queryset = Locality.objects.all()
    filterset_class = LocalityMapFilter

    def layer(self, queryset):
        points, count = maps.locality_points(queryset)
        return points, count, {"attribution": GEONAMES_ATTRIBUTION}
