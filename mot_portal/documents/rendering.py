"""HTML to PDF: the HTML of a template in a language, its content hash, and WeasyPrint with a URL fetcher that
reads only the project's static and media files.

Three layers: ``render_html`` builds a document's HTML inside ``translation.override`` (the
services call it with the kind's template and context); ``content_hash`` fingerprints that HTML with the layout
and WeasyPrint versions; ``pdf_render`` turns it into PDF bytes, fetching nothing but files under the static and
media roots. The day of rendering is not part of the HTML that is hashed (``CREATED_PLACEHOLDER``): a document
whose content did not change is not rendered again the next day.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# Bump when templates or styles change in a way the HTML does not show (fonts, @page rules in static CSS…).
LAYOUT_VERSION = "1"
DATA_URL_MAX_BYTES = 32 * 1024
DATA_URL_RE = re.compile(r"^data:(image/(?:png|jpeg|gif|webp));base64,", re.IGNORECASE)
# Uploaded files, read through the storage by the URL fetcher (see media_uri).
MEDIA_SCHEME = "portal-media"
MEDIA_MAX_BYTES = 20 * 1024 * 1024
# Stands for the creation date in the HTML that is hashed; the date is put in when the PDF is laid out.
CREATED_PLACEHOLDER = "@@document-created@@"


def allowed_roots() -> list[Path]:
    """The folders WeasyPrint may read: the project's static files (source and collected) and media."""
    roots = [Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS), Path(settings.MEDIA_ROOT)]
    return [root.resolve() for root in roots]


class SafeURLFetcher(URLFetcher):
    """Serves ``file://`` URLs under the static and media roots and small ``data:`` images; refuses the rest
    (other files, ``http(s)://``, ``ftp://``…). WeasyPrint logs a refusal and renders without the resource."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "file":
            path = Path(unquote(parts.path)).resolve()
            if path.is_file() and any(path.is_relative_to(root) for root in allowed_roots()):
                mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime_type})
        elif scheme == MEDIA_SCHEME:
            found = _storage_media(unquote(url.split(":", 1)[1]))
            if found is not None:
                return URLFetcherResponse(url, *found)
        elif scheme == "data" and DATA_URL_RE.match(url):
            payload = url.split(",", 1)[1]
            if len(payload) * 3 // 4 <= DATA_URL_MAX_BYTES:
                mime_type = DATA_URL_RE.match(url).group(1).lower()
                return URLFetcherResponse(url, base64.b64decode(payload), {"Content-Type": mime_type})
        self.refused.append(url[:200])
        raise ValueError(f"Refused by the portal's URL fetcher: {url[:200]}")


def _storage_media(name: str) -> tuple[bytes, dict] | None:
    """An uploaded image read through the default storage (files or a bucket), or None: only image types, within
    a size bound, and names that stay inside the storage (no absolute or parent parts)."""
    from django.core.files.storage import default_storage

    mime_type = mimetypes.guess_type(name)[0] or ""
    parts = name.split("/")
    if not mime_type.startswith("image/") or name.startswith("/") or ".." in parts or "" in parts:
        return None
    try:
        if default_storage.size(name) > MEDIA_MAX_BYTES:
            return None
        with default_storage.open(name, "rb") as handle:
            return handle.read(), {"Content-Type": mime_type}
    except (OSError, ValueError):  # missing (FileNotFoundError) or refused name: rendered without the image
        return None


def static_uri(path: str) -> str:
    """The ``file://`` URI of a static file (fonts, CSS, logo) for a PDF template."""
    found = finders.find(path)
    if not found:
        raise ValueError(f"No static file {path}")
    return Path(found).resolve().as_uri()


def media_uri(field_file) -> str:
    """The URI of an uploaded file (a resized photo) for WeasyPrint, or "" when there is none:
    ``portal-media:<name>``, which the URL fetcher reads through the storage. Not a ``file://`` path: the HTML
    (hence the content hash) is the same on every machine and storage (files, a bucket), so a restored backup
    or a move to object storage renders nothing again."""
    if not field_file:
        return ""
    return MEDIA_SCHEME + ":" + quote(field_file.name)


def content_hash(html: str) -> str:
    """What a document shows: its HTML, the layout version and the WeasyPrint version."""
    digest = hashlib.sha256()
    for part in (LAYOUT_VERSION, weasyprint.__version__, html):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def render_html(template: str, context: dict, *, language: str) -> str:
    """The HTML of ``template`` with ``context``, in ``language`` (labels, dates and numbers included)."""
    with translation.override(language):
        return render_to_string(template, {**context, "language": language, "document_created": CREATED_PLACEHOLDER})


@dataclass
class RenderedPdf:
    data: bytes
    page_count: int
    refused: list[str]


def pdf_render(html: str) -> RenderedPdf:
    """PDF bytes of ``html``: PDF/UA-1 (tagged), with title, author and language from the HTML head."""
    fetcher = SafeURLFetcher(timeout=5, allow_redirects=False)
    base_url = Path(settings.BASE_DIR / "static").resolve().as_uri() + "/"
    # PDF/UA-1 variant: tagged structure, /Lang, DisplayDocTitle and the pdfuaid XMP identification.
    options = {"pdf_variant": "pdf/ua-1"}
    html = html.replace(CREATED_PLACEHOLDER, timezone.localdate().isoformat())
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(**options)
    data = document.write_pdf(**options)
    if fetcher.refused:
        logger.warning("PDF rendering refused %d resource(s): %s", len(fetcher.refused), fetcher.refused[:5])
    return RenderedPdf(data=data, page_count=len(document.pages), refused=fetcher.refused)
