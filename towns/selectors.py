"""Reads of the towns app shared by pages, API and benchmarks."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet

from towns.models import Country, CrossBorderArea, Intercommunality, Partner, Town
from towns.search import search_order, towns_matching

NEAR_BORDER_KM = Decimal(30)


def town_list(*, pvd_only: bool = True) -> QuerySet[Town]:
    towns = Town.objects.with_relations()
    return towns.pvd() if pvd_only else towns


def town_get(*, insee_code: str) -> Town:
    return Town.objects.with_relations().get(insee_code=insee_code)


SUGGESTIONS = 8


def town_suggestions(*, query: str, limit: int = SUGGESTIONS) -> list[Town]:
    """The ``limit`` best towns for what has been typed (``towns.search``), in one query; none for an empty query."""
    towns = towns_matching(Town.objects.select_related("department"), query)
    if "search_rank" not in towns.query.annotations:
        return []
    return list(search_order(towns)[:limit])


def town_epci_pvd_neighbours(*, town: Town) -> QuerySet[Town]:
    """The other PVD laureates of the town's intercommunality."""
    if town.intercommunality_id is None:
        return Town.objects.none()
    return Town.objects.pvd().filter(intercommunality_id=town.intercommunality_id).exclude(pk=town.pk).order_by("name")


def home_figures() -> dict:
    """The home page's key figures (``figures``), computed from the data. Each one is the count of a towns-list
    selection (templates/home.html links to it with the same filters): all communes (``scope=all``), the PVD
    laureates (the list's default), those within ``NEAR_BORDER_KM`` of their nearest land border
    (``max_border_distance``), and those within it of the border with each country (``near=<code>:<km>``: a town
    near two borders counts for both)."""
    pvd = Town.objects.pvd()
    countries = list(Country.objects.filter(borders_france=True).order_by("code"))
    km = float(NEAR_BORDER_KM)
    near_country = pvd.aggregate(
        **{
            country.code: Count("id", filter=Q(**{f"border_distances__{country.code}__lte": km}))
            for country in countries
        }
    ) if countries else {}  # fmt: skip
    for country in countries:
        country.near_pvd = near_country[country.code]
    per_country = sorted((c for c in countries if c.near_pvd), key=lambda c: (-c.near_pvd, c.code))
    figures = {
        "towns": Town.objects.count(),
        "pvd_towns": pvd.count(),
        "pvd_near_border": pvd.filter(border_distance_km__lte=NEAR_BORDER_KM).count(),
        "near_border_km": NEAR_BORDER_KM,
        "pvd_near_border_by_country": per_country,
        "partners": Partner.objects.count(),
        "areas": CrossBorderArea.objects.count(),
    }
    return {"figures": figures}


def partner_list() -> QuerySet[Partner]:
    return Partner.objects.select_related("country").annotate(town_count=Count("towns"))


def area_list() -> QuerySet[CrossBorderArea]:
    return CrossBorderArea.objects.prefetch_related("countries").annotate(town_count=Count("towns"))


def intercommunality_towns(*, epci: Intercommunality) -> QuerySet[Town]:
    return epci.towns.select_related("department", "border_country").order_by("name")


def partner_get(*, slug: str) -> Partner:
    towns = Town.objects.select_related("department").order_by("name")
    return (
        Partner.objects.select_related("country", "intercommunality")
        .prefetch_related(Prefetch("towns", queryset=towns))
        .get(slug=slug)
    )


def area_get(*, slug: str) -> CrossBorderArea:
    towns = Town.objects.select_related("department").order_by("name")
    return CrossBorderArea.objects.prefetch_related("countries", Prefetch("towns", queryset=towns)).get(slug=slug)


def town_partners(*, town: Town) -> QuerySet[Partner]:
    return town.partners.select_related("country").order_by("name")


def town_areas(*, town: Town) -> QuerySet[CrossBorderArea]:
    return town.cross_border_areas.order_by("name")


NEIGHBOURS_WITHIN_KM = 100


def town_border_neighbours(*, town: Town, within_km: float = NEIGHBOURS_WITHIN_KM) -> list[tuple[Country, float]]:
    """The neighbouring countries whose land border is at most ``within_km`` from the town, nearest first, with
    the distance (the countries read once per content version of the countries)."""
    from mot_portal.cache import cached_per_version

    countries = cached_per_version(
        "towns:countries-by-code", ["towns.country"], lambda: {c.code: c for c in Country.objects.all()}
    )
    near = sorted((km, code) for code, km in (town.border_distances or {}).items() if km <= within_km)
    return [(countries[code], km) for km, code in near if code in countries]
