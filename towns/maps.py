"""The towns app's map points: towns, cross-border areas, localities across the border (``mot_portal.maps``).

Each function reads a constant number of queries, whatever the number of points.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mot_portal.maps import FRANCE_BBOX, GEONAMES_CREDIT, MapPoint, MapSpec, bbox_of
from towns.models import CrossBorderArea, Locality, Town

TOWNS_MAX = 2000  # a map draws at most this many communes: the PVD towns first, then the most populous
LOCALITIES_MAX = 500


def town_point(town: Town, *, layer: str = "towns", label: bool = True) -> MapPoint | None:
    """The point of one town (``None`` without coordinates)."""
    if town.latitude is None or town.longitude is None:
        return None
    return MapPoint(
        layer=layer,
        name=town.name,
        longitude=float(town.longitude),
        latitude=float(town.latitude),
        url=town.get_absolute_url(),
        kind="pvd" if town.pvd_id else "commune",
        # The country's code only when it is loaded already (select_related): one point, no query.
        country=town.border_country.code
        if town.border_country_id and "border_country" in town._state.fields_cache
        else "",
        distance=town.border_distance_km,
        label=label,
    )


def town_points(towns: QuerySet[Town], *, limit: int | None = None, label: int = 0) -> tuple[list[MapPoint], int]:
    """The points of ``towns`` (with coordinates; at most ``limit``: PVD towns first, then by population) and how
    many towns with coordinates there are. The first ``label`` points are named on the SVG. Two queries."""
    limit = TOWNS_MAX if limit is None else limit
    located = towns.filter(latitude__isnull=False, longitude__isnull=False)
    total = located.count()
    rows = (
        located.order_by(
            Case(When(pvd_id__isnull=False, then=Value(0)), default=Value(1), output_field=IntegerField()),
            "-population",
            "insee_code",
        )
        .values_list(
            "insee_code", "name", "latitude", "longitude", "pvd_id", "border_country__code", "border_distance_km"
        )
        [:limit]
    )  # fmt: skip
    prefix = reverse("towns:town_detail", kwargs={"insee_code": "00000"}).removesuffix("00000/")
    points = [
        MapPoint(
            layer="towns",
            name=name,
            longitude=float(lon),
            latitude=float(lat),
            url=f"{prefix}{code}/",
            kind="pvd" if pvd_id else "commune",
            country=country or "",
            distance=km,
            label=i < label,
        )
        for i, (code, name, lat, lon, pvd_id, country, km) in enumerate(rows)
    ]
    return points, total


def area_centres(area_ids: Iterable[int]) -> dict[int, tuple[float, float]]:
    """``{area id: (longitude, latitude)}``: the area's centre when a source gives one, else the mean position of
    its member towns. Two queries."""
    area_ids = list(area_ids)
    centres = {
        pk: (float(lon), float(lat))
        for pk, lat, lon in CrossBorderArea.objects.filter(
            pk__in=area_ids, latitude__isnull=False, longitude__isnull=False
        ).values_list("pk", "latitude", "longitude")
    }
    missing = [pk for pk in area_ids if pk not in centres]
    if missing:
        members = CrossBorderArea.towns.through.objects.filter(
            crossborderarea_id__in=missing, town__latitude__isnull=False
        ).values_list("crossborderarea_id", "town__longitude", "town__latitude")
        centres.update(mean_positions(members))
    return centres


def mean_positions(rows: Iterable[tuple[int, Decimal, Decimal]]) -> dict[int, tuple[float, float]]:
    """``{key: (mean longitude, mean latitude)}`` of ``(key, longitude, latitude)`` rows."""
    sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for key, lon, lat in rows:
        if lon is None or lat is None:
            continue
        total = sums[key]
        total[0] += float(lon)
        total[1] += float(lat)
        total[2] += 1
    return {key: (lon / n, lat / n) for key, (lon, lat, n) in sums.items()}


def area_points(areas: QuerySet[CrossBorderArea], *, label: bool = True) -> list[MapPoint]:
    """A point per area that can be placed (its centre, or the mean of its member towns). Three queries."""
    rows = list(areas.order_by("name", "pk").values_list("pk", "slug", "name"))
    centres = area_centres(pk for pk, _slug, _name in rows)
    points = []
    for pk, slug, name in rows:
        if pk in centres:
            lon, lat = centres[pk]
            url = reverse("towns:area_detail", kwargs={"slug": slug})
            points.append(
                MapPoint(layer="areas", name=name, longitude=lon, latitude=lat, url=url, kind="area", label=label)
            )
    return points


def area_outlines(areas: QuerySet[CrossBorderArea]) -> list[dict]:
    """GeoJSON features of the areas that have an outline (a Polygon or MultiPolygon). One query."""
    features = []
    for slug, name, outline in areas.exclude(outline__isnull=True).values_list("slug", "name", "outline"):
        if isinstance(outline, dict) and outline.get("type") in {"Polygon", "MultiPolygon"}:
            url = reverse("towns:area_detail", kwargs={"slug": slug})
            features.append(
                {"type": "Feature", "geometry": outline, "properties": {"name": name, "kind": "area", "url": url}}
            )
    return features


def locality_points(localities: QuerySet[Locality], *, limit: int = LOCALITIES_MAX) -> tuple[list[MapPoint], int]:
    """The localities across the border (nearest to France first, at most ``limit``) and their number. Two
    queries."""
    total = localities.count()
    rows = localities.order_by("border_distance_km", "name", "pk").values_list(
        "name", "latitude", "longitude", "country__code", "border_distance_km"
    )[:limit]
    points = [
        MapPoint(
            layer="localities",
            name=name,
            longitude=float(lon),
            latitude=float(lat),
            kind="locality",
            country=country,
            distance=km,
        )
        for name, lat, lon, country, km in rows
    ]
    return points, total


def localities_around(*, longitude: float, latitude: float, radius_degrees: float = 0.35) -> QuerySet[Locality]:
    """Localities in a box of about ``radius_degrees`` around a point (a town's neighbours across the border)."""
    return Locality.objects.filter(
        latitude__gte=latitude - radius_degrees,
        latitude__lte=latitude + radius_degrees,
        longitude__gte=longitude - radius_degrees * 1.5,
        longitude__lte=longitude + radius_degrees * 1.5,
    )


def layer_url(name: str, params: dict | None = None) -> str:
    """URL of a map-layer endpoint (``map-towns``…) with its query string."""
    from urllib.parse import urlencode

    url = reverse(name)
    params = {k: v for k, v in (params or {}).items() if v not in (None, "")}
    return f"{url}?{urlencode(params, doseq=True)}" if params else url


def home_map() -> dict:
    """The home page's map (``home_map``): the PVD towns within 30 km of a land border, and the cross-border
    areas; its text alternative is the table of those towns by country."""
    from towns.selectors import NEAR_BORDER_KM

    towns, count = town_points(Town.objects.pvd().filter(border_distance_km__lte=NEAR_BORDER_KM))
    areas = area_points(CrossBorderArea.objects.all(), label=False)
    km = int(NEAR_BORDER_KM)
    title = _("PVD towns within %(km)s km of a land border") % {"km": km}
    spec = MapSpec(
        id="home-map",
        title=str(title),
        description=str(
            _("Map of France and its neighbours: %(count)s PVD towns within %(km)s km of a land border.")
            % {"count": count, "km": km}
        ),
        points=[*areas, *towns],
        layers={
            "areas": layer_url("map-areas"),
            "towns": layer_url("map-towns", {"max_border_distance": km}),
        },
        bbox=FRANCE_BBOX,
        describedby="home-map-list",
        caption=str(title),
    )
    return {"home_map": spec}


def town_list_map(towns: QuerySet[Town], params) -> MapSpec:
    """The towns page's map: the filtered towns (all of them, not only the page shown), at most TOWNS_MAX."""
    points, count = town_points(towns)
    if count <= 40:  # a small selection: its towns are named on the map
        points = [replace(p, label=True) for p in points]
    query = {k: params.getlist(k) for k in params if k not in {"page", "sort"}}
    caption = ngettext(
        "The map shows the %(count)s town of the selection, not only this page.",
        "The map shows the %(count)s towns of the selection, not only this page.",
        count,
    ) % {"count": intcomma(count)}
    if len(points) < count:
        caption = _(
            "The map shows %(shown)s of the %(count)s towns of the selection: the PVD towns, then the most populous."
        ) % {
            "shown": intcomma(len(points)),
            "count": intcomma(count),
        }
    return MapSpec(
        id="towns-map",
        title=str(_("Map of the towns of the selection")),
        description=str(caption),
        points=points,
        layers={"towns": layer_url("map-towns", query)},
        bbox=bbox_of(points, min_span=1.0) if points else FRANCE_BBOX,
        describedby="towns-table",
        caption=str(caption),
    )


AROUND_DEGREES = 0.3  # a town's map: about 35 km around it


def town_map(
    town: Town, *, factsheets: list[MapPoint], missions: list[MapPoint], areas: Iterable[CrossBorderArea] = ()
) -> MapSpec | None:
    """A town's map: the town, the border, the PVD towns and localities across the border around it, and the
    projects and missions it takes part in (``None`` without coordinates)."""
    focus = town_point(town, layer="focus")
    if focus is None:
        return None
    lon, lat = focus.longitude, focus.latitude
    d = AROUND_DEGREES
    bbox = (lon - d * 1.5, lat - d, lon + d * 1.5, lat + d)
    bbox_param = ",".join(f"{v:.4f}" for v in bbox)
    around = (
        Town.objects.pvd()
        .exclude(pk=town.pk)
        .filter(latitude__gte=bbox[1], latitude__lte=bbox[3], longitude__gte=bbox[0], longitude__lte=bbox[2])
    )
    towns, _count = town_points(around, label=8)
    localities, _total = locality_points(
        Locality.objects.filter(
            latitude__gte=bbox[1], latitude__lte=bbox[3], longitude__gte=bbox[0], longitude__lte=bbox[2]
        )
    )
    localities = [replace(p, label=i < 8) for i, p in enumerate(localities)]
    areas = areas_at_centre((), areas=areas)
    return MapSpec(
        id="town-map",
        title=str(_("%(town)s and its surroundings") % {"town": town.name}),
        description=str(
            _(
                "Map around %(town)s: the land border, %(towns)s other PVD towns, %(localities)s localities across "
                "the border, %(factsheets)s projects and %(missions)s missions."
            )
            % {
                "town": town.name,
                "towns": len(towns),
                "localities": len(localities),
                "factsheets": len(factsheets),
                "missions": len(missions),
            }
        ),
        points=[*localities, *towns, *areas, *factsheets, *missions, focus],
        layers={
            "areas": layer_url("map-areas", {"town": town.insee_code}),
            "localities": layer_url("map-localities", {"bbox": bbox_param}),
            "towns": layer_url("map-towns", {"bbox": bbox_param}),
            "factsheets": layer_url("map-factsheets", {"town": town.insee_code}),
            "missions": layer_url("map-missions", {"town": town.insee_code}),
        },
        bbox=bbox,
        attribution=str(GEONAMES_CREDIT) if localities else "",
    )


def areas_at_centre(area_ids: Iterable[int], *, areas: Iterable[CrossBorderArea] | None = None) -> list[MapPoint]:
    """The areas ``area_ids`` (or the records ``areas``, already read) as named points at their centre (those that
    can be placed); one query for the centres (and one for the areas when not given), none without areas."""
    if areas is not None:
        areas = {a.pk: a for a in areas}
        area_ids = list(areas)
    else:
        area_ids = list(area_ids)
        areas = {
            a.pk: a for a in CrossBorderArea.objects.filter(pk__in=area_ids).only("pk", "slug", "name_fr", "name_en")
        }
    if not area_ids:
        return []
    points = []
    for pk, (lon, lat) in area_centres(area_ids).items():
        area = areas[pk]
        url = reverse("towns:area_detail", kwargs={"slug": area.slug})
        points.append(
            MapPoint(layer="areas", name=area.name, longitude=lon, latitude=lat, url=url, kind="area", label=True)
        )
    return points


def places_map(
    *, id: str, title: str, towns: Iterable[Town] = (), area_ids: Iterable[int] = (), layers: dict | None = None
) -> MapSpec | None:
    """A map of a record's places (a factsheet's or a mission's towns, an area's members, a partner's towns): its
    towns, named, and its cross-border areas at their centre (``None`` when none can be placed). The points
    travel with the page; at most two queries (the areas' centres)."""
    points = [p for p in (town_point(town) for town in towns) if p]
    points += areas_at_centre(area_ids)
    if not points:
        return None
    return MapSpec(
        id=id,
        title=title,
        description=str(
            _("Map of %(count)s places: %(names)s.")
            % {"count": len(points), "names": ", ".join(p.name for p in points[:20])}
        ),
        points=points,
        layers=layers or {},
        bbox=bbox_of(points, min_span=1.2),
    )


def list_map(*, id: str, layer: str, url_name: str, points: list[MapPoint], params, describedby: str) -> MapSpec:
    """The map of a list page (factsheets, missions): the whole filtered selection, not only the page shown."""
    query = {k: params.getlist(k) for k in params if k not in {"page", "sort"}}
    caption = ngettext(
        "The map shows the %(count)s record of the selection that can be placed, not only this page.",
        "The map shows the %(count)s records of the selection that can be placed, not only this page.",
        len(points),
    ) % {"count": intcomma(len(points))}
    return MapSpec(
        id=id,
        title=str(_("Map of the selection")),
        description=str(caption),
        points=points,
        layers={layer: layer_url(url_name, query)},
        bbox=bbox_of(points, min_span=2) if points else FRANCE_BBOX,
        describedby=describedby,
        caption=str(caption),
    )
