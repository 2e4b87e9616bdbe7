"""Public pages of the towns app: towns, intercommunalities, partners and cross-border areas."""

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from missions.filters import missions_covering_town
from missions.maps import mission_points
from missions.models import Mission
from missions.selectors import area_missions, partner_missions, town_missions
from mot_portal.exports import downloads
from mot_portal.pagination import page_number
from projects.maps import factsheet_points
from projects.models import Factsheet, FactsheetTown
from projects.selectors import town_factsheets
from towns import maps, selectors
from towns.api import TOWNS_EXPORT
from towns.diagnostic import diagnostic_build, diagnostic_map
from towns.filters import TownPageFilter
from towns.models import Country, CrossBorderArea, Intercommunality, Partner, Town
from towns.search import named_exactly, search_order

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
        searched = "search_rank" in towns.query.annotations
        if searched and request.GET.get("find"):
            found = _found_town(towns, request.GET.get("search", ""))
            if found is not None:
                return redirect(found)
        if not request.GET.get("sort"):
            towns = search_order(towns) if searched else towns.order_by("name", "insee_code")
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
    neighbours = list(Country.objects.filter(borders_france=True).order_by("code"))
    countries = [{"country": c, "count": country_counts.get(c.code, 0)} for c in neighbours]
    # near= has no box of its own (it comes from the home's and the town pages' links): say it is on.
    near = filterset.form.cleaned_data.get("near") if filterset.is_valid() else None
    near_country = next((c for c in neighbours if near and c.code == near[0]), None)
    page = _page(request, towns)
    return render(
        request,
        "towns/town_list.html",
        {
            "filter": filterset,
            "page": page,
            "map": maps.town_list_map(towns, request.GET) if filterset.is_valid() else None,
            "country_facets": countries,
            "query_without_country": _query_without(request, "border_country"),
            "near": {
                "country": near_country,
                "code": near[0],
                "km": near[1],
                "query_without": _query_without(request, "near"),
            }
            if near
            else None,
            "downloads": selection,
        },
    )


def _found_town(towns, query: str) -> Town | None:
    """The town a "Find my town" search names without doubt: the only town of that name, or the only match at all.
    Homonyms and several matches go to the results page, which lists them best first (a five-digit query may be a
    postal code as well as an INSEE code: it goes straight to a town only when it matches nothing else)."""
    exact = list(named_exactly(towns, query).order_by()[:2])
    if len(exact) == 1:
        return exact[0]
    if exact:
        return None
    first_two = list(towns.order_by()[:2])
    return first_two[0] if len(first_two) == 1 else None


def town_detail(request: HttpRequest, insee_code: str) -> HttpResponse:
    try:
        town = selectors.town_get(insee_code=insee_code)
    except Town.DoesNotExist:
        raise Http404 from None
    areas = list(selectors.town_areas(town=town))
    return render(
        request,
        "towns/town_detail.html",
        {
            "town": town,
            "epci_pvd_towns": selectors.town_epci_pvd_neighbours(town=town),
            "border_neighbours": selectors.town_border_neighbours(town=town),
            "neighbours_within_km": selectors.NEIGHBOURS_WITHIN_KM,
            "nearest_localities": selectors.town_nearest_localities(town=town),
            "nearest_localities_km": int(selectors.NEAREST_LOCALITIES_KM),
            "partners": selectors.town_partners(town=town),
            "areas": areas,
            "factsheet_groups": town_factsheets(town=town),
            "missions": town_missions(town=town),
            "map": _town_map(town, areas),
        },
    )


def town_diagnostic(request: HttpRequest, insee_code: str) -> HttpResponse:
    """The town's generated diagnostic of cross-border opportunities (``towns.diagnostic``), with its map."""
    try:
        town = selectors.town_get(insee_code=insee_code)
    except Town.DoesNotExist:
        raise Http404 from None
    result = diagnostic_build(town=town)
    return render(
        request, "towns/town_diagnostic.html", {"town": town, "diagnostic": result, "map": diagnostic_map(result)}
    )


def _town_map(town: Town, areas: list[CrossBorderArea]):
    """The town's map, with the cross-border areas it belongs to, the published projects it takes part in and the
    published missions covering it (none without coordinates: nothing is read)."""
    if town.latitude is None or town.longitude is None:
        return None
    factsheets = Factsheet.objects.published().filter(
        pk__in=FactsheetTown.objects.filter(town=town).values("factsheet")
    )
    missions = Mission.objects.published().filter(pk__in=missions_covering_town(town))
    return maps.town_map(town, factsheets=factsheet_points(factsheets), missions=mission_points(missions), areas=areas)


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
    place_map = maps.places_map(id="partner-map", title=_("Towns the partner works with"), towns=partner.towns.all())
    return render(request, "towns/partner_detail.html", {"partner": partner, "missions": missions, "map": place_map})


def area_list(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.area_list().order_by("name"))
    return render(request, "towns/area_list.html", {"page": page})


def area_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        area = selectors.area_get(slug=slug)
    except CrossBorderArea.DoesNotExist:
        raise Http404 from None
    place_map = maps.places_map(
        id="area-map", title=_("The area and its member towns"), towns=area.towns.all(), area_ids=[area.pk]
    )
    context = {
        "area": area,
        "missions": area_missions(area=area),
        "map": place_map,
        "area_localities": selectors.area_localities(area=area),
    }
    return render(request, "towns/area_detail.html", context)
