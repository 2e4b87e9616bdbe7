"""Editorial admin of factsheets and booklets: translation tabs, roles, ordering and status actions. Records are
saved through the projects services, with their relations, in the admin's transaction."""

from django.contrib import admin
from modeltranslation.admin import TabbedDjangoJqueryTranslationAdmin

from editorial.importing import ServiceImportExportMixin
from mot_portal.admin import (
    EditorialAdmin,
    PhotoPreviewMixin,
    RelationLabelsMixin,
    ServiceAdminMixin,
    TranslationStatusMixin,
)
from projects import services
from projects.models import Booklet, BookletEntry, Factsheet, FactsheetPartner, FactsheetTown, Theme
from projects.resources import FactsheetResource


@admin.register(Theme)
class ThemeAdmin(TranslationStatusMixin, ServiceAdminMixin, TabbedDjangoJqueryTranslationAdmin):
    list_display = ["name", "slug", "deal_theme", "position"]
    list_editable = ["position"]
    search_fields = ["name_fr", "name_en", "slug"]
    prepopulated_fields = {"slug": ("name_fr",)}

    def save_record(self, *, obj, fields, relations, change):
        if change:
            return services.theme_update(theme=obj, fields=fields)
        return services.theme_create(fields=fields)


class FactsheetTownInline(RelationLabelsMixin, admin.TabularInline):
    model = FactsheetTown
    extra = 0
    autocomplete_fields = ["town"]


class FactsheetPartnerInline(RelationLabelsMixin, admin.TabularInline):
    model = FactsheetPartner
    extra = 0
    autocomplete_fields = ["partner"]


@admin.register(Factsheet)
class FactsheetAdmin(PhotoPreviewMixin, ServiceImportExportMixin, EditorialAdmin):
    resource_classes = [FactsheetResource]  # spreadsheet import and export (editorial.importing)
    preview_url_name = "projects:factsheet_preview"
    photo_resized_field, photo_caption_field, photo_credit_field = "photo_resized", "photo_caption", "photo_credit"
    document_kind = "factsheet"
    english_fields = ("title", *Factsheet.RICH_TEXT_FIELDS, "photo_caption")
    list_display = ["title", "status", "published_at", "english_missing", "page_link", "updated_at"]
    list_filter = ["status", "themes", "countries"]  # and "English missing" (TranslationStatusMixin)
    search_fields = ["title_fr", "title_en", "slug", "town_roles__town__name", "town_roles__town__insee_code"]
    prepopulated_fields = {"slug": ("title_fr",)}
    filter_horizontal = ["countries", "themes"]
    autocomplete_fields = ["cross_border_area", "sources"]
    readonly_fields = ["status", "published_at", "page_link", "english_missing", "photo_resized"]
    inlines = [FactsheetTownInline, FactsheetPartnerInline]

    def save_record(self, *, obj, fields, relations, change):
        if change:
            return services.factsheet_update(factsheet=obj, fields=fields, **relations)
        return services.factsheet_create(fields=fields, **relations)


class BookletEntryInline(RelationLabelsMixin, admin.TabularInline):
    """The booklet's factsheets in order; edit the position to reorder."""

    model = BookletEntry
    extra = 0
    ordering = ["position"]
    autocomplete_fields = ["factsheet"]


@admin.register(Booklet)
class BookletAdmin(PhotoPreviewMixin, EditorialAdmin):
    preview_url_name = "projects:booklet_preview"
    photo_field = "cover_photo"
    document_kind = "booklet"
    english_fields = ("title", "subtitle", "introduction", "edition_label")
    list_display = ["title", "edition_label", "status", "published_at", "english_missing", "page_link"]
    list_filter = ["status"]
    search_fields = ["title_fr", "title_en", "slug"]
    autocomplete_fields = ["sources"]
    prepopulated_fields = {"slug": ("title_fr",)}
    readonly_fields = ["status", "published_at", "page_link", "english_missing"]
    inlines = [BookletEntryInline]

    def save_record(self, *, obj, fields, relations, change):
        if change:
            return services.booklet_update(booklet=obj, fields=fields, **relations)
        return services.booklet_create(fields=fields, **relations)
