"""Admin of the PDF documents: what is stored and how rendering went; actions that render again."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from mot_portal.documents import registry
from mot_portal.documents.models import StoredDocument
from mot_portal.documents.services import LANGUAGES, document_request


class KindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(kind.name, kind.label) for kind in registry.kinds()]

    def queryset(self, request, queryset):
        # Only a registered kind filters (anything else is ignored: never a bad query).
        return queryset.filter(kind=self.value()) if self.value() in registry.names() else queryset


@admin.register(StoredDocument)
class StoredDocumentAdmin(admin.ModelAdmin):
    """The rendered PDFs: status, errors, timings, pages and size; an action renders them again."""

    list_display = ["title", "kind_label", "language", "status", "render_seconds", "page_count", "size_kb",
                    "render_count", "finished_at", "short_error"]  # fmt: skip
    list_filter = [KindFilter, "status", "language"]
    search_fields = ["title"]
    # The file is shown by name (and whether the storage has it), not linked: a storage URL would bypass the
    # public check of the download path (and on a private bucket it would not open).
    readonly_fields = [
        "stored_file" if field.name == "file" else field.name
        for field in StoredDocument._meta.fields
        if field.name != "html"
    ]
    exclude = ["html", "file"]
    actions = ["render_again"]

    def has_add_permission(self, request) -> bool:
        return False  # documents are requested from the pages, the API or the action below

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, obj) -> str:
        return obj.kind_label

    @admin.display(description=_("size (KB)"))
    def size_kb(self, obj) -> str:
        return f"{obj.size_bytes / 1024:.0f}" if obj.size_bytes else "—"

    @admin.display(description=_("file"))
    def stored_file(self, obj) -> str:
        if not obj.file:
            return "—"
        try:
            present = obj.file.storage.exists(obj.file.name)
        except Exception:  # the storage cannot be reached: say so, the page still opens
            return _("%(name)s (the storage cannot be reached)") % {"name": obj.file.name}
        if not present:
            return _("%(name)s (missing from the storage: rendered again on the next request)") % {
                "name": obj.file.name
            }
        return obj.file.name

    @admin.display(description=_("error"))
    def short_error(self, obj) -> str:
        return obj.error[:80] or "—"

    @admin.action(description=_("Render again"), permissions=["change"])
    def render_again(self, request, queryset):
        queued, requested = 0, []
        for document in queryset:
            try:
                requested.append(
                    document_request(
                        kind=document.kind, object_id=document.object_id, language=document.language, force=True
                    )
                )
                queued += 1
            except registry.DocumentUnavailable:
                self.message_user(
                    request, _("%(document)s is not public any more.") % {"document": document}, messages.WARNING
                )
        self.message_user(
            request, _("%(count)d document(s) queued for rendering.") % {"count": queued}, messages.SUCCESS
        )
        warn_if_not_queued(self, request, requested)


def warn_if_not_queued(model_admin, request, documents) -> None:
    """Say so when the broker was unavailable: the documents are rendered later (by the reconciliation)."""
    ids = [document.pk for document in documents]
    failed = sum(document.queue_failed for document in StoredDocument.objects.filter(pk__in=ids))
    if failed:
        model_admin.message_user(
            request,
            _("The PDF service is unavailable at the moment: %(count)d document(s) will be rendered once it is back.")
            % {"count": failed},
            messages.WARNING,
        )


class RenderDocumentsMixin:
    """An action on publishable records: render (again) their PDF documents in French and English."""

    document_kind: str
    actions = ["render_documents"]

    @admin.action(description=_("Render the PDFs (FR and EN)"), permissions=["change"])
    def render_documents(self, request, queryset):
        queued, skipped, requested = 0, 0, []
        for obj in queryset:
            for language in LANGUAGES:
                try:
                    requested.append(
                        document_request(kind=self.document_kind, object_id=obj.pk, language=language, force=True)
                    )
                    queued += 1
                except registry.DocumentUnavailable:
                    skipped += 1
        self.message_user(
            request, _("%(count)d document(s) queued for rendering.") % {"count": queued}, messages.SUCCESS
        )
        warn_if_not_queued(self, request, requested)
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
