"""Factsheets, booklets and themes in the API. The public sees published records only; staff holding the
view permission also see drafts, and staff with the add/change permissions write."""

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from mot_portal.api import DocumentActionMixin, LanguageMixin
from projects import selectors
from projects.filters import FactsheetFilter
from projects.models import Booklet, BookletEntry, Factsheet, FactsheetPartner, FactsheetTown, Status, Theme
from projects.services import factsheet_relations_set, status_change
from towns.api import FRENCH_REQUIRED, CodeRelatedField, PortalSerializer
from towns.models import Country, CrossBorderArea, Partner, Town
from workplan.models import DealTheme

SLUG_REGEX = r"[-a-zA-Z0-9_]+"
STATUS_HELP = "draft, in_review or published (publishing sets published_at the first time)."
FACTSHEET_RELATIONS = ("countries", "themes", "town_roles", "partner_roles")
BOOKLET_TEXTS = ("title", "subtitle", "introduction", "edition_label")


def _absolute(serializer: serializers.Serializer, url: str) -> str:
    request = serializer.context.get("request")
    return request.build_absolute_uri(url) if request else url


def _file_url(serializer: serializers.Serializer, file) -> str | None:
    return _absolute(serializer, file.url) if file else None


def _can_see_drafts(view, permission: str) -> bool:
    user = getattr(getattr(view, "request", None), "user", None)
    return bool(user and user.is_authenticated and user.is_staff and user.has_perm(permission))


class ThemeSerializer(PortalSerializer):
    natural_key = "slug"
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


class FactsheetTownSerializer(serializers.ModelSerializer):
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


class FactsheetPartnerSerializer(serializers.ModelSerializer):
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
    return serializers.CharField(
        read_only=True, help_text=f"{name.replace('_', ' ').capitalize()} in the requested language."
    )


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
            "status",
            "published_at",
            "updated_at",
            "url",
        ]
        read_only_fields = ["published_at", "updated_at"]
        extra_kwargs = {"title_fr": FRENCH_REQUIRED}

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_photo(self, factsheet: Factsheet) -> str | None:
        return _file_url(self, factsheet.photo_resized)

    @extend_schema_field(serializers.URLField())
    def get_url(self, factsheet: Factsheet) -> str:
        return _absolute(self, factsheet.get_absolute_url())

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

    @transaction.atomic
    def create(self, validated_data):
        return self._save(Factsheet(), validated_data)

    @transaction.atomic
    def update(self, instance, validated_data):
        return self._save(instance, validated_data)

    def _save(self, factsheet: Factsheet, data: dict) -> Factsheet:
        relations = {
            name: data.pop(name) for name in ("countries", "themes", "town_roles", "partner_roles") if name in data
        }
        status = data.pop("status", None)
        for name, value in data.items():
            setattr(factsheet, name, value)
        factsheet.save()
        factsheet_relations_set(factsheet=factsheet, **relations)
        if status:
            status_change(obj=factsheet, status=status)
        return selectors.factsheet_get(slug=factsheet.slug, include_drafts=True)


class BookletFactsheetSerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text="Position in the booklet (1 is first).")
    slug = serializers.CharField(source="factsheet.slug", help_text="Slug of the factsheet.")
    title = serializers.CharField(source="factsheet.title", help_text="Title in the requested language.")
    url = serializers.SerializerMethodField(help_text="Public page of the factsheet.")

    @extend_schema_field(serializers.URLField())
    def get_url(self, entry: BookletEntry) -> str:
        return _absolute(self, entry.factsheet.get_absolute_url())


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
        return _file_url(self, booklet.cover_photo)

    @extend_schema_field(serializers.URLField())
    def get_url(self, booklet: Booklet) -> str:
        return _absolute(self, booklet.get_absolute_url())

    def validate_factsheet_slugs(self, value):
        if len({f.pk for f in value}) != len(value):
            raise serializers.ValidationError(_("A factsheet is listed twice."))
        return value

    def validate(self, attrs):
        relations = {name: attrs.pop(name) for name in ("factsheet_slugs", "status") if name in attrs}
        attrs = super().validate(attrs)
        attrs.update(relations)
        return attrs

    @transaction.atomic
    def create(self, validated_data):
        return self._save(Booklet(), validated_data)

    @transaction.atomic
    def update(self, instance, validated_data):
        return self._save(instance, validated_data)

    def _save(self, booklet: Booklet, data: dict) -> Booklet:
        factsheets = data.pop("factsheet_slugs", None)
        status = data.pop("status", None)
        for name, value in data.items():
            setattr(booklet, name, value)
        booklet.save()
        if factsheets is not None:
            booklet.entries.all().delete()
            BookletEntry.objects.bulk_create(
                BookletEntry(booklet=booklet, factsheet=f, position=n) for n, f in enumerate(factsheets, start=1)
            )
        if status:
            status_change(obj=booklet, status=status)
        return Booklet.objects.prefetch_related(
            Prefetch("entries", queryset=BookletEntry.objects.select_related("factsheet"))
        ).get(pk=booklet.pk)


class FactsheetViewSet(DocumentActionMixin, LanguageMixin, viewsets.ModelViewSet):
    """Project factsheets with their towns (and roles), partners, countries and themes."""

    document_kind = "factsheet"

    serializer_class = FactsheetSerializer
    filterset_class = FactsheetFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
    ordering_fields = ["slug", "title_fr", "title_en", "published_at", "start_year"]
    ordering = ["slug"]

    def get_queryset(self):
        return selectors.factsheet_list(include_drafts=_can_see_drafts(self, "projects.view_factsheet"))


class BookletViewSet(DocumentActionMixin, LanguageMixin, viewsets.ModelViewSet):
    """Booklets with their factsheets in order (published ones only, for the public)."""

    document_kind = "booklet"

    serializer_class = BookletSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
    ordering_fields = ["slug", "edition_date", "published_at"]
    ordering = ["slug"]

    def get_queryset(self):
        drafts = _can_see_drafts(self, "projects.view_booklet")
        entries = BookletEntry.objects.select_related("factsheet")
        if not drafts:
            entries = entries.filter(factsheet__status=Status.PUBLISHED)
        booklets = Booklet.objects.all() if drafts else Booklet.objects.published()
        return booklets.prefetch_related(Prefetch("entries", queryset=entries.order_by("position", "pk")))


class ThemeViewSet(LanguageMixin, viewsets.ModelViewSet):
    """The themes shared by factsheets (and later missions and roadmaps)."""

    serializer_class = ThemeSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
    ordering_fields = ["slug", "position"]
    ordering = ["position", "slug"]
    queryset = Theme.objects.select_related("deal_theme")
