"""Public pages of factsheets and booklets, and the staff preview of drafts."""

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from missions.selectors import factsheet_missions
from mot_portal.exports import downloads
from mot_portal.facets import faceted_list
from projects import selectors
from projects.api import FACTSHEETS_EXPORT
from projects.filters import FactsheetPageFilter
from projects.maps import factsheet_map, factsheet_points
from projects.models import Booklet, Factsheet
from towns.maps import list_map

PAGE_SIZE = 20


def factsheet_list(request: HttpRequest) -> HttpResponse:
    filterset = FactsheetPageFilter(request.GET, queryset=selectors.factsheet_list())
    context = faceted_list(request, filterset=filterset, facets=selectors.FACETS, page_size=PAGE_SIZE)
    if filterset.is_valid():
        context["map"] = list_map(
            id="factsheets-map",
            layer="factsheets",
            url_name="map-factsheets",
            points=factsheet_points(filterset.qs, label=False),
            params=request.GET,
            describedby="factsheet-results",
        )
        context["downloads"] = downloads(
            api_name="factsheet-list", params=filterset.api_params(), info=FACTSHEETS_EXPORT
        )
    return render(request, "projects/factsheet_list.html", context)


def _factsheet_page(request: HttpRequest, factsheet: Factsheet, *, preview: bool) -> HttpResponse:
    context = {
        "factsheet": factsheet,
        "booklets": selectors.factsheet_booklets(factsheet=factsheet),
        **factsheet_missions(factsheet=factsheet),
        "preview": preview,
        "map": factsheet_map(factsheet),
    }
    return render(request, "projects/factsheet_detail.html", context)


def factsheet_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        factsheet = selectors.factsheet_get(slug=slug)
    except Factsheet.DoesNotExist:
        raise Http404 from None
    return _factsheet_page(request, factsheet, preview=False)


def _preview(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A draft as the public would see it: staff only, never cached, never indexed."""
    add_never_cache_headers(response)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@staff_member_required
def factsheet_preview(request: HttpRequest, slug: str) -> HttpResponse:
    if not request.user.has_perm("projects.view_factsheet"):
        raise PermissionDenied
    try:
        factsheet = selectors.factsheet_get(slug=slug, include_drafts=True)
    except Factsheet.DoesNotExist:
        raise Http404 from None
    return _preview(request, _factsheet_page(request, factsheet, preview=True))


def booklet_list(request: HttpRequest) -> HttpResponse:
    booklets = selectors.booklet_list().order_by("-edition_date", "title_fr", "pk")
    return render(request, "projects/booklet_list.html", {"booklets": booklets})


def booklet_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        booklet = selectors.booklet_get(slug=slug)
    except Booklet.DoesNotExist:
        raise Http404 from None
    return render(request, "projects/booklet_detail.html", {"booklet": booklet, "preview": False})


@staff_member_required
def booklet_preview(request: HttpRequest, slug: str) -> HttpResponse:
    if not request.user.has_perm("projects.view_booklet"):
        raise PermissionDenied
    try:
        booklet = selectors.booklet_get(slug=slug, include_drafts=True)
    except Booklet.DoesNotExist:
        raise Http404 from None
    return _preview(request, render(request, "projects/booklet_detail.html", {"booklet": booklet, "preview": True}))
