"""Sources in the API: each record's ``sources`` (citations, never the internal reference), its
``first_published_on``, and the compatible ``source_document`` (now the public citation text)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from editorial.citations import citations_text, date_display
from editorial.models import Source
from mot_portal.rest import UriField


class SourceSerializer(serializers.ModelSerializer):
    date_display = serializers.SerializerMethodField(help_text="The date as precise as the document gives it.")
    note = serializers.CharField(read_only=True, help_text="Public note, in the requested language.")
    # An accented address (a Wikipedia page) is given as a valid URI, percent-encoded (the schema's format: uri).
    url = UriField(read_only=True, allow_blank=True, help_text="Address of the document, when it has one.")

    class Meta:
        model = Source
        fields = [
            "title",
            "publisher",
            "url",
            "date",
            "date_precision",
            "date_display",
            "language",
            "consulted_on",
            "note",
        ]

    def get_date_display(self, source: Source) -> str:
        return date_display(source.date, source.date_precision)


def sources_of(record) -> list[Source]:
    from editorial.templatetags.citations import record_sources

    return record_sources(record)


@extend_schema_field(SourceSerializer(many=True))
class SourcesField(serializers.Field):
    """The record's sources (read-only; staff attach them in the admin)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "Documents the facts of the record come from (title, publisher, date, address).")
        kwargs.update(read_only=True, source="*")
        super().__init__(**kwargs)

    def to_representation(self, record):
        return SourceSerializer(sources_of(record), many=True, context=self.context).data


class CitationField(serializers.CharField):
    """``source_document`` as API 1.0 published it, now the public citation of the record's sources (title,
    publisher, date, address; never the internal file name). A write still sets the staff-only note it replaced."""

    def __init__(self, **kwargs):
        # No length limit on the field: a client sending back what it read (the citation, however long) must not
        # be refused; that value is then ignored (below). A new note is limited by the model field (250).
        kwargs.update(source="*", required=False, allow_blank=True)
        kwargs.setdefault(
            "help_text",
            "The record's sources as one line of text (see sources); on write, a staff-only provenance note.",
        )
        super().__init__(**kwargs)

    def to_representation(self, record) -> str:
        return citations_text(sources_of(record))

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        record = getattr(self.parent, "instance", None)
        if record is not None and value == citations_text(sources_of(record)):
            return {}  # the citation read from the API, sent back unchanged (a PUT of a GET): nothing to write
        return {"source_document": value}
