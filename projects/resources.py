"""Spreadsheet import and export of factsheets (see ``editorial.importing``): one row per factsheet, identified by
its slug, with its towns and partners in their roles, countries and themes; saved through the projects services.
The publication status is exported (drafts marked) and never imported."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from import_export.fields import Field

from editorial.importing import (
    ChoiceWidget,
    RecordsWidget,
    RecordWidget,
    RelationField,
    RolesWidget,
    ServiceResource,
)
from mot_portal.publishing import Status
from projects import services
from projects.models import Factsheet, FactsheetPartner, FactsheetTown, Theme
from towns.models import Country, CrossBorderArea, Partner, Town

TRANSLATED = ("title", "summary", "territorial_issue", "objectives", "actions", "results", "photo_caption")


class FactsheetResource(ServiceResource):
    status = Field(
        attribute="status",
        column_name="status",
        widget=ChoiceWidget(Status.choices, label=_("status")),
        readonly=True,
    )
    cross_border_area = Field(
        attribute="cross_border_area",
        column_name="cross_border_area",
        widget=RecordWidget(CrossBorderArea, label=_("cross-border area")),
    )
    countries = RelationField(
        attribute="countries", column_name="countries", widget=RecordsWidget(Country, ("code",), label=_("country"))
    )
    themes = RelationField(attribute="themes", column_name="themes", widget=RecordsWidget(Theme, label=_("theme")))
    towns = RelationField(
        attribute="town_roles",
        column_name="towns",
        widget=RolesWidget(
            RecordWidget(Town, ("insee_code",), label=pgettext_lazy("import", "INSEE code")),
            FactsheetTown.Role.choices,
            make=services.TownRole,
            role_required=False,
        ),
    )
    partners = RelationField(
        attribute="partner_roles",
        column_name="partners",
        widget=RolesWidget(
            RecordWidget(Partner, label=_("partner")),
            FactsheetPartner.Role.choices,
            make=services.PartnerRole,
            role_required=True,
        ),
    )

    relation_columns = ("countries", "themes", "town_roles", "partner_roles")
    export_only = ("status",)
    column_help = {
        "slug": _("Identifies the factsheet: an existing slug updates it, a new one creates a draft."),
        "title_fr": _("Title in French: required for a new factsheet."),
        "status": _("Exported only (draft, in review, published): an import never changes it."),
        "countries": _("ISO codes separated by semicolons, e.g. BE; LU."),
        "themes": _("Theme slugs (or French names) separated by semicolons."),
        "towns": _(
            "INSEE codes with the role after a colon (partner or beneficiary; may be left out), e.g. "
            "57106:partner; 57108:beneficiary."
        ),
        "partners": _(
            "Partner slugs (or names) with the role after a colon (lead, partner or funder), e.g. ville-de-longwy:lead."
        ),
        "cross_border_area": _("Slug (or French name) of the cross-border area."),
    }

    class Meta(ServiceResource.Meta):
        model = Factsheet
        import_id_fields = ("slug",)
        fields = (
            "slug",
            "status",
            *(f"{name}_{language}" for name in TRANSLATED[:1] for language in ("fr", "en")),
            *(f"{name}_{language}" for name in TRANSLATED[1:] for language in ("fr", "en")),
            "towns",
            "partners",
            "countries",
            "themes",
            "cross_border_area",
            "start_year",
            "end_year",
            "budget",
            "funding_programme",
            "website",
            "photo_credit",
        )
        # Staff-only or not a cell: the source document (internal file name), the photo files, the dates of the
        # record, the search documents.

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("cross_border_area").prefetch_related(
            "countries", "themes", "town_roles__town", "partner_roles__partner"
        )

    def service_save(self, instance, fields, relations, is_create):
        if is_create:
            return services.factsheet_create(fields=fields, **relations)
        return services.factsheet_update(factsheet=instance, fields=fields, **relations)
