"""Map points of the published missions (``mot_portal.maps``): each placed at the mean position of its towns,
else at its cross-border areas' centre. A constant number of queries (at most five)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from missions.models import Mission
from mot_portal.maps import MapPoint, MapSpec
from towns.maps import area_centres, mean_positions, places_map


def mission_points(missions: QuerySet[Mission], *, label: bool = True) -> list[MapPoint]:
    """The points of ``missions`` (the caller passes published ones) that can be placed."""
    records = list(
        missions.select_related(None)
        .prefetch_related(None)
        .order_by("pk")
        .only("pk", "slug", "title_fr", "title_en")
        .distinct()
    )
    ids = [m.pk for m in records]
    positions = mean_positions(
        Mission.towns.through.objects.filter(mission_id__in=ids, town__latitude__isnull=False).values_list(
            "mission_id", "town__longitude", "town__latitude"
        )
    )
    missing = [pk for pk in ids if pk not in positions]
    if missing:
        links = list(
            Mission.cross_border_areas.through.objects.filter(mission_id__in=missing).values_list(
                "mission_id", "crossborderarea_id"
            )
        )
        centres = area_centres({area for _m, area in links})
        positions.update(mean_positions((mission, *centres[area]) for mission, area in links if area in centres))
    return [
        MapPoint(
            layer="missions",
            name=mission.title,
            longitude=positions[mission.pk][0],
            latitude=positions[mission.pk][1],
            url=mission.get_absolute_url(),
            kind="mission",
            label=label,
        )
        for mission in records
        if mission.pk in positions
    ]


def mission_map(mission: Mission, *, id: str = "mission-map") -> MapSpec | None:
    """The mission's territory: its towns (prefetched with it) and cross-border areas (page and roadmap PDF)."""
    return places_map(
        id=id,
        title=_("The mission's territory"),
        towns=list(mission.towns.all()),
        area_ids=[area.pk for area in mission.cross_border_areas.all()],
    )
