"""Serializers and viewsets of the towns API (``/api/v1/``). Writes go through the towns services."""

from django.db.models import Max, Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from mot_portal.api import LanguageMixin
from mot_portal.exports import CC_BY_4, ExportInfo, ExportMixin, point
from mot_portal.rest import (
    FRENCH_REQUIRED,
    SLUG_REGEX,
    CodeRelatedField,
    PortalSerializer,
    ServiceSerializer,
    absolute_url,
)
from towns import services
from towns.filters import CrossBorderAreaFilter, IntercommunalityFilter, LocalityFilter, PartnerFilter, TownFilter
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
        Prefetch("towns", queryset=Town.objects.only("id", "insee_code"))
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
        Prefetch("countries", queryset=Country.objects.order_by("code")),
        Prefetch("towns", queryset=Town.objects.only("id", "insee_code")),
    )

    def export_geometry(self, area: CrossBorderArea):
        return point(area.latitude, area.longitude)


class LocalitySerializer(serializers.ModelSerializer):
    country = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="ISO alpha-2 code of the country of the locality."
    )

    class Meta:
        model = Locality
        fields = ["id", "name", "country", "admin1", "admin2", "latitude", "longitude", "border_distance_km"]
        extra_kwargs = {
            "id": {"help_text": "Identifier of the locality in the portal."},
            "latitude": {"coerce_to_string": False, "help_text": "Latitude (WGS 84)."},
            "longitude": {"coerce_to_string": False, "help_text": "Longitude (WGS 84)."},
            "border_distance_km": {"coerce_to_string": False},
        }


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
    """Localities across the border (GeoNames, CC BY 4.0: credit “GeoNames (geonames.org)”)."""

    export = LOCALITIES_EXPORT
    serializer_class = LocalitySerializer
    filterset_class = LocalityFilter
    ordering_fields = ["id", "name", "border_distance_km"]
    ordering = ["name", "id"]
    queryset = Locality.objects.select_related("country")

    def export_geometry(self, locality: Locality):
        return point(locality.latitude, locality.longitude)
