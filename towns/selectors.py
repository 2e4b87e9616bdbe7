"""Reads of the towns app shared by pages, API and benchmarks."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from towns.models import Country, CrossBorderArea, Partner, Town

NEAR_BORDER_KM = Decimal(30)


def town_list(*, pvd_only: bool = True) -> QuerySet[Town]:
    towns = Town.objects.with_relations()
    return towns.pvd() if pvd_only else towns


def town_get(*, insee_code: str) -> Town:
    return Town.objects.with_relations().get(insee_code=insee_code)


def town_epci_pvd_neighbours(*, town: Town) -> QuerySet[Town]:
    """The other PVD laureates of the town's intercommunality."""
    if town.intercommunality_id is None:
        return Town.objects.none()
    return Town.objects.pvd().filter(intercommunality_id=town.intercommunality_id).exclude(pk=town.pk).order_by("name")


def home_figures() -> dict:
    """Figures of the home page, computed from the data."""
    pvd = Town.objects.pvd()
    near = pvd.filter(border_distance_km__lte=NEAR_BORDER_KM)
    per_country = list(
        Country.objects.filter(borders_france=True)
        .annotate(
            near_pvd=Count(
                "nearby_towns",
                filter=Q(nearby_towns__pvd_id__isnull=False, nearby_towns__border_distance_km__lte=NEAR_BORDER_KM),
            )
        )
        .filter(near_pvd__gt=0)
        .order_by("-near_pvd", "code")
    )
    return {
        "towns": Town.objects.count(),
        "pvd_towns": pvd.count(),
        "pvd_near_border": near.count(),
        "near_border_km": NEAR_BORDER_KM,
        "pvd_near_border_by_country": per_country,
        "partners": Partner.objects.count(),
        "areas": CrossBorderArea.objects.count(),
    }


def partner_list() -> QuerySet[Partner]:
    return Partner.objects.select_related("country").annotate(town_count=Count("towns"))


def area_list() -> QuerySet[CrossBorderArea]:
    return CrossBorderArea.objects.prefetch_related("countries").annotate(town_count=Count("towns"))
