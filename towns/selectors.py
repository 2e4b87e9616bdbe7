"""Reads of the towns app shared by pages, API and benchmarks."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.db.models import Count, Prefetch, Q, QuerySet

from towns.models import Country, CrossBorderArea, Intercommunality, Locality, Partner, Town
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
    towns = Town.objects.select_related("department", "border_country").order_by("name")
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


# --- Localities across the border (GeoNames) ---------------------------------------------------------------------

NEAREST_LOCALITIES = 8
NEAREST_LOCALITIES_KM = 30.0
AREA_LOCALITIES_KM = 15.0
KM_PER_DEGREE_LATITUDE = 110.574  # the shortest degree (at the equator): a box of this size never cuts a circle
KM_PER_DEGREE_LONGITUDE_AT_EQUATOR = 111.320


@dataclass(frozen=True)
class NearbyLocality:
    """A locality across the border as plain data (pages, API and maps share it). ``distance_km`` is the geodesic
    distance (WGS 84) from the place it was measured from; None when not measured (inside an outline)."""

    id: int
    name: str
    admin1: str
    admin2: str
    country_code: str
    country_name: str
    latitude: float
    longitude: float
    distance_km: float | None
    border_distance_km: float

    @property
    def admin_area(self) -> str:
        return ", ".join(part for part in (self.admin2, self.admin1) if part and part != self.name)


def _degree_box(latitudes: Sequence[float], longitudes: Sequence[float], km: float) -> Q:
    """A latitude/longitude box holding every point within ``km`` of the given points (the SQL prefilter: an index
    range on latitude, then longitude; the exact distance is measured in Python on what it keeps)."""
    dlat = km / KM_PER_DEGREE_LATITUDE
    north = min(max(latitudes) + dlat, 89.9)
    south = max(min(latitudes) - dlat, -89.9)
    # A degree of longitude is shortest at the latitude farthest from the equator in the box.
    widest = max(abs(north), abs(south))
    dlon = km / (KM_PER_DEGREE_LONGITUDE_AT_EQUATOR * math.cos(math.radians(widest)))
    return Q(
        latitude__gte=Decimal(str(round(south, 5))),
        latitude__lte=Decimal(str(round(north, 5))),
        longitude__gte=Decimal(str(round(min(longitudes) - dlon, 5))),
        longitude__lte=Decimal(str(round(max(longitudes) + dlon, 5))),
    )


def _plain(locality: Locality, distance_km: float | None) -> NearbyLocality:
    return NearbyLocality(
        id=locality.pk,
        name=locality.name,
        admin1=locality.admin1,
        admin2=locality.admin2,
        country_code=locality.country.code,
        country_name=locality.country.name,
        latitude=float(locality.latitude),
        longitude=float(locality.longitude),
        distance_km=None if distance_km is None else round(distance_km, 1),
        border_distance_km=float(locality.border_distance_km),
    )


def localities_near(
    *,
    latitude: float,
    longitude: float,
    within_km: float = NEAREST_LOCALITIES_KM,
    limit: int | None = NEAREST_LOCALITIES,
    countries: Iterable[str] | None = None,
) -> list[NearbyLocality]:
    """The localities across the border within ``within_km`` of a point, nearest first (at most ``limit``), with
    their geodesic distance (WGS 84 ellipsoid) from it. One query: a latitude/longitude box in SQL, then the exact
    distance of the few rows it keeps."""
    return localities_near_any(
        latitudes=[latitude], longitudes=[longitude], within_km=within_km, limit=limit, countries=countries
    )


def localities_near_any(
    *,
    latitudes: Sequence[float],
    longitudes: Sequence[float],
    within_km: float,
    limit: int | None = None,
    countries: Iterable[str] | None = None,
) -> list[NearbyLocality]:
    """The localities within ``within_km`` of at least one of the points, nearest first, with the geodesic distance
    to the nearest point. One query (box around all the points), then a vectorised distance computation."""
    from towns.geometry import geodesic_km

    if not latitudes:
        return []
    candidates = Locality.objects.select_related("country").filter(_degree_box(latitudes, longitudes, within_km))
    if countries is not None:
        candidates = candidates.filter(country__code__in=list(countries))
    candidates = list(candidates.order_by("pk"))
    if not candidates:
        return []
    distances = geodesic_km(
        np.array([[float(c.latitude)] for c in candidates]),
        np.array([[float(c.longitude)] for c in candidates]),
        np.array([latitudes], dtype=float),
        np.array([longitudes], dtype=float),
    ).min(axis=1)
    near = sorted(
        ((float(km), c.name, c.pk, c) for km, c in zip(distances, candidates, strict=True) if km <= within_km),
        key=lambda item: item[:3],
    )
    return [_plain(c, km) for km, _name, _pk, c in near[:limit]]


def town_nearest_localities(*, town: Town, limit: int = NEAREST_LOCALITIES) -> list[NearbyLocality]:
    """The nearest localities across the border within 30 km of the town (none without coordinates)."""
    if town.latitude is None or town.longitude is None:
        return []
    return localities_near(latitude=float(town.latitude), longitude=float(town.longitude), limit=limit)


@dataclass(frozen=True)
class AreaLocalities:
    """The localities shown for a cross-border area, and how they were chosen: ``"inside"`` the outline, or
    ``"near"`` the member towns (within ``within_km``, in the area's countries other than France)."""

    method: str
    localities: list[NearbyLocality]
    within_km: float | None = None


def area_localities(*, area: CrossBorderArea, within_km: float = AREA_LOCALITIES_KM) -> AreaLocalities | None:
    """The localities inside the area's outline when it has one, otherwise those of its countries within
    ``within_km`` of a member town; None when the area has neither. Uses the prefetched towns and countries of
    ``area_get`` (one query more, for the localities)."""
    from towns.geometry import points_inside

    if area.outline:
        west, south, east, north = _outline_bounds(area.outline)
        candidates = list(
            Locality.objects.select_related("country")
            .filter(latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east)
            .order_by("name", "pk")
        )
        if not candidates:
            return AreaLocalities("inside", [])
        inside = points_inside(
            area.outline, [float(c.latitude) for c in candidates], [float(c.longitude) for c in candidates]
        )
        return AreaLocalities("inside", [_plain(c, None) for c, keep in zip(candidates, inside, strict=True) if keep])
    towns = [t for t in area.towns.all() if t.latitude is not None and t.longitude is not None]
    countries = [c.code for c in area.countries.all() if c.borders_france]
    if not towns or not countries:
        return None
    localities = localities_near_any(
        latitudes=[float(t.latitude) for t in towns],
        longitudes=[float(t.longitude) for t in towns],
        within_km=within_km,
        countries=countries,
    )
    return AreaLocalities("near", localities, within_km)


def _outline_bounds(outline: dict) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    from towns.geometry import outline_shape

    west, south, east, north = outline_shape(outline).bounds
    return tuple(Decimal(str(round(v, 5))) for v in (west - 1e-5, south - 1e-5, east + 1e-5, north + 1e-5))
