"""Reads of the offer shared by its pages, the API, the sitemap and the missions app's redirects.

Only published services, and only the published missions and booklets that delivered them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from missions.models import Mission
from mot_portal.publishing import Status
from projects.models import Booklet
from support.models import RetiredMission, Service

PVD_PROGRAMME = "petites-villes-de-demain"

# The kinds of mission that belong to each family of the offer: the PVD missions of these kinds are shown under
# the family on the offer page (e.g. the 2022 flash mission under local support).
FAMILY_KINDS: dict[str, tuple[str, ...]] = {
    Service.Family.TRAINING_NETWORKING: (Mission.Kind.WEBINAR, Mission.Kind.TRAINING, Mission.Kind.PUBLICATION),
    Service.Family.LOCAL_SUPPORT: (
        Mission.Kind.FLASH_MISSION,
        Mission.Kind.INDIVIDUAL_SUPPORT,
        Mission.Kind.DIAGNOSTIC,
        Mission.Kind.PROJECT_SUPPORT,
        Mission.Kind.HOTLINE,
    ),
}


@dataclass
class Family:
    value: str
    label: str
    services: list[Service]
    missions: list[Mission]


def service_list() -> QuerySet[Service]:
    """The published services with their published missions and booklets (three queries)."""
    return Service.objects.published().prefetch_related(
        Prefetch(
            "missions",
            queryset=Mission.objects.published().order_by("-start_date", "title_fr"),
            to_attr="missions_list",
        ),
        Prefetch("booklets", queryset=Booklet.objects.published().order_by("title_fr"), to_attr="booklets_list"),
    )


def service_get(*, slug: str) -> Service:
    return service_list().get(slug=slug)


def pvd_missions(*, kinds: tuple[str, ...]) -> QuerySet[Mission]:
    """The published missions of the PVD programme of these kinds, latest first."""
    return (
        Mission.objects.published()
        .filter(national_programme__slug=PVD_PROGRAMME, kind__in=kinds)
        .order_by("-start_date", "title_fr")
    )


def offer_families() -> list[Family]:
    """The offer by family: its published services and the published PVD missions of the family (four queries)."""
    services = list(service_list())
    all_kinds = tuple(kind for kinds in FAMILY_KINDS.values() for kind in kinds)
    missions = list(pvd_missions(kinds=all_kinds))
    return [
        Family(
            value=value,
            label=label,
            services=[s for s in services if s.family == value],
            missions=[m for m in missions if m.kind in FAMILY_KINDS[value]],
        )
        for value, label in Service.Family.choices
    ]


def retired_mission_service(*, mission_slug: str) -> Service | None:
    """The published service whose page replaces a retired mission's address, if any (one query)."""
    retired = (
        RetiredMission.objects.filter(mission_slug=mission_slug, service__status=Status.PUBLISHED)
        .select_related("service")
        .only("service__slug")
        .first()
    )
    return retired.service if retired else None
