"""Content-Security-Policy (django-csp): one static policy, no nonce, so a cached page stays valid for everyone.

No page may run inline script: every script is a file of this site. Our own templates have no inline style either.
Third-party pages we serve unchanged get only what they cannot do without, and only for styles: the admin and
the browsable API write ``style="…"`` attributes (Django's and DRF's templates), ReDoc injects ``<style>`` elements
and runs its search in a ``blob:`` worker.
"""

import functools

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


def exception_prefix(path: str) -> str | None:
    """The prefix of EXCEPTIONS the page at ``path`` falls under (``None``: none)."""
    parts = path.split("/", 2)
    unprefixed = "/" + parts[2] if len(parts) > 2 and parts[1] in {"fr", "en"} else path
    return next((prefix for prefix in EXCEPTIONS if unprefixed.startswith(prefix)), None)


def exception_for(path: str) -> dict | None:
    """What the page at ``path`` may do besides the policy (``None``: nothing)."""
    prefix = exception_prefix(path)
    return EXCEPTIONS[prefix] if prefix else None


@functools.cache
def _header(prefix: str | None) -> str:
    """The header of the policy with the exception of ``prefix``, built once per process (it never changes)."""
    return build_policy(update=EXCEPTIONS[prefix] if prefix else None)


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
