"""Stored PDF documents: one record per (document kind, object, language), rendered by a Celery worker."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# The start of ``StoredDocument.error`` when a rendering could not be handed to the queue (broker unavailable).
QUEUE_FAILED = "Could not be queued"


def validate_kind(value: str) -> None:
    """A kind some app registered (see ``mot_portal.documents.registry``)."""
    from mot_portal.documents import registry

    if value not in registry.names():
        raise ValidationError(_("Unknown document kind %(kind)s.") % {"kind": value})


class StoredDocument(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    kind = models.CharField(
        _("kind"),
        max_length=10,
        validators=[validate_kind],
        help_text=_("Kind of document, as an app registered it (booklet, factsheet, roadmap, programme…)."),
    )
    object_id = models.PositiveIntegerField(
        _("object id"), help_text=_("The booklet, factsheet, mission (roadmap) or programme it renders.")
    )
    language = models.CharField(_("language"), max_length=2, help_text=_("Language of the document (fr or en)."))
    title = models.CharField(_("title"), max_length=300, blank=True, help_text=_("Title, for the file name."))
    content_hash = models.CharField(
        _("content hash"),
        max_length=64,
        blank=True,
        help_text=_("SHA-256 of the HTML, layout version and WeasyPrint version the document must show."),
    )
    html = models.TextField(
        _("HTML"),
        blank=True,
        editable=False,
        help_text=_("The HTML the content hash was computed on: what the next rendering lays out."),
    )
    rendered_hash = models.CharField(
        _("rendered hash"), max_length=64, blank=True, help_text=_("Content hash of the file currently stored.")
    )
    file = models.FileField(_("file"), upload_to="documents/", blank=True, help_text=_("The last complete PDF."))
    status = models.CharField(
        _("status"), max_length=10, choices=State.choices, default=State.QUEUED, help_text=_("Where rendering stands.")
    )
    error = models.TextField(_("error"), blank=True, help_text=_("Why the last rendering failed."))
    attempts = models.PositiveIntegerField(_("attempts"), default=0, help_text=_("Renderings started."))
    render_count = models.PositiveIntegerField(_("renders"), default=0, help_text=_("Renderings completed."))
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True, help_text=_("Last queued."))
    dispatched_at = models.DateTimeField(
        _("dispatched at"),
        null=True,
        blank=True,
        help_text=_("When the last rendering was handed to the queue (empty: not yet, or the queue was unavailable)."),
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True, help_text=_("Last rendering started."))
    heartbeat_at = models.DateTimeField(
        _("heartbeat at"),
        null=True,
        blank=True,
        help_text=_("Last sign of life of the worker rendering it: an old one means the worker was lost."),
    )
    takeovers = models.PositiveIntegerField(
        _("worker losses"),
        default=0,
        help_text=_("Renderings of this content whose worker was lost; past a few, the document is marked failed."),
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True, help_text=_("Last rendering ended."))
    render_seconds = models.FloatField(
        _("render time (s)"), null=True, blank=True, help_text=_("Seconds the last rendering took.")
    )
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True, help_text=_("Pages of the file."))
    size_bytes = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True, help_text=_("File size."))

    class Meta:
        verbose_name = _("stored document")
        verbose_name_plural = _("stored documents")
        ordering = ["kind", "object_id", "language"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id", "language"], name="stored_document_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind_label} {self.title or self.object_id} ({self.language})"

    @property
    def kind_label(self) -> str:
        from mot_portal.documents import registry

        kind = registry.find(self.kind)
        return str(kind.label) if kind else self.kind

    @property
    def queue_failed(self) -> bool:
        """Queued, but handing it to the queue failed: nothing is on its way (see ``selectors.is_lost``)."""
        return self.status == self.State.QUEUED and self.dispatched_at is None and self.error.startswith(QUEUE_FAILED)

    @property
    def is_ready(self) -> bool:
        return self.status == self.State.READY and bool(self.file)


class PendingRefresh(models.Model):
    """A refresh that could not be queued (the broker was unavailable when the edit was committed): the
    reconciliation runs it once the broker is back, so no edit is left out of its PDFs."""

    kind = models.CharField(_("kind"), max_length=10)
    object_id = models.PositiveIntegerField(_("object id"))
    create = models.BooleanField(_("prepare both languages"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("pending refresh")
        verbose_name_plural = _("pending refreshes")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class WorkerHeartbeat(models.Model):
    """A Celery worker's last sign of life, with the queues it consumes: the web reads it (one indexed query) to
    tell a reader, or a load balancer, that no worker prepares PDFs."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    queues = models.CharField(_("queues"), max_length=500, blank=True)
    seen_at = models.DateTimeField(_("seen at"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return self.name
