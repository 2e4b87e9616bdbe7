"""The page cache: anonymous GET responses of public pages and API reads, served from the cache until content changes.

A cached response is stored under a key made of the request (scheme, host, path, query string, language, the
``Accept`` header) and of the **content version** of the whole site (``changes.content_version(SITE)``), which
the change tracking bumps after every committed write (publish, edit, rename, import, delete). A published change
is therefore visible on the next request, on every web node sharing the cache: nothing is ever deleted, old
entries are simply never asked for again and expire. The code's own fingerprint (``RELEASE`` or a hash of the
templates, catalogues and Python files) is part of the key too, so a deployment never serves pages laid out by
the previous code.

What is never cached: requests of a signed-in user (a session cookie), of an API client that authenticates
(``Authorization``) or with pending messages; the admin; anything but ``GET``; responses that are not 200, that
stream (PDF downloads), set a cookie (a form's CSRF token) or say ``private`` / ``no-store`` / ``no-cache``
(previews, status pages). Cached or not, an anonymous public response carries an ``ETag`` and ``Last-Modified``
and answers a conditional GET with 304.

``cached_per_version`` is the same idea for a part of a page (home figures, facet counts, the programme tree):
computed once per content version of the kinds it reads.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import get_language, get_language_from_request

from mot_portal import changes

SITE = changes.SITE
KEY_PREFIX = "page:"
HIT_HEADER = "X-Page-Cache"
# Request headers that make a request personal: never answered from, nor stored in, the shared cache.
PERSONAL_HEADERS = ("Authorization", "X-Api-Key")
T = TypeVar("T")


@functools.cache
def code_fingerprint() -> str:
    """What identifies the deployed code: ``settings.RELEASE`` when set, else a hash of the templates, compiled
    catalogues and Python sources (read once per process, a few milliseconds)."""
    if settings.RELEASE:
        return settings.RELEASE
    digest = hashlib.sha1(usedforsecurity=False)
    base = Path(settings.BASE_DIR)
    for pattern in ("templates/**/*.html", "templates/**/*.txt", "templates/**/*.xml", "locale/**/*.mo", "**/*.py"):
        for path in sorted(base.glob(pattern)):
            if ".venv" in path.parts or "var" in path.parts or "node_modules" in path.parts:
                continue
            digest.update(str(path.relative_to(base)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def cached_per_version(name: str, kinds: Iterable[str], compute: Callable[[], T], *, language: bool = True) -> T:
    """``compute()``, kept in the cache until one of ``kinds`` (app or model labels) changes; per language
    when the result holds translated text (``language``)."""
    # The name may hold anything (a filter's repr, a query): hashed, so the key is short and safe for any backend.
    parts = [hashlib.sha256(name.encode()).hexdigest()[:24], changes.content_version(*kinds), code_fingerprint()]
    if language:
        parts.append(get_language() or settings.LANGUAGE_CODE)
    key = "part:" + ":".join(parts)
    found = cache.get(key)
    if found is not None:
        return found
    value = compute()
    cache.set(key, value, settings.PART_CACHE_SECONDS)
    return value


class PageCacheMiddleware:
    """Serve anonymous GETs of public pages and API reads from the cache (see the module's docstring).

    Placed after the security and static-file middleware and before sessions, so a hit costs two cache round
    trips (the content version, the page) and no database query."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.excluded = tuple(settings.PAGE_CACHE_EXCLUDED_PATHS)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self._eligible(request):
            return self.get_response(request)
        key = self._key(request)
        entry = cache.get(key)
        if entry is not None:
            return self._hit(request, entry)
        response = self.get_response(request)
        if self._storable(response):
            self._store(key, response)
            response[HIT_HEADER] = "miss"
            return get_conditional_response(
                request, etag=response["ETag"], last_modified=self._last_modified(response), response=response
            )
        return response

    # --- What is cached ------------------------------------------------------------------------------------

    def _eligible(self, request: HttpRequest) -> bool:
        if not settings.PAGE_CACHE_SECONDS or request.method != "GET":
            return False
        if request.path.startswith(self.excluded) or "/admin/" in request.path:
            return False
        if any(request.headers.get(name) for name in PERSONAL_HEADERS):
            return False
        cookies = request.COOKIES
        return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies

    @staticmethod
    def _storable(response: HttpResponse) -> bool:
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        control = response.get("Cache-Control", "").lower()
        return not any(word in control for word in ("private", "no-store", "no-cache"))

    def _key(self, request: HttpRequest) -> str:
        language = get_language_from_request(request, check_path=True)
        parts = (
            request.scheme,
            request.get_host(),  # validates the host first: a forbidden host is a 400, never a cached page
            request.get_full_path(),
            language,
            request.headers.get("Accept", "")[:200],
        )
        digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]
        return f"{KEY_PREFIX}{changes.content_version(SITE)}:{code_fingerprint()}:{digest}"

    # --- Storing and serving -------------------------------------------------------------------------------

    @staticmethod
    def _store(key: str, response: HttpResponse) -> None:
        patch_cache_control(response, public=True, no_cache=True)  # browsers and proxies revalidate (ETag)
        set_response_etag(response)
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date(time.time())
        headers = [(name, value) for name, value in response.items() if name != HIT_HEADER]
        cache.set(key, (response.status_code, headers, response.content), settings.PAGE_CACHE_SECONDS)

    def _hit(self, request: HttpRequest, entry: tuple) -> HttpResponse:
        status, headers, content = entry
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        response[HIT_HEADER] = "hit"
        return get_conditional_response(
            request, etag=response["ETag"], last_modified=self._last_modified(response), response=response
        )

    @staticmethod
    def _last_modified(response: HttpResponse) -> int | None:
        return parse_http_date_safe(response.get("Last-Modified", ""))
