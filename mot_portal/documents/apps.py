from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """The PDF machinery: stored documents, their rendering and their refresh when what they show changes.

    Each domain app declares its document kinds in ``<app>/documents.py`` and registers them in its own
    ``AppConfig.ready()``; nothing here names a domain app."""

    name = "mot_portal.documents"
    label = "documents"
    verbose_name = _("PDF documents")

    def ready(self) -> None:
        from mot_portal import changes
        from mot_portal.documents.invalidation import DocumentsSubscriber

        changes.subscribe(DocumentsSubscriber())
