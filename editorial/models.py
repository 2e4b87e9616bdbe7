"""The review workflow's log: every publication transition of a publishable record (who, when, from, to, the
reviewer's comment). It names the author of a submission (to notify them) and feeds the history pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from mot_portal.publishing import Status


class WorkflowEvent(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("record type"))
    object_id = models.CharField(_("record"), max_length=64, db_index=True)
    object_repr = models.CharField(_("record name"), max_length=300)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("by")
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("publication step")
        verbose_name_plural = _("publication steps")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"])]
        permissions = [
            # Reviewers: publish, unpublish and send back what editors submit (see editorial.workflow).
            ("publish_content", _("Can publish, unpublish and send back content")),
        ]

    def __str__(self) -> str:
        return f"{self.object_repr}: {self.from_status} → {self.to_status}"


class DatePrecision(models.TextChoices):
    """How much of a stored date the document gives (the rest is not a fact and is never shown): "March 2021" is
    kept as 2021-03-01 with the precision "month"."""

    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


class SourceLanguage(models.TextChoices):
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")
    GERMAN = "de", _("German")
    ITALIAN = "it", _("Italian")
    SPANISH = "es", _("Spanish")
    DUTCH = "nl", _("Dutch")


class Source(models.Model):
    """A document the facts of public records come from (a MOT news item, the work programme, a web page). Shown
    on public pages, in PDFs and in the API as a citation; ``internal_reference`` (e.g. the seed file name) is for
    staff only and never leaves the admin."""

    title = models.CharField(
        _("title"), max_length=300, help_text=_("Title of the document, in its own language, as the document gives it.")
    )
    publisher = models.CharField(
        _("publisher"), max_length=200, blank=True, help_text=_("Who published the document, e.g. the MOT.")
    )
    url = models.URLField(_("address (URL)"), max_length=500, blank=True, help_text=_("Web address, when known."))
    date = models.DateField(
        _("date"),
        null=True,
        blank=True,
        help_text=_("Publication date of the document; for a month or a year only, its first day (see precision)."),
    )
    date_precision = models.CharField(
        _("date precision"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=_("How much of the date the document gives: the day, the month or only the year."),
    )
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=SourceLanguage.choices,
        blank=True,
        help_text=_("Language of the document."),
    )
    consulted_on = models.DateField(
        _("consulted on"), null=True, blank=True, help_text=_("For a web page: when it was read.")
    )
    note = models.TextField(
        _("note"), blank=True, help_text=_("Public note: what the record takes from this document (plain text).")
    )
    internal_reference = models.CharField(
        _("internal reference (staff only)"),
        max_length=250,
        blank=True,
        help_text=_("Staff only, never shown in public: e.g. the file name of the document in the MOT's archive."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["-date", "title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["internal_reference"],
                condition=~models.Q(internal_reference=""),
                name="source_internal_reference_unique",
            ),
        ]

    def __str__(self) -> str:
        from editorial.citations import date_display

        when = date_display(self.date, self.date_precision)
        return (
            f"{self.title} ({', '.join(p for p in (self.publisher, when) if p)})"
            if self.publisher or when
            else self.title
        )


# What a citation shows of a source (pages, PDFs, API): a change to one of these refreshes what cites it.
SOURCE_SHOWN = ("title", "publisher", "url", "date", "date_precision", "language", "consulted_on", "note")


def sources_field(related_name: str) -> models.ManyToManyField:
    """The ``sources`` of a content record (factsheets, booklets, missions, partners, areas, programmes)."""
    return models.ManyToManyField(
        Source,
        verbose_name=_("sources"),
        blank=True,
        related_name=related_name,
        help_text=_("Documents the facts of this record come from; cited on its public page and in its PDF."),
    )


def first_published_on_field() -> models.DateField:
    return models.DateField(
        _("first published on"),
        null=True,
        blank=True,
        help_text=_(
            "When the MOT first published the document this record comes from (not when it entered the portal); "
            "empty when no source says."
        ),
    )


def first_published_precision_field() -> models.CharField:
    return models.CharField(
        _("precision of the first publication date"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=_("How much of that date the source gives: the day, the month or only the year."),
    )


# The old provenance fields of the content records (``source_document``, ``source``): kept for staff, never public.
STAFF_PROVENANCE_HELP = _(
    "Staff only, never shown in public: where the record was taken from (e.g. the file name of the seed document). "
    "The public citation is given by the sources."
)
