"""The admin of sources: searched by the content admins' autocomplete; the internal reference is staff-only."""

from django.contrib import admin
from django.db.models import Count, OuterRef, Subquery
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

    CITED_BY = ("factsheets", "booklets", "missions", "partners", "cross_border_areas", "programmes")

    def get_queryset(self, request):
        # One subquery per kind of record citing it, in the list's query (not six queries a row).
        counts = {
            f"cited_{name}": Subquery(
                Source._meta.get_field(name)
                .through.objects.filter(source=OuterRef("pk"))
                .values("source")
                .annotate(n=Count("pk"))
                .values("n")
            )
            for name in self.CITED_BY
        }
        return super().get_queryset(request).annotate(**counts)

    @admin.display(description=_("records"))
    def record_count(self, obj) -> int:
        return sum(getattr(obj, f"cited_{name}", None) or 0 for name in self.CITED_BY)
