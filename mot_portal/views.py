"""Portal-wide pages: home, robots.txt, data and credits, the data catalogue."""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults

from mot_portal.cache import cached_per_version
from mot_portal.catalogue import catalogue_entries, dcat_catalogue


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


def data_catalogue(request: HttpRequest, *, datasets) -> HttpResponse:
    """The data catalogue page: each dataset's fields, licence, credits, update date, row count and downloads
    (``datasets`` are given by the URL configuration)."""
    return render(request, "data_catalogue.html", {"entries": catalogue_entries(datasets)})


def data_catalogue_dcat(request: HttpRequest, *, datasets) -> HttpResponse:
    """The data catalogue as DCAT-AP JSON-LD, for harvesters (``?lang=`` or Accept-Language, as the API)."""
    lang = request.GET.get("lang") or translation.get_language()
    if lang not in dict(settings.LANGUAGES):
        lang = settings.LANGUAGE_CODE
    with translation.override(lang):
        catalogue = dcat_catalogue(catalogue_entries(datasets), request)
    response = JsonResponse(catalogue, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Type"] = "application/ld+json; charset=utf-8"
    response["Content-Language"] = lang
    return response
