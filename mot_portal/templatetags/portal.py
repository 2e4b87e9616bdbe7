"""Template helpers shared by every page."""

import html
import re

from django import template
from django.conf import settings
from django.utils.formats import date_format, get_format, number_format
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from mot_portal.sanitize import sanitize_html

register = template.Library()


@register.simple_tag
def translated(obj, field: str):
    """The field in the active language, with French fallback made explicit.

    Returns an object with ``text``, ``lang`` (the language the text is really in) and ``is_fallback``.
    """
    lang = get_language() or settings.LANGUAGE_CODE
    own = getattr(obj, f"{field}_{lang}", None)
    if own:
        return _Translated(own, lang, False)
    fallback = getattr(obj, f"{field}_{settings.LANGUAGE_CODE}", None) or ""
    return _Translated(fallback, settings.LANGUAGE_CODE, bool(fallback) and lang != settings.LANGUAGE_CODE)


class _Translated:
    def __init__(self, text: str, lang: str, is_fallback: bool) -> None:
        self.text, self.lang, self.is_fallback = text, lang, is_fallback

    def __str__(self) -> str:
        return self.text


@register.simple_tag
def fallback_notice(value) -> str:
    """A discreet note shown where a translated field falls back to French."""
    if not getattr(value, "is_fallback", False):
        return ""
    return format_html('<span class="fallback-note">{}</span>', _("(in French: not yet translated)"))


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs) -> str:
    """The current query string with some parameters replaced (for pagination and sorting links)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.filter
def km(value) -> str:
    """A distance in km, formatted for the active language; a dash when unknown."""
    if value is None:
        return "—"
    return _("%(distance)s km") % {"distance": number_format(value, 1)}


@register.filter
def rich(value) -> str:
    """Rich text, sanitised again at display (records written around ``save()`` are covered too).

    Marked safe as HTML *element content* only: never put it in an attribute or chain a filter after it (use
    ``plain`` for text); tests/mot_portal/test_stored_redirect.py checks every template for such chains."""
    if not value:
        return ""
    return mark_safe(sanitize_html(str(value)))


@register.filter
def plain(value) -> str:
    """Rich text as plain text (tags removed, entities decoded), for a description or an excerpt.

    Deliberately *not* marked safe: autoescape escapes it wherever it is shown, an attribute included. Chaining
    ``rich|striptags`` instead keeps ``rich``'s safe mark on text whose quotes were never escaped (a summary
    could then close ``<meta content="…">`` and add its own attributes)."""
    if not value:
        return ""
    # A space after each block and line break: two paragraphs stay two sentences, not one word ("Un.Deux.").
    spaced = re.sub(r"(<br>|</(?:p|li|h3|h4|blockquote)>)", r"\1 ", sanitize_html(str(value)) or "")
    return html.unescape(strip_tags(spaced)).strip()


@register.simple_tag
def date_span(start, end=None, precision: str = "day") -> str:
    """A date or span of dates shown only as precisely as the source gives it: “10–11 May 2022”,
    “May 2022”, “2023–2024”. Empty when there is no date."""
    if start is None:
        return ""
    formats = {"day": "DATE_FORMAT", "month": "YEAR_MONTH_FORMAT", "year": "Y"}
    fmt = formats.get(precision, "DATE_FORMAT")
    first = date_format(start, fmt)
    if end is None or date_format(end, fmt) == first:
        return first
    pattern = get_format(fmt)
    if precision == "day" and (start.year, start.month) == (end.year, end.month) and pattern.count("j") == 1:
        # The day of the month as a range inside the language's own format ("10–11 mai 2022", "May 10–11, 2022").
        return date_format(end, pattern.replace("j", "\\@")).replace("@", f"{start.day}–{end.day}")
    return f"{first} – {date_format(end, fmt)}"


@register.simple_tag
def pdf_static(path: str) -> str:
    """``file://`` URI of a static file, for PDF templates (WeasyPrint reads it from disk)."""
    from mot_portal.documents.rendering import static_uri

    return static_uri(path)


@register.simple_tag
def pdf_media(field_file) -> str:
    """``file://`` URI of an uploaded file (e.g. a resized photo), or "" when there is none."""
    from mot_portal.documents.rendering import media_uri

    return media_uri(field_file)
