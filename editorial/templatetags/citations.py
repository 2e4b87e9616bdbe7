"""Sources and publication dates on public pages and PDFs: ``{% sources_block record %}`` (nothing when the record
has no source) and ``{% publication_dates record %}`` (the document's first publication, the portal's date)."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from editorial.citations import date_display, first_published

register = template.Library()

IN_LANGUAGE = {
    "fr": gettext_lazy("in French"),
    "en": gettext_lazy("in English"),
    "de": gettext_lazy("in German"),
    "it": gettext_lazy("in Italian"),
    "es": gettext_lazy("in Spanish"),
    "nl": gettext_lazy("in Dutch"),
}


def record_sources(record) -> list:
    """The record's sources (from its prefetched ones when there are), in citation order."""
    if record is None or not getattr(record, "pk", None) or not hasattr(record, "sources"):
        return []
    return sorted(record.sources.all(), key=lambda s: (s.date is None, s.date or datetime.date.min, s.title))


@register.simple_tag
def citation(source) -> str:
    """One source as HTML: the title in italics (a link when there is an address, in its own language), the
    publisher, the date as precise as the document gives it, the language when it is not the page's, the note.
    Never the internal reference."""
    page_language = (translation.get_language() or "fr")[:2]
    title = (
        format_html('<cite lang="{}">{}</cite>', source.language, source.title)
        if source.language
        else (format_html("<cite>{}</cite>", source.title))
    )
    if source.url:
        title = format_html('<a href="{}" rel="noopener">{}</a>', source.url, title)
    parts = [title]
    if source.publisher:
        parts.append(format_html("{}", source.publisher))
    when = date_display(source.date, source.date_precision)
    if when:
        parts.append(format_html("{}", when))
    elif source.url:
        parts.append(format_html("{}", _("undated")))
    if source.consulted_on:
        parts.append(format_html("{}", _("consulted on %(date)s") % {"date": date_display(source.consulted_on, "day")}))
    html = mark_safe(", ".join(str(part) for part in parts))
    if source.language and source.language != page_language and source.language in IN_LANGUAGE:
        html = format_html("{} ({})", html, IN_LANGUAGE[source.language])
    html = format_html("{}.", html)
    note = source.note
    if note:
        note_lang = translation.get_language() or "fr"
        if not getattr(source, f"note_{note_lang[:2]}", None):
            html = format_html('{} <span lang="fr">{}</span>', html, note)
        else:
            html = format_html("{} {}", html, note)
    return html


@register.inclusion_tag("editorial/_sources.html")
def sources_block(record, pdf: bool = False, heading: str = "h2") -> dict:
    return {"sources": record_sources(record), "pdf": pdf, "heading": heading}


@register.simple_tag
def first_published_display(record) -> str:
    value, precision = first_published(record)
    return date_display(value, precision)


@register.inclusion_tag("editorial/_publication_dates.html")
def publication_dates(record, pdf: bool = False) -> dict:
    """The original publication of the document the record comes from, and since when the portal publishes it
    (its ``published_at``): each labelled, either may be absent."""
    value, precision = first_published(record)
    portal = getattr(record, "published_at", None)
    if portal is not None:
        portal = timezone.localdate(portal) if timezone.is_aware(portal) else portal.date()
    return {
        "first_published": date_display(value, precision),
        "first_published_iso": value.isoformat() if value else "",
        "on_portal": date_display(portal, "day"),
        "on_portal_iso": portal.isoformat() if portal else "",
        "pdf": pdf,
    }
