"""Portal-wide pages: home, data and credits."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from missions.models import Mission
from projects.models import Factsheet
from towns.selectors import home_figures


def home(request: HttpRequest) -> HttpResponse:
    context = {
        "figures": home_figures(),
        "factsheet_count": Factsheet.objects.published().count(),
        "mission_count": Mission.objects.published().count(),
    }
    return render(request, "home.html", context)


def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers may read every public page; the sitemap lists them."""
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /fr/admin/", "Disallow: /en/admin/", "Disallow: /api/"]
    lines.append(f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def credits(request: HttpRequest) -> HttpResponse:
    return render(request, "credits.html", {"data_dir": settings.TOWNS_DATA_DIR})
