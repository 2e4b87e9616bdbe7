"""The admin of sources: searched by the content admins' autocomplete; the internal reference is staff-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedDjangoJqueryTranslationAdmin

from editorial import sources as services
from editorial.citations import date_display
from editorial.models import Source
from mot_portal.admin import ServiceAdminMixin, TranslationStatusMixin


@admin.register(Source)
class SourceAdmin(TranslationStatusMixin, ServiceAdminMixin, TabbedDjangoJqueryTranslationAdmin):
    list_display = ["title", "publisher", "date_shown", "language", "internal_reference", "record_count"]
    list_filter = ["language", "date_precision", "publisher"]
    search_fields = ["title", "publisher", "url", "internal_reference", "note_fr", "note_en"]
    fieldsets = [
        (None, {"fields": ["title", "publisher", "url", "language", "note"]}),
        (_("Date"), {"fields": ["date", "date_precision", "consulted_on"]}),
        (_("Staff only"), {"fields": ["internal_reference"]}),
    ]

    def save_record(self, *, obj, fields, relations, change):
        if change:
            return services.source_update(source=obj, fields=fields)
        return services.source_create(fields=fields)

    @admin.display(description=_("date"), ordering="date")
    def date_shown(self, obj) -> str:
        return date_display(obj.date, obj.date_precision) or "—"

    @admin.display(description=_("records"))
    def record_count(self, obj) -> int:
        return sum(
            getattr(obj, name).count()
            for name in ("factsheets", "booklets", "missions", "partners", "cross_border_areas", "programmes")
        )
