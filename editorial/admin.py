"""The publication log in the admin: read only (steps are made by the workflow, never edited)."""

from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from editorial.models import WorkflowEvent
from editorial.sources_admin import SourceAdmin  # noqa: F401  (registers the sources' admin)


@admin.register(WorkflowEvent)
class WorkflowEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "record_link", "content_type", "from_status", "to_status", "user", "comment"]
    list_filter = ["to_status", "content_type", "user", "created_at"]
    search_fields = ["object_repr", "comment"]
    date_hierarchy = "created_at"
    list_select_related = ["content_type", "user"]

    @admin.display(description=_("record"), ordering="object_repr")
    def record_link(self, obj) -> str:
        try:
            url = reverse(f"admin:{obj.content_type.app_label}_{obj.content_type.model}_change", args=[obj.object_id])
        except NoReverseMatch:
            return obj.object_repr
        return format_html('<a href="{}">{}</a>', url, obj.object_repr)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
