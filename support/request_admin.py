"""The staff side of the support requests: triage in the admin, seen only by staff holding
``support.view_supportrequest`` (the "Support" group, migration 0004). What the requester sent is read-only; staff
set the status, the assignment and internal notes, create a draft mission, or export a requester's data."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from support.models import SupportRequest
from support.request_services import requester_data_json, support_request_mission_create, support_request_update

SUBMITTED = ("town", "organisation", "role", "name", "email", "phone", "service", "need", "consent", "language")
TRIAGE = ("status", "assigned_to", "internal_notes")


@admin.register(SupportRequest)
class SupportRequestAdmin(admin.ModelAdmin):
    list_display = ("created_at", "town", "department", "service", "status", "assigned_to")
    list_display_links = ("created_at", "town")
    list_filter = (
        "status",
        ("town__department", admin.RelatedOnlyFieldListFilter),
        ("town__border_country", admin.RelatedOnlyFieldListFilter),
        ("service", admin.RelatedOnlyFieldListFilter),
        ("assigned_to", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("town__name", "town__insee_code", "organisation", "email")
    list_select_related = ("town__department", "service", "assigned_to")
    date_hierarchy = "created_at"
    actions = ("create_draft_mission", "export_requester_data")
    readonly_fields = (
        *SUBMITTED,
        "created_at",
        "mission_link",
        "closed_at",
        "acknowledged_at",
        "notified_at",
    )
    fieldsets = (
        (_("Triage"), {"fields": (*TRIAGE, "mission_link", "closed_at")}),
        (_("The request"), {"fields": ("created_at", "town", "service", "need", "language")}),
        (_("The requester"), {"fields": ("organisation", "role", "name", "email", "phone", "consent")}),
        (_("E-mails"), {"fields": ("acknowledged_at", "notified_at")}),
    )

    def has_add_permission(self, request) -> bool:
        return False  # requests come from the public form

    @admin.display(description=_("department"), ordering="town__department__code")
    def department(self, obj: SupportRequest):
        return obj.town.department

    @admin.display(description=_("mission"))
    def mission_link(self, obj: SupportRequest):
        if not obj.mission_id:
            return "—"
        url = reverse("admin:missions_mission_change", args=[obj.mission_id])
        return format_html('<a href="{}">{}</a> ({})', url, obj.mission, obj.mission.get_status_display())

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assigned_to":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj: SupportRequest, form, change) -> None:
        # One write path (support.request_services): closed_at follows the status there.
        support_request_update(request=obj, fields={name: form.cleaned_data[name] for name in TRIAGE})

    @admin.action(description=_("Create a draft mission from this request"), permissions=["change"])
    def create_draft_mission(self, request, queryset):
        if not request.user.has_perm("missions.add_mission"):
            self.message_user(request, _("You may not create missions."), messages.ERROR)
            return None
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one request to create a mission from."), messages.WARNING)
            return None
        mission = support_request_mission_create(request=queryset.get())
        self.message_user(
            request,
            _("Draft mission “%(title)s” created: complete it, then publish it through the mission workflow.")
            % {"title": mission.title},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:missions_mission_change", args=[mission.pk]))

    @admin.action(description=_("Export the requester's data (JSON)"), permissions=["view"])
    def export_requester_data(self, request, queryset):
        emails = sorted(set(queryset.values_list("email", flat=True)))
        response = HttpResponse(requester_data_json(emails=emails), content_type="application/json; charset=utf-8")
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="requester-data-{stamp}.json"'
        response["Cache-Control"] = "no-store"
        return response
