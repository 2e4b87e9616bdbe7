"""Rich-text sanitising: a small allow-list, no scripts, no styles, no images (so nothing remote).

One definition, ``RICH_TEXT_EXTENSIONS`` (the admin editor's extensions, django-prose-editor), gives both what
staff can write in the editor and what the sanitiser keeps: the allow-list is derived from it by
django-prose-editor's own mapping (extension → tags and attributes), so what staff see is what is published.
tests/mot_portal/test_rich_text.py checks that the two agree."""

import functools
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

#: The editor's extensions (django-prose-editor 0.28, tiptap): paragraphs, line breaks, headings h3–h4 (pages
#: give h1 and h2 to the page and its sections), bold, italic, bullet and numbered lists, links, quotes.
RICH_TEXT_EXTENSIONS = {
    "Paragraph": True,
    "HardBreak": True,
    "Heading": {"levels": [3, 4]},
    "Bold": True,
    "Italic": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    # No "open in a new window" (no target); links to web pages and e-mail addresses only.
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "History": True,  # undo / redo: no HTML of its own
}

#: The sanitiser writes the ``rel`` of every link itself (``LINK_REL``): whatever ``rel`` the editor or a client
#: sends is replaced, so it is not an allowed attribute.
LINK_REL = "noopener noreferrer"


@functools.cache
def allow_list() -> dict:
    """The nh3 allow-list derived from ``RICH_TEXT_EXTENSIONS``: ``tags``, ``attributes``, ``url_schemes``."""
    from django_prose_editor.config import allowlist_from_extensions

    derived = allowlist_from_extensions(RICH_TEXT_EXTENSIONS)
    attributes = {tag: set(names) - ({"rel"} if tag == "a" else set()) for tag, names in derived["attributes"].items()}
    return {
        "tags": frozenset(derived["tags"]),
        "attributes": {tag: frozenset(names) for tag, names in attributes.items() if names},
        "url_schemes": frozenset(derived["url_schemes"]),
    }


def __getattr__(name: str):
    # ALLOWED_TAGS, ALLOWED_ATTRIBUTES and ALLOWED_URL_SCHEMES, derived on first use (the derivation reads the
    # settings, which may not be configured when this module is imported).
    key = {"ALLOWED_TAGS": "tags", "ALLOWED_ATTRIBUTES": "attributes", "ALLOWED_URL_SCHEMES": "url_schemes"}.get(name)
    if key is None:
        raise AttributeError(name)
    return allow_list()[key]


@functools.cache
def _cleaner() -> nh3.Cleaner:
    rules = allow_list()
    return nh3.Cleaner(
        tags=set(rules["tags"]),
        attributes={tag: set(names) for tag, names in rules["attributes"].items()},
        url_schemes=set(rules["url_schemes"]),
        link_rel=LINK_REL,
        strip_comments=True,
    )


# Text with none of these is plain text (typed, pasted or sent by a client without markup), whatever inline tags
# it may hold: its blank lines separate paragraphs.
_BLOCK_TAG = re.compile(r"<\s*/?\s*(p|br|ul|ol|li|h[1-6]|blockquote|div|table|pre|section|article)\b", re.IGNORECASE)
_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")


def paragraphs_from_text(value: str) -> str:
    """Plain text as HTML paragraphs: a blank line separates two paragraphs, a single line break stays a line
    break. Text that already has block markup is returned unchanged. The result is to be sanitised (the text is
    not escaped here: nh3 parses it as HTML, so ``&amp;`` stays one ampersand and a lone ``<`` is escaped)."""
    if _BLOCK_TAG.search(value):
        return value
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    blocks = [block.strip() for block in _BLANK_LINE.split(text)]
    return "".join("<p>{}</p>".format(re.sub(r"[ \t]*\n[ \t]*", "<br>", block)) for block in blocks if block)


def sanitize_html(value: str | None) -> str | None:
    """Clean user-written HTML; ``None`` and empty strings pass through unchanged. Plain text becomes
    paragraphs (``paragraphs_from_text``)."""
    if not value:
        return value
    cleaned = _cleaner().clean(paragraphs_from_text(value)).strip()
    return "" if re.fullmatch(r"(<p>\s*(<br>)?\s*</p>\s*)*", cleaned) else cleaned


def sanitize_fields(obj, fields: tuple[str, ...]) -> None:
    """Sanitise every language version of the rich-text ``fields`` of ``obj`` (and the field itself where it is
    not translated). Models call it from ``save()``, so no write path can store unsanitised HTML."""
    from django.conf import settings

    for field in fields:
        names = [f"{field}_{code}" for code, _name in settings.LANGUAGES if hasattr(obj, f"{field}_{code}")]
        for attr in names or [field]:
            setattr(obj, attr, sanitize_html(getattr(obj, attr)))


class _Removed(HTMLParser):
    """Collects what the allow-list refuses in a piece of HTML (see ``removed_by_sanitiser``)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
        self.rules = allow_list()

    def add(self, kind: str, name: str) -> None:
        if (kind, name) not in self.found:
            self.found.append((kind, name))

    def handle_starttag(self, tag, attrs):
        if tag not in self.rules["tags"]:
            self.add("element", tag)
            return
        allowed = self.rules["attributes"].get(tag, frozenset())
        for name, value in attrs:
            if tag == "a" and name == "rel":
                continue  # rewritten, not removed
            if name not in allowed:
                self.add("attribute", name)
            elif name == "href" and value:
                scheme = urlsplit(value.strip()).scheme.lower()
                if scheme and scheme not in self.rules["url_schemes"]:
                    self.add("link", value.strip())

    handle_startendtag = handle_starttag

    def handle_comment(self, data):
        self.add("comment", "")


def removed_by_sanitiser(value: str | None) -> list[tuple[str, str]]:
    """What sanitising ``value`` removes, each thing once, in the order met: ``("element", "script")``,
    ``("attribute", "style")``, ``("link", "javascript:…")`` (a link whose scheme is refused), ``("comment", "")``.
    Empty when everything written is kept."""
    if not value:
        return []
    parser = _Removed()
    parser.feed(value)
    parser.close()
    return parser.found
