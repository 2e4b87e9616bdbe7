"""Admin pieces shared by the apps."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from mot_portal.models import StoredDocument


class PublicLinkMixin:
    """A read-only field linking a record to its public page."""

    @admin.display(description=_("public page"))
    def public_link(self, obj) -> str:
        if not obj.pk:
            return "—"
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', obj.get_absolute_url(), _("View"))


@admin.register(StoredDocument)
class StoredDocumentAdmin(admin.ModelAdmin):
    """The rendered PDFs: status, errors, timings, pages and size; an action renders them again."""

    list_display = ["title", "kind", "language", "status", "render_seconds", "page_count", "size_kb", "render_count",
                    "finished_at", "short_error"]  # fmt: skip
    list_filter = ["kind", "status", "language"]
    search_fields = ["title"]
    readonly_fields = [field.name for field in StoredDocument._meta.fields]
    actions = ["render_again"]

    def has_add_permission(self, request) -> bool:
        return False  # documents are requested from the pages, the API or the action below

    @admin.display(description=_("size (KB)"))
    def size_kb(self, obj) -> str:
        return f"{obj.size_bytes / 1024:.0f}" if obj.size_bytes else "—"

    @admin.display(description=_("error"))
    def short_error(self, obj) -> str:
        return obj.error[:80] or "—"

    @admin.action(description=_("Render again"), permissions=["change"])
    def render_again(self, request, queryset):
        from mot_portal.documents import DocumentUnavailable, document_request

        queued = 0
        for document in queryset:
            try:
                document_request(
                    kind=document.kind, object_id=document.object_id, language=document.language, force=True
                )
                queued += 1
            except DocumentUnavailable:
                self.message_user(
                    request, _("%(document)s is not public any more.") % {"document": document}, messages.WARNING
                )
        self.message_user(
            request, _("%(count)d document(s) queued for rendering.") % {"count": queued}, messages.SUCCESS
        )


class RenderDocumentsMixin:
    """An action on publishable records: render (again) their PDF documents in French and English."""

    document_kind: str
    actions = ["render_documents"]

    @admin.action(description=_("Render the PDFs (FR and EN)"), permissions=["change"])
    def render_documents(self, request, queryset):
        from mot_portal.documents import LANGUAGES, DocumentUnavailable, document_request

        queued, skipped = 0, 0
        for obj in queryset:
            for language in LANGUAGES:
                try:
                    document_request(kind=self.document_kind, object_id=obj.pk, language=language, force=True)
                    queued += 1
                except DocumentUnavailable:
                    skipped += 1
        self.message_user(
            request, _("%(count)d document(s) queued for rendering.") % {"count": queued}, messages.SUCCESS
        )
        if skipped:
            self.message_user(
                request,
                _(
                    "%(count)d document(s) skipped: only published records "
                    "(and missions with a published roadmap) have PDFs."
                )
                % {"count": skipped},
                messages.WARNING,
            )
