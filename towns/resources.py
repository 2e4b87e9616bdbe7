"""Spreadsheet import and export of partners and cross-border areas (see ``editorial.importing``): one row per
record, identified by its slug; towns by INSEE code, countries by ISO code; saved through the towns services.
Not in the spreadsheets: the source (staff-only provenance, kept on update) and an area's outline (GeoJSON)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from import_export.fields import Field

from editorial.importing import ChoiceWidget, RecordsWidget, RecordWidget, RelationField, ServiceResource
from towns import services
from towns.models import Country, CrossBorderArea, Intercommunality, Partner, Town

INSEE = pgettext_lazy("import", "INSEE code")
TOWNS_HELP = _("INSEE codes separated by semicolons, e.g. 57106; 57108.")


class PartnerResource(ServiceResource):
    country = Field(
        attribute="country", column_name="country", widget=RecordWidget(Country, ("code",), label=_("country code"))
    )
    competence_level = Field(
        attribute="competence_level",
        column_name="competence_level",
        widget=ChoiceWidget(Partner.CompetenceLevel.choices, label=_("competence level")),
    )
    kind = Field(attribute="kind", column_name="kind", widget=ChoiceWidget(Partner.Kind.choices, label=_("kind")))
    intercommunality = Field(
        attribute="intercommunality",
        column_name="intercommunality",
        widget=RecordWidget(Intercommunality, ("siren",), label=_("intercommunality (SIREN)")),
    )
    towns = RelationField(
        attribute="towns",
        column_name="towns",
        widget=RecordsWidget(Town, ("insee_code",), label=INSEE),
    )

    relation_columns = ("towns",)
    column_help = {
        "slug": _("Identifies the partner: an existing slug updates it, a new one creates it."),
        "name_fr": _("Name in French: required for a new record."),
        "country": _("ISO code of the country, e.g. BE."),
        "competence_level": _("municipal, intermunicipal, district, regional, national or european."),
        "kind": _("local_authority, state, cooperation_body, association, company or other."),
        "intercommunality": _("SIREN of the EPCI, when the partner is one."),
        "towns": TOWNS_HELP,
    }

    class Meta(ServiceResource.Meta):
        model = Partner
        import_id_fields = ("slug",)
        fields = (
            "slug",
            "name_fr",
            "name_en",
            "country",
            "competence_level",
            "kind",
            "intercommunality",
            "website",
            "description_fr",
            "description_en",
            "towns",
        )

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("country", "intercommunality").prefetch_related("towns")

    def service_save(self, instance, fields, relations, is_create):
        if is_create:
            return services.partner_create(fields=fields, **relations)
        return services.partner_update(partner=instance, fields=fields, **relations)


class CrossBorderAreaResource(ServiceResource):
    countries = RelationField(
        attribute="countries", column_name="countries", widget=RecordsWidget(Country, ("code",), label=_("country"))
    )
    towns = RelationField(
        attribute="towns",
        column_name="towns",
        widget=RecordsWidget(Town, ("insee_code",), label=INSEE),
    )

    relation_columns = ("countries", "towns")
    column_help = {
        "slug": _("Identifies the area: an existing slug updates it, a new one creates it."),
        "name_fr": _("Name in French: required for a new record."),
        "countries": _("ISO codes separated by semicolons, e.g. BE; LU."),
        "towns": TOWNS_HELP,
        "latitude": _("Centre of the area (WGS84), with the longitude, when a source gives one."),
    }

    class Meta(ServiceResource.Meta):
        model = CrossBorderArea
        import_id_fields = ("slug",)
        fields = (
            "slug",
            "name_fr",
            "name_en",
            "description_fr",
            "description_en",
            "countries",
            "towns",
            "latitude",
            "longitude",
        )

    def filter_export(self, queryset, **kwargs):
        return queryset.prefetch_related("countries", "towns")

    def service_save(self, instance, fields, relations, is_create):
        if is_create:
            return services.area_create(fields=fields, **relations)
        return services.area_update(area=instance, fields=fields, **relations)
