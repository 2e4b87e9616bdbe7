"""Content-Security-Policy (django-csp): one static policy, no nonce, so a cached page stays valid for everyone.

No page may run inline script: every script is a file of this site. Our own templates have no inline style either.
Third-party pages we serve unchanged get only what they cannot do without, and only for styles: the admin and
the browsable API write ``style="…"`` attributes (Django's and DRF's templates), ReDoc injects ``<style>`` elements
and runs its search in a ``blob:`` worker.

The admin's rich-text editor (django-prose-editor) needs two inline pieces, each allowed by its hash only (no
'unsafe-inline'): the import map naming its JavaScript modules (``<script type="importmap">``, which cannot be a
file) and the few ProseMirror rules its editor (tiptap) writes into a ``<style>`` element. Both hashes are computed
from the installed package (``admin_editor_sources``), so an upgrade or hashed static names keep them right.
"""

import base64
import functools
import hashlib
import re

from csp.constants import HEADER, NONE, SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings

POLICY = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF, "data:"],
    "font-src": [SELF],
    "connect-src": [SELF],
    "object-src": [NONE],
    "base-uri": [NONE],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
}

# Path prefixes (after the language prefix, if any) → what their third-party pages need besides the policy.
STYLE_ATTRIBUTES = {"style-src-attr": [UNSAFE_INLINE]}
EXCEPTIONS = {
    "/api/v1/redoc/": {"style-src": [SELF, UNSAFE_INLINE], "worker-src": [SELF, "blob:"]},
    "/api/": STYLE_ATTRIBUTES,
    "/admin/": STYLE_ATTRIBUTES,
}


def _sha256(text: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"


@functools.cache
def admin_editor_sources() -> dict:
    """What the admin's rich-text editor needs besides the admin's exception: its import map as rendered in the
    page (static names resolved), and tiptap's base stylesheet (a constant of the editor's bundle that it inserts
    as a ``<style>`` element), each by its hash."""
    from django.contrib.staticfiles import finders
    from django_prose_editor.widgets import importmap

    script = re.fullmatch(r"<script[^>]*>(.*)</script>", str(importmap.render()), re.DOTALL)
    sources = {"script-src": [SELF, _sha256(script.group(1))]}
    bundle = finders.find("django_prose_editor/editor.js")
    if bundle:
        with open(bundle, encoding="utf-8") as file:
            stylesheet = re.search(r"`(\.ProseMirror \{.*?)`", file.read(), re.DOTALL)
        if stylesheet:
            sources["style-src-elem"] = [SELF, _sha256(stylesheet.group(1))]
    return sources


def exception_prefix(path: str) -> str | None:
    """The prefix of EXCEPTIONS the page at ``path`` falls under (``None``: none)."""
    parts = path.split("/", 2)
    unprefixed = "/" + parts[2] if len(parts) > 2 and parts[1] in {"fr", "en"} else path
    return next((prefix for prefix in EXCEPTIONS if unprefixed.startswith(prefix)), None)


def exception_for(path: str) -> dict | None:
    """What the page at ``path`` may do besides the policy (``None``: nothing)."""
    prefix = exception_prefix(path)
    return _exception(prefix) if prefix else None


@functools.cache
def _exception(prefix: str) -> dict:
    if prefix == "/admin/":  # the admin edits rich text (see the module's docstring)
        return {**EXCEPTIONS[prefix], **admin_editor_sources()}
    return EXCEPTIONS[prefix]


@functools.cache
def _header(prefix: str | None) -> str:
    """The header of the policy with the exception of ``prefix``, built once per process (it never changes)."""
    return build_policy(update=_exception(prefix) if prefix else None)


class PortalCSPMiddleware(CSPMiddleware):
    """django-csp's middleware with the few third-party exceptions above, scoped by path. The header of a response
    with no per-view policy (all of ours) is built once per exception, not on every response (a static file or a
    cached page pays a dictionary lookup)."""

    PER_VIEW = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")

    def process_response(self, request, response):
        if (
            any(getattr(response, name, None) for name in self.PER_VIEW)
            or getattr(request, "_csp_nonce", None)
            or HEADER in response
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or (settings.DEBUG and response.status_code in (404, 500))
        ):
            return super().process_response(request, response)
        response[HEADER] = _header(exception_prefix(request.path_info))
        return response

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        extra = exception_for(request.path_info)
        if extra and not report_only:
            parts.update = {**extra, **(parts.update or {})}
        return parts
