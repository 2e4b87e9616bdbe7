"""Public pages of the towns app: towns, intercommunalities, partners and cross-border areas."""

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from missions.selectors import area_missions, partner_missions, town_missions
from mot_portal.exports import downloads
from mot_portal.pagination import page_number
from projects.selectors import town_factsheets
from towns import selectors
from towns.api import TOWNS_EXPORT
from towns.filters import TownPageFilter
from towns.models import Country, CrossBorderArea, Intercommunality, Partner, Town

PAGE_SIZE = 25


def _page(request: HttpRequest, queryset, size: int = PAGE_SIZE):
    paginator = Paginator(queryset, size)
    return paginator.get_page(page_number(request.GET.get("page")))


def _query_without(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in (*names, "page"):
        params.pop(name, None)
    return params.urlencode()


def town_list(request: HttpRequest) -> HttpResponse:
    filterset = TownPageFilter(request.GET, queryset=selectors.town_list(pvd_only=False))
    if filterset.is_valid():
        towns = filterset.qs
        if not request.GET.get("sort"):
            towns = towns.order_by("name", "insee_code")
        # Facet counts: what each neighbouring country would give with the other filters kept.
        facet_data = request.GET.copy()
        facet_data.pop("border_country", None)
        facet_qs = TownPageFilter(facet_data, queryset=Town.objects.all()).qs.order_by()
        country_counts = dict(
            facet_qs.filter(border_country__isnull=False).values_list("border_country__code").annotate(n=Count("id"))
        )
        selection = downloads(api_name="town-list", params=filterset.api_params(), info=TOWNS_EXPORT)
    else:
        towns = Town.objects.none()
        country_counts = {}
        selection = None
    countries = [
        {"country": c, "count": country_counts.get(c.code, 0)}
        for c in Country.objects.filter(borders_france=True).order_by("code")
    ]
    page = _page(request, towns)
    return render(
        request,
        "towns/town_list.html",
        {
            "filter": filterset,
            "page": page,
            "country_facets": countries,
            "query_without_country": _query_without(request, "border_country"),
            "downloads": selection,
        },
    )


def town_detail(request: HttpRequest, insee_code: str) -> HttpResponse:
    try:
        town = selectors.town_get(insee_code=insee_code)
    except Town.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "towns/town_detail.html",
        {
            "town": town,
            "epci_pvd_towns": selectors.town_epci_pvd_neighbours(town=town),
            "border_neighbours": selectors.town_border_neighbours(town=town),
            "neighbours_within_km": selectors.NEIGHBOURS_WITHIN_KM,
            "partners": selectors.town_partners(town=town),
            "areas": selectors.town_areas(town=town),
            "factsheet_groups": town_factsheets(town=town),
            "missions": town_missions(town=town),
        },
    )


def intercommunality_detail(request: HttpRequest, siren: str) -> HttpResponse:
    epci = get_object_or_404(Intercommunality, siren=siren)
    towns = selectors.intercommunality_towns(epci=epci)
    return render(request, "towns/intercommunality_detail.html", {"epci": epci, "towns": towns})


def partner_list(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.partner_list().order_by("name"))
    return render(request, "towns/partner_list.html", {"page": page})


def partner_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        partner = selectors.partner_get(slug=slug)
    except Partner.DoesNotExist:
        raise Http404 from None
    missions = partner_missions(partner=partner)
    return render(request, "towns/partner_detail.html", {"partner": partner, "missions": missions})


def area_list(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.area_list().order_by("name"))
    return render(request, "towns/area_list.html", {"page": page})


def area_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        area = selectors.area_get(slug=slug)
    except CrossBorderArea.DoesNotExist:
        raise Http404 from None
    return render(request, "towns/area_detail.html", {"area": area, "missions": area_missions(area=area)})
