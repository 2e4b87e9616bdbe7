"""Editorial admin of factsheets and booklets: translation tabs, roles, ordering and status actions."""

from django.contrib import admin, messages
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedDjangoJqueryTranslationAdmin

from mot_portal.admin import RenderDocumentsMixin
from projects.models import Booklet, BookletEntry, Factsheet, FactsheetPartner, FactsheetTown, Status, Theme
from projects.services import status_change


def missing_english(obj, fields: tuple[str, ...]) -> list[str]:
    """The translated fields that have French but no English yet."""
    return [field for field in fields if getattr(obj, f"{field}_fr", None) and not getattr(obj, f"{field}_en", None)]


class PreviewMixin:
    """Links from the admin to the page as the public will see it: the preview while unpublished."""

    preview_url_name: str

    def is_public(self, obj) -> bool:
        return obj.status == Status.PUBLISHED

    def page_url(self, obj) -> str:
        if self.is_public(obj):
            return obj.get_absolute_url()
        return reverse(self.preview_url_name, kwargs={"slug": obj.slug})

    def get_view_on_site_url(self, obj=None):
        return self.page_url(obj) if obj is not None and obj.pk else None

    @admin.display(description=_("page"))
    def page_link(self, obj) -> str:
        if not obj.pk:
            return "—"
        label = _("View the public page") if self.is_public(obj) else _("Preview as the public will see it")
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', self.page_url(obj), label)


class StatusActionsMixin:
    """Actions that move the selected records through draft → in review → published."""

    actions = ["mark_draft", "mark_in_review", "mark_published"]
    status_field = "status"

    def _move(self, request, queryset, status: str) -> None:
        for obj in queryset:
            status_change(obj=obj, status=status, field=self.status_field)
        self.message_user(request, _("%(count)d record(s) updated.") % {"count": len(queryset)}, messages.SUCCESS)

    @admin.action(description=_("Move to draft"), permissions=["change"])
    def mark_draft(self, request, queryset):
        self._move(request, queryset, Status.DRAFT)

    @admin.action(description=_("Send for review"), permissions=["change"])
    def mark_in_review(self, request, queryset):
        self._move(request, queryset, Status.IN_REVIEW)

    @admin.action(description=_("Publish"), permissions=["change"])
    def mark_published(self, request, queryset):
        self._move(request, queryset, Status.PUBLISHED)


@admin.register(Theme)
class ThemeAdmin(TabbedDjangoJqueryTranslationAdmin):
    list_display = ["name", "slug", "deal_theme", "position"]
    list_editable = ["position"]
    search_fields = ["name_fr", "name_en", "slug"]
    prepopulated_fields = {"slug": ("name_fr",)}


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
class FactsheetAdmin(PreviewMixin, StatusActionsMixin, RenderDocumentsMixin, TabbedDjangoJqueryTranslationAdmin):
    preview_url_name = "projects:factsheet_preview"
    document_kind = "factsheet"
    actions = [*StatusActionsMixin.actions, *RenderDocumentsMixin.actions]
    list_display = ["title", "status", "published_at", "english_missing", "page_link", "updated_at"]
    list_filter = ["status", EnglishMissingFilter, "themes", "countries"]
    search_fields = ["title_fr", "title_en", "slug", "town_roles__town__name", "town_roles__town__insee_code"]
    prepopulated_fields = {"slug": ("title_fr",)}
    filter_horizontal = ["countries", "themes"]
    autocomplete_fields = ["cross_border_area"]
    readonly_fields = ["status", "published_at", "page_link", "english_missing", "photo_resized"]
    inlines = [FactsheetTownInline, FactsheetPartnerInline]

    @admin.display(description=_("English missing"))
    def english_missing(self, obj) -> str:
        fields = ("title", *Factsheet.RICH_TEXT_FIELDS, "photo_caption")
        missing = missing_english(obj, fields)
        return ", ".join(str(Factsheet._meta.get_field(f).verbose_name) for f in missing) or "—"


class BookletEntryInline(admin.TabularInline):
    """The booklet's factsheets in order; edit the position to reorder."""

    model = BookletEntry
    extra = 0
    ordering = ["position"]
    autocomplete_fields = ["factsheet"]


@admin.register(Booklet)
class BookletAdmin(PreviewMixin, StatusActionsMixin, RenderDocumentsMixin, TabbedDjangoJqueryTranslationAdmin):
    preview_url_name = "projects:booklet_preview"
    document_kind = "booklet"
    actions = [*StatusActionsMixin.actions, *RenderDocumentsMixin.actions]
    list_display = ["title", "edition_label", "status", "published_at", "english_missing", "page_link"]
    list_filter = ["status"]
    search_fields = ["title_fr", "title_en", "slug"]
    prepopulated_fields = {"slug": ("title_fr",)}
    readonly_fields = ["status", "published_at", "page_link", "english_missing"]
    inlines = [BookletEntryInline]

    @admin.display(description=_("English missing"))
    def english_missing(self, obj) -> str:
        missing = missing_english(obj, ("title", "subtitle", "introduction", "edition_label"))
        return ", ".join(str(Booklet._meta.get_field(f).verbose_name) for f in missing) or "—"
