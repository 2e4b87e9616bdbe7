"""Editorial admin of factsheets and booklets: translation tabs, roles, ordering and status actions. Records are
saved through the projects services, with their relations, in the admin's transaction."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedDjangoJqueryTranslationAdmin

from mot_portal.admin import EditorialAdmin, ServiceAdminMixin
from projects import services
from projects.models import Booklet, BookletEntry, Factsheet, FactsheetPartner, FactsheetTown, Theme


@admin.register(Theme)
class ThemeAdmin(ServiceAdminMixin, TabbedDjangoJqueryTranslationAdmin):
    list_display = ["name", "slug", "deal_theme", "position"]
    list_editable = ["position"]
    search_fields = ["name_fr", "name_en", "slug"]
    prepopulated_fields = {"slug": ("name_fr",)}

    def save_record(self, *, obj, fields, relations, change):
        if change:
            return services.theme_update(theme=obj, fields=fields)
        return services.theme_create(fields=fields)


class FactsheetTownInline(admin.TabularInline):
    model = FactsheetTown
    extra = 0
    autocomplete_fields = ["town"]


class FactsheetPartnerInline(admin.TabularInline):
    model = FactsheetPartner
    extra = 0
    autocomplete_fields = ["partner"]


class EnglishMissingFilter(admin.SimpleListFilter):
    title = _("English translation")
    parameter_name = "english"

    def lookups(self, request, model_admin):
        return [("missing", _("Title or summary missing"))]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            missing = Q()
            for field in ("title_en", "summary_en"):
                missing |= Q(**{f"{field}__isnull": True}) | Q(**{field: ""})
            return queryset.filter(missing)
        return queryset


@admin.register(Factsheet)
class FactsheetAdmin(EditorialAdmin):
    preview_url_name = "projects:factsheet_preview"
    document_kind = "factsheet"
    english_fields = ("title", *Factsheet.RICH_TEXT_FIELDS, "photo_caption")
    list_display = ["title", "status", "published_at", "english_missing", "page_link", "updated_at"]
    list_filter = ["status", EnglishMissingFilter, "themes", "countries"]
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


class BookletEntryInline(admin.TabularInline):
    """The booklet's factsheets in order; edit the position to reorder."""

    model = BookletEntry
    extra = 0
    ordering = ["position"]
    autocomplete_fields = ["factsheet"]


@admin.register(Booklet)
class BookletAdmin(EditorialAdmin):
    preview_url_name = "projects:booklet_preview"
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
