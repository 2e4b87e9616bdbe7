"""Content-Security-Policy (django-csp): one static policy, no nonce, so a cached page stays valid for everyone.

No page may run inline script: every script is a file of this site. Our own templates have no inline style either.
Third-party pages we serve unchanged get only what they cannot do without, and only for styles: the admin and
the browsable API write ``style="…"`` attributes (Django's and DRF's templates), ReDoc injects ``<style>`` elements
and runs its search in a ``blob:`` worker.
"""

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts

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


def exception_for(path: str) -> dict | None:
    """What the page at ``path`` may do besides the policy (``None``: nothing)."""
    parts = path.split("/", 2)
    unprefixed = "/" + parts[2] if len(parts) > 2 and parts[1] in {"fr", "en"} else path
    return next((extra for prefix, extra in EXCEPTIONS.items() if unprefixed.startswith(prefix)), None)


class PortalCSPMiddleware(CSPMiddleware):
    """django-csp's middleware with the few third-party exceptions above, scoped by path."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        extra = exception_for(request.path_info)
        if extra and not report_only:
            parts.update = {**extra, **(parts.update or {})}
        return parts
