"""Map points of the published factsheets (``mot_portal.maps``): each placed at the mean position of its towns,
else at its cross-border area. A constant number of queries (at most four), whatever the number of factsheets."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from mot_portal.maps import MapPoint, MapSpec
from projects.models import Factsheet, FactsheetTown
from towns.maps import area_centres, mean_positions, places_map


def factsheet_points(factsheets: QuerySet[Factsheet], *, label: bool = True) -> list[MapPoint]:
    """The points of ``factsheets`` (the caller passes published ones) that can be placed."""
    records = list(
        factsheets.select_related(None)
        .prefetch_related(None)
        .order_by("pk")
        .only("pk", "slug", "title_fr", "title_en", "cross_border_area_id")
        .distinct()
    )
    ids = [f.pk for f in records]
    positions = mean_positions(
        FactsheetTown.objects.filter(factsheet_id__in=ids, town__latitude__isnull=False).values_list(
            "factsheet_id", "town__longitude", "town__latitude"
        )
    )
    areas = area_centres({f.cross_border_area_id for f in records if f.pk not in positions and f.cross_border_area_id})
    points = []
    for factsheet in records:
        position = positions.get(factsheet.pk) or areas.get(factsheet.cross_border_area_id)
        if position:
            points.append(
                MapPoint(
                    layer="factsheets",
                    name=factsheet.title,
                    longitude=position[0],
                    latitude=position[1],
                    url=factsheet.get_absolute_url(),
                    kind="factsheet",
                    label=label,
                )
            )
    return points


def factsheet_map(factsheet: Factsheet, *, id: str = "factsheet-map") -> MapSpec | None:
    """The factsheet's towns (prefetched with it) and its cross-border area on a map (page and PDF)."""
    return places_map(
        id=id,
        title=_("Where the project takes place"),
        towns=[role.town for role in factsheet.town_roles.all()],
        area_ids=[factsheet.cross_border_area_id] if factsheet.cross_border_area_id else [],
    )
