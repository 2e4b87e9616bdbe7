"""Portal-wide pages: home, robots.txt, data and credits."""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults

from mot_portal.cache import cached_per_version


def home(request: HttpRequest, *, figures: Iterable[Callable[[], dict]] = ()) -> HttpResponse:
    """The home page; ``figures`` are the apps' selectors of its figures (given by the URL configuration), each
    computed once per content version of its app."""
    context: dict = {}
    for selector in figures:
        app = selector.__module__.partition(".")[0]
        context.update(cached_per_version(f"home:{selector.__module__}.{selector.__qualname__}", [app], selector))
    return render(request, "home.html", context)


def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers may read every public page; the sitemap lists them."""
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /fr/admin/", "Disallow: /en/admin/", "Disallow: /api/"]
    lines.append(f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def credits(request: HttpRequest) -> HttpResponse:
    return render(request, "credits.html", {"data_dir": settings.TOWNS_DATA_DIR})


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404: JSON under ``/api/`` (what an API client can read, as DRF answers a missing record), the portal's page
    elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)
