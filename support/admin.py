"""Admin of the offer: services (translated, moved through the publication workflow) and the retired mission
addresses that redirect to them. The support requests' admin lives in support/request_admin.py (personal data:
seen only with ``support.view_supportrequest``)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedDjangoJqueryTranslationAdmin

from mot_portal.admin import (
    EnglishMissingMixin,
    PublicLinkMixin,
    RichTextAdminMixin,
    ServiceAdminMixin,
    StatusActionsMixin,
    TranslationStatusMixin,
)
from support import services
from support.models import RetiredMission, Service
from support.request_admin import SupportRequestAdmin  # noqa: F401  (registers it)


class RetiredMissionInline(admin.TabularInline):
    model = RetiredMission
    extra = 0


@admin.register(Service)
class ServiceAdmin(
    TranslationStatusMixin,
    RichTextAdminMixin,
    ServiceAdminMixin,
    StatusActionsMixin,
    EnglishMissingMixin,
    PublicLinkMixin,
    TabbedDjangoJqueryTranslationAdmin,
):
    english_fields = ("title", "summary", "description", "audience")
    list_display = ["title", "family", "position", "mission_kind", "status", "english_missing"]
    list_filter = ["family", "status", "mission_kind"]
    search_fields = ["title_fr", "title_en", "slug"]
    prepopulated_fields = {"slug": ("title_fr",)}
    autocomplete_fields = ["missions"]
    filter_horizontal = ["booklets"]
    readonly_fields = ["status", "published_at", "public_link", "english_missing"]
    inlines = [RetiredMissionInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", ("family", "position"), "summary", "description", "audience"]}),
        (_("Delivery"), {"fields": ["mission_kind", "announced_on", "missions", "booklets", "source"]}),
        (_("Publication"), {"fields": ["status", "published_at", "public_link", "english_missing"]}),
    ]

    def save_record(self, *, obj, fields, relations, change):
        if change:
            return services.service_update(service=obj, fields=fields, **relations)
        return services.service_create(fields=fields, **relations)


@admin.register(RetiredMission)
class RetiredMissionAdmin(admin.ModelAdmin):
    list_display = ["mission_slug", "service"]
    search_fields = ["mission_slug", "service__title_fr"]
    autocomplete_fields = ["service"]
