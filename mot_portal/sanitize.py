"""Rich-text sanitising: a small allow-list, no scripts, no styles, no images (so nothing remote)."""

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(value: str | None) -> str | None:
    """Clean user-written HTML; ``None`` and empty strings pass through unchanged."""
    if not value:
        return value
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def sanitize_fields(obj, fields: tuple[str, ...]) -> None:
    """Sanitise every language version of the rich-text ``fields`` of ``obj`` (and the field itself where it is
    not translated). Models call it from ``save()``, so no write path can store unsanitised HTML."""
    from django.conf import settings

    for field in fields:
        names = [f"{field}_{code}" for code, _name in settings.LANGUAGES if hasattr(obj, f"{field}_{code}")]
        for attr in names or [field]:
            setattr(obj, attr, sanitize_html(getattr(obj, attr)))
