"""Factsheets, booklets and themes in the API. The public sees published records only; staff holding the
view permission also see drafts, and staff with the add/change permissions write."""

from django.db.models import Max, Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from editorial.api import CitationField, SourcesField
from mot_portal.api import LanguageMixin
from mot_portal.documents.api import DocumentActionMixin
from mot_portal.exports import ExportInfo, ExportMixin, point, points
from mot_portal.maps_api import MapLayerView
from mot_portal.publishing import Status
from mot_portal.rest import (
    FRENCH_REQUIRED,
    SLUG_REGEX,
    CodeRelatedField,
    PortalSerializer,
    ServiceSerializer,
    absolute_url,
    can_see_drafts,
    file_url,
    split_relations,
    translated_field,
)
from projects import selectors, services
from projects.filters import FactsheetFilter
from projects.maps import factsheet_points
from projects.models import Booklet, BookletEntry, Factsheet, FactsheetPartner, FactsheetTown, Theme
from towns.models import Country, CrossBorderArea, Partner, Town
from workplan.models import DealTheme


class ThemeSerializer(ServiceSerializer):
    natural_key = "slug"
    services = (services.theme_create, services.theme_update, "theme")
    name = serializers.CharField(read_only=True, help_text="Name in the requested language.")
    deal_theme = CodeRelatedField(
        slug_field="number",
        queryset=DealTheme.objects.all(),
        allow_null=True,
        required=False,
        help_text="Number of the Cross-border Deal theme it matches, if any.",
    )

    class Meta:
        model = Theme
        fields = ["slug", "name", "name_fr", "name_en", "deal_theme", "position"]
        extra_kwargs = {"name_fr": FRENCH_REQUIRED}


class WholeRowSerializer(serializers.ModelSerializer):
    """A row of a list that replaces the present rows (a factsheet's towns, its partners): every required field
    is needed, in a PATCH too. DRF makes the fields of nested rows optional in a partial update, and a row
    without its town or role would reach the service half-made."""

    def validate(self, attrs):
        missing = {
            name: [field.error_messages["required"]]
            for name, field in self.fields.items()
            if field.required and not field.read_only and field.source not in attrs
        }
        if missing:
            raise serializers.ValidationError(missing)
        return super().validate(attrs)


class FactsheetTownSerializer(WholeRowSerializer):
    insee_code = CodeRelatedField(
        source="town", slug_field="insee_code", queryset=Town.objects.all(), help_text="INSEE code of the town."
    )
    name = serializers.CharField(source="town.name", read_only=True, help_text="Name of the town.")
    role = serializers.ChoiceField(
        choices=FactsheetTown.Role.choices,
        allow_blank=True,
        help_text="partner (in carrying the project out) or beneficiary (of its impact); empty when not stated.",
    )

    class Meta:
        model = FactsheetTown
        fields = ["insee_code", "name", "role"]


class FactsheetPartnerSerializer(WholeRowSerializer):
    partner = CodeRelatedField(
        slug_field="slug", queryset=Partner.objects.all(), write_only=True, help_text="Slug of the partner."
    )
    slug = serializers.CharField(source="partner.slug", read_only=True, help_text="Slug of the partner.")
    name = serializers.CharField(source="partner.name", read_only=True, help_text="Name in the requested language.")
    country = serializers.CharField(
        source="partner.country.code", read_only=True, help_text="ISO alpha-2 code of the partner's country."
    )
    role = serializers.ChoiceField(choices=FactsheetPartner.Role.choices, help_text="lead, partner or funder.")

    class Meta:
        model = FactsheetPartner
        fields = ["partner", "slug", "name", "country", "role"]


TEXT_FIELDS = ("summary", "territorial_issue", "objectives", "actions", "results", "photo_caption")


def _translated_field(name: str) -> serializers.CharField:
    return translated_field(f"{name.replace('_', ' ').capitalize()} in the requested language.")


class FactsheetSerializer(PortalSerializer):
    natural_key = "slug"
    title = _translated_field("title")
    summary = _translated_field("summary")
    territorial_issue = _translated_field("territorial_issue")
    objectives = _translated_field("objectives")
    actions = _translated_field("actions")
    results = _translated_field("results")
    photo_caption = _translated_field("photo_caption")
    countries = CodeRelatedField(
        slug_field="code",
        many=True,
        queryset=Country.objects.all(),
        required=False,
        help_text="ISO alpha-2 codes of the countries the project spans.",
    )
    themes = CodeRelatedField(
        slug_field="slug", many=True, queryset=Theme.objects.all(), required=False, help_text="Slugs of the themes."
    )
    cross_border_area = CodeRelatedField(
        slug_field="slug",
        queryset=CrossBorderArea.objects.all(),
        allow_null=True,
        required=False,
        help_text="Slug of the cross-border area, if any.",
    )
    towns = FactsheetTownSerializer(
        source="town_roles", many=True, required=False, help_text="Towns taking part, with their role."
    )
    partners = FactsheetPartnerSerializer(
        source="partner_roles", many=True, required=False, help_text="Partner organisations, with their role."
    )
    status = serializers.ChoiceField(
        choices=Status.choices,
        required=False,
        help_text="draft, in_review or published (publishing sets published_at).",
    )
    photo = serializers.SerializerMethodField(help_text="URL of the photo (resized copy), or null.")
    url = serializers.SerializerMethodField(help_text="Public page of the factsheet.")
    source_document = CitationField()
    sources = SourcesField()

    class Meta:
        model = Factsheet
        fields = [
            "slug",
            "title",
            "title_fr",
            "title_en",
            *(f"{name}{suffix}" for name in TEXT_FIELDS for suffix in ("", "_fr", "_en")),
            "countries",
            "themes",
            "cross_border_area",
            "towns",
            "partners",
            "start_year",
            "end_year",
            "budget",
            "funding_programme",
            "website",
            "photo",
            "photo_credit",
            "source_document",
            "sources",
            "first_published_on",
            "first_published_precision",
            "status",
            "published_at",
            "updated_at",
            "url",
        ]
        read_only_fields = ["published_at", "updated_at"]
        extra_kwargs = {"title_fr": FRENCH_REQUIRED}

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_photo(self, factsheet: Factsheet) -> str | None:
        return file_url(self, factsheet.photo_resized)

    @extend_schema_field(serializers.URLField())
    def get_url(self, factsheet: Factsheet) -> str:
        return absolute_url(self, factsheet.get_absolute_url())

    def validate_towns(self, value):
        pairs = [(item["town"].pk, item["role"]) for item in value]
        if len(pairs) != len(set(pairs)):
            raise serializers.ValidationError(_("A town is listed twice with the same role."))
        return value

    def validate_partners(self, value):
        pairs = [(item["partner"].pk, item["role"]) for item in value]
        if len(pairs) != len(set(pairs)):
            raise serializers.ValidationError(_("A partner is listed twice with the same role."))
        return value

    def validate(self, attrs):
        relations = {name: attrs.pop(name) for name in ("town_roles", "partner_roles", "status") if name in attrs}
        attrs = super().validate(attrs)
        attrs.update(relations)
        return attrs

    def create(self, validated_data):
        return self._saved(services.factsheet_create(**self._service_arguments(validated_data)))

    def update(self, instance, validated_data):
        return self._saved(services.factsheet_update(factsheet=instance, **self._service_arguments(validated_data)))

    def _service_arguments(self, data: dict) -> dict:
        fields, relations = split_relations(Factsheet, data, "town_roles", "partner_roles", "status")
        if "town_roles" in relations:
            relations["town_roles"] = [services.TownRole(row["town"], row["role"]) for row in relations["town_roles"]]
        if "partner_roles" in relations:
            rows = relations["partner_roles"]
            relations["partner_roles"] = [services.PartnerRole(row["partner"], row["role"]) for row in rows]
        return {"fields": fields, **relations}

    def _saved(self, factsheet: Factsheet) -> Factsheet:
        return selectors.factsheet_get(slug=factsheet.slug, include_drafts=True)


class BookletFactsheetSerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text="Position in the booklet (1 is first).")
    slug = serializers.CharField(source="factsheet.slug", help_text="Slug of the factsheet.")
    title = serializers.CharField(source="factsheet.title", help_text="Title in the requested language.")
    url = serializers.SerializerMethodField(help_text="Public page of the factsheet.")

    @extend_schema_field(serializers.URLField())
    def get_url(self, entry: BookletEntry) -> str:
        return absolute_url(self, entry.factsheet.get_absolute_url())


class BookletSerializer(PortalSerializer):
    natural_key = "slug"
    title = _translated_field("title")
    subtitle = _translated_field("subtitle")
    introduction = _translated_field("introduction")
    edition_label = _translated_field("edition_label")
    factsheets = serializers.SerializerMethodField(help_text="The booklet's published factsheets, in order.")
    factsheet_slugs = CodeRelatedField(
        slug_field="slug",
        many=True,
        queryset=Factsheet.objects.all(),
        required=False,
        write_only=True,
        help_text="Slugs of the factsheets, in the booklet's order (replaces the list).",
    )
    status = serializers.ChoiceField(
        choices=Status.choices,
        required=False,
        help_text="draft, in_review or published (publishing sets published_at).",
    )
    cover_photo = serializers.SerializerMethodField(help_text="URL of the cover photo, or null.")
    url = serializers.SerializerMethodField(help_text="Public page of the booklet.")
    source_document = CitationField()
    sources = SourcesField()

    class Meta:
        model = Booklet
        fields = [
            "slug",
            *(
                f"{name}{suffix}"
                for name in ("title", "subtitle", "introduction", "edition_label")
                for suffix in ("", "_fr", "_en")
            ),
            "edition_date",
            "cover_photo",
            "cover_credit",
            "source_document",
            "sources",
            "first_published_on",
            "first_published_precision",
            "status",
            "published_at",
            "factsheets",
            "factsheet_slugs",
            "url",
        ]
        read_only_fields = ["published_at"]
        extra_kwargs = {"title_fr": FRENCH_REQUIRED}

    @extend_schema_field(BookletFactsheetSerializer(many=True))
    def get_factsheets(self, booklet: Booklet) -> list[dict]:
        entries = sorted(booklet.entries.all(), key=lambda e: (e.position, e.pk))
        return [
            {**BookletFactsheetSerializer(e, context=self.context).data, "position": n}
            for n, e in enumerate(entries, start=1)
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_cover_photo(self, booklet: Booklet) -> str | None:
        return file_url(self, booklet.cover_photo)

    @extend_schema_field(serializers.URLField())
    def get_url(self, booklet: Booklet) -> str:
        return absolute_url(self, booklet.get_absolute_url())

    def validate_factsheet_slugs(self, value):
        if len({f.pk for f in value}) != len(value):
            raise serializers.ValidationError(_("A factsheet is listed twice."))
        return value

    def validate(self, attrs):
        relations = {name: attrs.pop(name) for name in ("factsheet_slugs", "status") if name in attrs}
        attrs = super().validate(attrs)
        attrs.update(relations)
        return attrs

    def create(self, validated_data):
        return self._saved(services.booklet_create(**self._service_arguments(validated_data)))

    def update(self, instance, validated_data):
        return self._saved(services.booklet_update(booklet=instance, **self._service_arguments(validated_data)))

    def _service_arguments(self, data: dict) -> dict:
        fields, relations = split_relations(Booklet, data, "factsheet_slugs", "status")
        if "factsheet_slugs" in relations:
            relations["factsheets"] = relations.pop("factsheet_slugs")
        return {"fields": fields, **relations}

    def _saved(self, booklet: Booklet) -> Booklet:
        return Booklet.objects.prefetch_related(
            Prefetch("entries", queryset=BookletEntry.objects.select_related("factsheet"))
        ).get(pk=booklet.pk)


FACTSHEETS_EXPORT = ExportInfo(
    slug="factsheets",
    title=gettext_lazy("Cross-border project factsheets"),
    description=gettext_lazy(
        "The published factsheets of cross-border projects: summary, territorial issue, objectives, actions and "
        "results, with their towns (and roles), partners, countries, themes, years and budget."
    ),
    keywords=("projets", "transfrontalier", "coopération"),
    modified=lambda: Factsheet.objects.published().aggregate(last=Max("updated_at"))["last"],
    page="projects:factsheet_list",
    geometry=gettext_lazy(
        "Point or MultiPoint: the centroids of the towns taking part; otherwise the centre of the cross-border "
        "area; none when neither is known."
    ),
)


class FactsheetViewSet(ExportMixin, DocumentActionMixin, LanguageMixin, viewsets.ModelViewSet):
    """Project factsheets with their towns (and roles), partners, countries and themes."""

    document_kind = "factsheet"
    export = FACTSHEETS_EXPORT

    serializer_class = FactsheetSerializer
    filterset_class = FactsheetFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
    ordering_fields = ["slug", "title_fr", "title_en", "published_at", "start_year"]
    ordering = ["slug"]

    def get_queryset(self):
        drafts = can_see_drafts(self, "projects.view_factsheet")
        return selectors.factsheet_list(include_drafts=drafts).prefetch_related("sources")

    def export_geometry(self, factsheet: Factsheet):
        towns = points((role.town.latitude, role.town.longitude) for role in factsheet.town_roles.all())
        area = factsheet.cross_border_area
        return towns or (point(area.latitude, area.longitude) if area else None)


class BookletViewSet(ExportMixin, DocumentActionMixin, LanguageMixin, viewsets.ModelViewSet):
    """Booklets with their factsheets in order (published ones only, for the public)."""

    document_kind = "booklet"
    export = ExportInfo(slug="booklets", title=gettext_lazy("Booklets"), description="")

    serializer_class = BookletSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
    ordering_fields = ["slug", "edition_date", "published_at"]
    ordering = ["slug"]

    def get_queryset(self):
        drafts = can_see_drafts(self, "projects.view_booklet")
        entries = BookletEntry.objects.select_related("factsheet")
        if not drafts:
            entries = entries.filter(factsheet__status=Status.PUBLISHED)
        booklets = Booklet.objects.all() if drafts else Booklet.objects.published()
        return booklets.prefetch_related(Prefetch("entries", queryset=entries.order_by("position", "pk")), "sources")


class ThemeViewSet(ExportMixin, LanguageMixin, viewsets.ModelViewSet):
    """The themes shared by factsheets (and later missions and roadmaps)."""

    export = ExportInfo(slug="themes", title=gettext_lazy("Themes"), description="")

    serializer_class = ThemeSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
    ordering_fields = ["slug", "position"]
    ordering = ["position", "slug"]
    queryset = Theme.objects.select_related("deal_theme")


class FactsheetMapView(MapLayerView):
    """Map layer of the published factsheets (the factsheets list's filters), each at the mean position of its
    towns, else at its cross-border area."""

    queryset = Factsheet.objects.published()
    filterset_class = FactsheetFilter

    def layer(self, queryset):
        points = factsheet_points(queryset)
        return points, len(points), {}
