"""How sources and the dates of records read in each language: "29 January 2025" / "29 janvier 2025", "March 2021"
/ "mars 2021", "2021"; French writes the first of a month "1er". Used by pages, PDFs, the API and the admin."""

from __future__ import annotations

import datetime

from django.utils import dateformat, translation

FORMATS = {"day": "j F Y", "month": "F Y", "year": "Y"}


def date_display(value: datetime.date | None, precision: str = "day", language: str | None = None) -> str:
    """``value`` with only what ``precision`` says is known, in ``language`` (the active one by default)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    precision = precision if precision in FORMATS else "day"
    with translation.override(language or translation.get_language() or "fr"):
        lang = translation.get_language() or "fr"
        if precision == "day" and value.day == 1 and lang.startswith("fr"):
            return dateformat.format(value, "\\1\\e\\r F Y")
        # Month names in French are lower case ("mars 2021"); F gives the translated name.
        return dateformat.format(value, FORMATS[precision])


def first_published(record) -> tuple[datetime.date | None, str]:
    """(date, precision) of the original publication of the document ``record`` comes from; (None, "") when no
    source says."""
    value = getattr(record, "first_published_on", None)
    if value is None:
        return None, ""
    return value, getattr(record, "first_published_precision", "") or "day"


def citation_text(source, language: str | None = None) -> str:
    """One line of plain text for ``source`` (the API's ``source_document``): title, publisher, date. Never the
    internal reference."""
    parts = [
        f"“{source.title}”"
        if (language or translation.get_language() or "").startswith("en")
        else f"«\u00a0{source.title}\u00a0»"
    ]
    if source.publisher:
        parts.append(source.publisher)
    when = date_display(source.date, source.date_precision, language)
    if when:
        parts.append(when)
    if source.url:
        parts.append(source.url)
    return ", ".join(parts)


def citations_text(sources, language: str | None = None) -> str:
    return "; ".join(citation_text(source, language) for source in sources)


# A record whose last change is this close to its publication on the portal has not been edited since it was
# loaded: its content dates from the document it comes from.
LOAD_MARGIN = datetime.timedelta(minutes=10)


def content_date(record):
    """When the content of ``record`` last changed, for the sitemap's ``lastmod``: the original publication of its
    document (``first_published_on``) while the record is as it was loaded; its last change on the portal once
    staff edited it after its publication there (``updated_at`` later than ``published_at``), or when no source
    dates it."""
    first, _precision = first_published(record)
    updated = getattr(record, "updated_at", None)
    published = getattr(record, "published_at", None)
    if first is None:
        return updated
    if updated is not None and published is not None and updated - published > LOAD_MARGIN:
        return updated
    # A datetime like the other items' (the sitemap compares them for its Last-Modified header).
    return datetime.datetime.combine(first, datetime.time.min, tzinfo=datetime.UTC)


def publication_datetime(record):
    """For the RSS feed's ``pubDate``: the original publication of the record's document (midnight UTC of its
    first day: only the precision the source gives is a fact), else its publication on the portal."""
    first, _precision = first_published(record)
    if first is None:
        return getattr(record, "published_at", None)
    return datetime.datetime.combine(first, datetime.time.min, tzinfo=datetime.UTC)
