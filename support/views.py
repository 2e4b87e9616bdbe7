"""Pages of the MOT's offer (the catalogue of services and each service), the programme it serves, and the
contact, legal notice, privacy and accessibility pages. The support request form is in ``support.request_views``."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from mot_portal.cache import cached_per_version
from mot_portal.exports import OPEN_LICENCE
from support import accessibility as a11y
from support import selectors
from support.models import Service
from towns.selectors import home_figures

# The retention of support requests when the setting is absent (days after a request is closed).
DEFAULT_RETENTION_DAYS = 365


def offer(request: HttpRequest) -> HttpResponse:
    """The offer by family: each published service with the missions and booklets that delivered it, and the
    PVD missions of the family (four queries)."""
    return render(request, "support/offer.html", {"families": selectors.offer_families()})


def service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        service = selectors.service_get(slug=slug)
    except Service.DoesNotExist:
        raise Http404 from None
    return render(request, "support/service_detail.html", {"service": service})


def about_programme(request: HttpRequest) -> HttpResponse:
    """The programme from the sources, with the portal's figures (the home page's, computed once per version)."""
    figures = cached_per_version("home:towns.selectors.home_figures", ["towns"], home_figures)
    return render(request, "support/about_programme.html", figures)


def contact(request: HttpRequest) -> HttpResponse:
    details = {key: value for key, value in getattr(settings, "MOT_CONTACT", {}).items() if value}
    return render(request, "support/contact.html", {"contact": details})


def legal_notice(request: HttpRequest) -> HttpResponse:
    legal = {key: value for key, value in getattr(settings, "MOT_LEGAL", {}).items() if value}
    address = getattr(settings, "MOT_CONTACT", {}).get("address", "")
    context = {"legal": legal, "address": address, "licence": OPEN_LICENCE}
    return render(request, "support/legal_notice.html", context)


def privacy(request: HttpRequest) -> HttpResponse:
    days = getattr(settings, "SUPPORT_REQUEST_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)
    return render(request, "support/privacy.html", {"retention_days": days})


def accessibility(request: HttpRequest) -> HttpResponse:
    context = {
        "page_types": a11y.page_type_labels(),
        "axe_version": a11y.AXE_VERSION,
        "viewports": a11y.VIEWPORTS,
        "browser": a11y.BROWSER,
        "statement_date": a11y.STATEMENT_DATE,
        "site_url": request.build_absolute_uri("/"),
    }
    return render(request, "support/accessibility.html", context)
