"""A town's first diagnostic of cross-border opportunities, generated from the portal's data only.

``diagnostic_build`` reads everything the page, the API and the PDF show into a plain ``Diagnostic`` in a constant
number of queries, whatever the town and however many towns, factsheets or missions there are. Each section says
what it is based on (``SOURCES``) and is empty rather than guessed: no ranking, no score. Only published
factsheets, missions and work programmes are read.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db.models import BooleanField, Exists, Max, OuterRef, Prefetch, Q, Value
from django.utils import timezone

from missions.models import Mission
from projects.models import Factsheet, FactsheetPartner, FactsheetTown, Theme
from towns import selectors
from towns.models import Country, CrossBorderArea, DataImport, Partner, Town
from towns.selectors import NearbyLocality
from workplan.models import WorkItem

# The rules, in one place: the page and the PDF print them in their "based on" lines.
NEIGHBOURS_WITHIN_KM = selectors.NEIGHBOURS_WITHIN_KM  # a border "the town is on": a land border within 100 km
AREA_NEAR_KM = 15  # an area "near" the town: one of its member towns within 15 km of the town's centroid
PEERS = 5  # the nearest PVD towns on the same border
SMALL_TOWN_WORDS = ("petites villes", "pvd")  # work-programme items "addressed to small towns" name these


@dataclass(frozen=True)
class Neighbour:
    country: Country
    distance_km: float


@dataclass(frozen=True)
class AreaEntry:
    """A cross-border area and why it is listed: ``"town"`` (the town is a member), ``"epci"`` (another town of
    its intercommunality is) or ``"near"`` (a member town lies ``distance_km`` from the town)."""

    area: CrossBorderArea
    relation: str
    distance_km: float | None = None
    via_town: str = ""


@dataclass(frozen=True)
class PartnerEntry:
    partner: Partner
    relations: tuple[str, ...]  # "town", "epci", "area"


@dataclass(frozen=True)
class PartnerGroup:
    country: Country
    level: str
    level_label: str
    partners: list[PartnerEntry]


@dataclass(frozen=True)
class FactsheetEntry:
    """A published factsheet and why it is listed: the town takes part (``role``), it is on a border the town is
    on (``countries``), in an area of the town (``area``), or on one of the town's themes (``themes``)."""

    factsheet: Factsheet
    takes_part: bool
    role: str
    countries: tuple[Country, ...]
    area: CrossBorderArea | None
    themes: tuple[Theme, ...]


@dataclass(frozen=True)
class MissionEntry:
    mission: Mission
    relation: str  # "town", "epci" or "department"


@dataclass(frozen=True)
class WorkItemEntry:
    item: WorkItem
    small_towns: bool
    themes: tuple[str, ...]  # names of the matching Cross-border Deal themes


@dataclass(frozen=True)
class Peer:
    town: Town
    distance_km: float


@dataclass
class Diagnostic:
    """Everything a town's diagnostic shows, as plain data (page, API and PDF share it)."""

    town: Town
    as_of: datetime.date | None
    neighbours: list[Neighbour]
    localities: list[NearbyLocality]
    areas: list[AreaEntry]
    partner_groups: list[PartnerGroup]
    themes: list[Theme]
    factsheets: list[FactsheetEntry]
    missions: list[MissionEntry]
    work_items: list[WorkItemEntry]
    epci_pvd_towns: list[Town]
    border_peers: list[Peer]
    peer_country: Country | None
    rules: dict = field(default_factory=dict)

    @property
    def own_factsheets(self) -> list[FactsheetEntry]:
        return [e for e in self.factsheets if e.takes_part]

    @property
    def border_factsheets(self) -> list[FactsheetEntry]:
        return [e for e in self.factsheets if not e.takes_part and (e.countries or e.area)]

    @property
    def theme_factsheets(self) -> list[FactsheetEntry]:
        return [e for e in self.factsheets if not e.takes_part and not (e.countries or e.area) and e.themes]

    @property
    def partner_count(self) -> int:
        return sum(len(g.partners) for g in self.partner_groups)

    @property
    def areas_belongs(self) -> list[AreaEntry]:
        return [e for e in self.areas if e.relation != "near"]

    @property
    def areas_near(self) -> list[AreaEntry]:
        return [e for e in self.areas if e.relation == "near"]


def _as_of() -> datetime.date | None:
    """The date of the data: the latest import of the open data (communes, borders, localities, content)."""
    latest = DataImport.objects.aggregate(latest=Max("imported_at"))["latest"]
    return timezone.localdate(latest) if latest else None


def _areas(town: Town) -> list[AreaEntry]:
    """The areas the town or another town of its intercommunality belongs to, then those with a member town
    within AREA_NEAR_KM (two queries: the memberships concerned, then the areas)."""
    from towns.geometry import geodesic_km

    membership = CrossBorderArea.towns.through.objects
    condition = Q(town=town)
    if town.intercommunality_id:
        condition |= Q(town__intercommunality=town.intercommunality_id)
    located = town.latitude is not None and town.longitude is not None
    if located:
        lat, lon = float(town.latitude), float(town.longitude)
        box = selectors._degree_box([lat], [lon], AREA_NEAR_KM)
        condition |= Q(**{f"town__{k}": v for k, v in box.children})
    rows = list(
        membership.filter(condition)
        .order_by("crossborderarea_id", "town__name", "town_id")
        .values_list(
            "crossborderarea_id",
            "town_id",
            "town__name",
            "town__intercommunality_id",
            "town__latitude",
            "town__longitude",
        )
    )
    found: dict[int, tuple] = {}
    for area_id, town_id, name, epci_id, lat_, lon_ in rows:
        if town_id == town.pk:
            found[area_id] = ("town", None, "")
        elif area_id in found and found[area_id][0] == "town":
            continue
        elif town.intercommunality_id and epci_id == town.intercommunality_id:
            found[area_id] = ("epci", None, name)
        elif located and lat_ is not None and lon_ is not None:
            km = round(float(geodesic_km(lat, lon, float(lat_), float(lon_))), 1)
            nearer = area_id not in found or (found[area_id][0] == "near" and km < found[area_id][1])
            if km <= AREA_NEAR_KM and nearer:
                found[area_id] = ("near", km, name)
    if not found:
        return []
    areas = CrossBorderArea.objects.filter(pk__in=found).prefetch_related("countries").order_by("name_fr")
    order = {"town": 0, "epci": 1, "near": 2}
    entries = [AreaEntry(a, found[a.pk][0], found[a.pk][1], found[a.pk][2]) for a in areas]
    return sorted(entries, key=lambda e: (order[e.relation], e.distance_km or 0, e.area.name))


def _partners(town: Town, area_ids: list[int]) -> list[PartnerGroup]:
    """Partners working with the town, with its intercommunality (the EPCI's own record, or a partner of another
    of its towns), or taking part in a published factsheet of one of its areas; by country and competence level."""
    relations: dict[int, set[str]] = defaultdict(set)
    for pk in Partner.towns.through.objects.filter(town=town).values_list("partner_id", flat=True):
        relations[pk].add("town")
    if town.intercommunality_id:
        epci = Q(intercommunality=town.intercommunality_id) | Q(
            pk__in=Partner.towns.through.objects.filter(town__intercommunality=town.intercommunality_id).values(
                "partner_id"
            )
        )
        for pk in Partner.objects.filter(epci).values_list("pk", flat=True):
            relations[pk].add("epci")
    if area_ids:
        in_areas = FactsheetPartner.objects.filter(
            factsheet__status="published", factsheet__cross_border_area__in=area_ids
        ).values_list("partner_id", flat=True)
        for pk in in_areas:
            relations[pk].add("area")
    if not relations:
        return []
    partners = Partner.objects.filter(pk__in=relations).select_related("country").order_by("name_fr", "pk")
    levels = {value: (i, label) for i, (value, label) in enumerate(Partner.CompetenceLevel.choices)}
    groups: dict[tuple[str, str], list[PartnerEntry]] = defaultdict(list)
    countries: dict[str, Country] = {}
    order = ("town", "epci", "area")
    for partner in partners:
        countries[partner.country.code] = partner.country
        entry = PartnerEntry(partner, tuple(r for r in order if r in relations[partner.pk]))
        groups[(partner.country.code, partner.competence_level)].append(entry)
    france_first = sorted(groups, key=lambda key: (key[0] != "FR", key[0], levels.get(key[1], (99, ""))[0]))
    return [
        PartnerGroup(countries[code], level, str(levels.get(level, (0, level))[1]), groups[(code, level)])
        for code, level in france_first
    ]


def _themes(town: Town) -> list[Theme]:
    """The themes of the published factsheets the town (or its intercommunality) takes part in and of the
    published missions covering it (one query)."""
    towns = Q(town=town)
    if town.intercommunality_id:
        towns |= Q(town__intercommunality=town.intercommunality_id)
    factsheets = FactsheetTown.objects.filter(towns, factsheet__status="published").values("factsheet_id")
    missions = Mission.objects.published().filter(pk__in=_covering(town)).values("pk")
    return list(
        Theme.objects.filter(
            Q(pk__in=Factsheet.themes.through.objects.filter(factsheet__in=factsheets).values("theme_id"))
            | Q(pk__in=Mission.themes.through.objects.filter(mission__in=missions).values("theme_id"))
        )
        .select_related("deal_theme")
        .order_by("position", "slug")
    )


def _covering(town: Town) -> Q:
    condition = Q(towns=town)
    if town.intercommunality_id:
        condition |= Q(intercommunalities=town.intercommunality_id)
    return Mission.objects.filter(condition).values("pk")


def _factsheets(town: Town, codes: set[str], area_ids: list[int], themes: list[Theme]) -> list[FactsheetEntry]:
    """Published factsheets the town takes part in, on a border it is on (a country of the factsheet, or the
    nearest border of one of its towns, is one the town has within NEIGHBOURS_WITHIN_KM), in one of its areas, or
    on one of its themes (four queries: the factsheets, their countries, themes and towns' roles)."""
    theme_ids = [t.pk for t in themes]
    condition = Q(pk__in=FactsheetTown.objects.filter(town=town).values("factsheet_id"))
    if codes:
        on_border = Factsheet.countries.through.objects.filter(country__code__in=codes)
        condition |= Q(pk__in=on_border.values("factsheet_id"))
        condition |= Q(pk__in=FactsheetTown.objects.filter(town__border_country__code__in=codes).values("factsheet_id"))
    if area_ids:
        condition |= Q(cross_border_area__in=area_ids)
    if theme_ids:
        condition |= Q(pk__in=Factsheet.themes.through.objects.filter(theme__in=theme_ids).values("factsheet_id"))
    roles = FactsheetTown.objects.select_related("town__border_country").order_by("pk")
    factsheets = (
        Factsheet.objects.published()
        .filter(condition)
        .select_related("cross_border_area")
        .prefetch_related("countries", "themes", Prefetch("town_roles", queryset=roles))
        .order_by("title_fr", "pk")
    )
    entries = []
    for factsheet in factsheets:
        own = [r for r in factsheet.town_roles.all() if r.town_id == town.pk]
        border = {c.code: c for c in factsheet.countries.all() if c.code in codes}
        for role in factsheet.town_roles.all():
            country = role.town.border_country
            if country is not None and country.code in codes:
                border.setdefault(country.code, country)
        area = factsheet.cross_border_area if factsheet.cross_border_area_id in area_ids else None
        matching = tuple(t for t in factsheet.themes.all() if t.pk in theme_ids)
        entries.append(
            FactsheetEntry(
                factsheet=factsheet,
                takes_part=bool(own),
                role=own[0].role if own else "",
                countries=tuple(sorted(border.values(), key=lambda c: c.code)),
                area=area,
                themes=matching,
            )
        )
    return entries


def _missions(town: Town) -> list[MissionEntry]:
    """Published missions covering the town, its intercommunality, or a town or intercommunality of its department
    (one query)."""
    department = Q(towns__department=town.department_id) | Q(intercommunalities__towns__department=town.department_id)
    in_department = Mission.objects.filter(department).values("pk")
    through = Mission.intercommunalities.through.objects.filter(mission=OuterRef("pk"))
    missions = (
        Mission.objects.published()
        .filter(Q(pk__in=_covering(town)) | Q(pk__in=in_department))
        .select_related("national_programme")
        .annotate(
            direct=Exists(Mission.towns.through.objects.filter(mission=OuterRef("pk"), town=town)),
            via_epci=Exists(through.filter(intercommunality=town.intercommunality_id))
            if town.intercommunality_id
            else Value(False, output_field=BooleanField()),
        )
        .order_by("title_fr", "pk")
    )
    entries = [MissionEntry(m, "town" if m.direct else "epci" if m.via_epci else "department") for m in missions]
    order = {"town": 0, "epci": 1, "department": 2}
    return sorted(entries, key=lambda e: order[e.relation])


def _work_items(town: Town, themes: list[Theme]) -> list[WorkItemEntry]:
    """For a PVD laureate, the actions and activity lines of published work programmes whose text names small
    towns (SMALL_TOWN_WORDS); for any town, the actions referring to a Cross-border Deal theme of its themes (two
    queries; none when neither applies)."""
    deal_ids = {t.deal_theme_id for t in themes if t.deal_theme_id}
    condition = Q(pk__in=[])
    if town.is_pvd:
        small = Q()
        for word in SMALL_TOWN_WORDS:
            small |= Q(text__icontains=word)
        condition |= Q(kind__in=[WorkItem.Kind.ACTION, WorkItem.Kind.LINE]) & small
    if deal_ids:
        condition |= Q(kind=WorkItem.Kind.ACTION, deal_themes__in=deal_ids)
    if not town.is_pvd and not deal_ids:
        return []
    items = (
        WorkItem.objects.published()
        .filter(pk__in=WorkItem.objects.filter(condition).values("pk"))
        .select_related("programme")
        .prefetch_related("deal_themes")
        .order_by("-programme__year", "position", "pk")
    )
    entries = []
    for item in items:
        text = item.text.lower()
        is_small = town.is_pvd and any(_names(text, word) for word in SMALL_TOWN_WORDS)
        matching = tuple(d.name for d in item.deal_themes.all() if d.pk in deal_ids)
        if is_small or matching:
            entries.append(WorkItemEntry(item, is_small, matching))
    return entries


def _names(text: str, word: str) -> bool:
    """``word`` in ``text`` as a word (SQL's icontains also finds "pvd" inside a longer word)."""
    return re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", text) is not None


def _peers(town: Town) -> tuple[list[Peer], Country | None]:
    """For a town within NEIGHBOURS_WITHIN_KM of its nearest land border: the PVD towns, other than this one,
    whose nearest land border is with the same country and within that distance, nearest first (geodesic distance
    between centroids), at most PEERS (one query; none for a town farther from any border)."""
    from towns.geometry import geodesic_km

    on_border = town.border_distance_km is not None and town.border_distance_km <= NEIGHBOURS_WITHIN_KM
    if not on_border or town.latitude is None or town.longitude is None:
        return [], None
    candidates = list(
        Town.objects.pvd()
        .filter(border_country=town.border_country_id, border_distance_km__lte=NEIGHBOURS_WITHIN_KM)
        .filter(latitude__isnull=False, longitude__isnull=False)
        .exclude(pk=town.pk)
        .select_related("department")
        .order_by("pk")
    )
    if not candidates:
        return [], town.border_country
    km = geodesic_km(
        float(town.latitude),
        float(town.longitude),
        np.array([float(t.latitude) for t in candidates]),
        np.array([float(t.longitude) for t in candidates]),
    )
    nearest = sorted(zip(km.tolist(), [t.name for t in candidates], candidates, strict=True), key=lambda x: x[:2])
    return [Peer(t, round(d, 1)) for d, _n, t in nearest[:PEERS]], town.border_country


def diagnostic_build(*, town: Town) -> Diagnostic:
    """The diagnostic of ``town`` (read with ``Town.objects.with_relations()``), in a constant number of queries."""
    neighbours = [Neighbour(c, km) for c, km in selectors.town_border_neighbours(town=town)]
    codes = {n.country.code for n in neighbours}
    areas = _areas(town)
    area_ids = [e.area.pk for e in areas if e.relation != "near"]
    themes = _themes(town)
    peers, peer_country = _peers(town)
    return Diagnostic(
        town=town,
        as_of=_as_of(),
        neighbours=neighbours,
        localities=selectors.town_nearest_localities(town=town),
        areas=areas,
        partner_groups=_partners(town, area_ids),
        themes=themes,
        factsheets=_factsheets(town, codes, area_ids, themes),
        missions=_missions(town),
        work_items=_work_items(town, themes),
        epci_pvd_towns=list(selectors.town_epci_pvd_neighbours(town=town).select_related("department")),
        border_peers=peers,
        peer_country=peer_country,
        rules={
            "neighbours_km": NEIGHBOURS_WITHIN_KM,
            "localities_km": int(selectors.NEAREST_LOCALITIES_KM),
            "localities_max": selectors.NEAREST_LOCALITIES,
            "area_near_km": AREA_NEAR_KM,
            "peers": PEERS,
        },
    )


def diagnostic_map(diagnostic: Diagnostic):
    """The diagnostic's map (``towns.maps.town_map``): the town, the border, PVD towns and localities around it,
    the areas it belongs to, and the published projects and missions of the town or its intercommunality (None
    without coordinates)."""
    from missions.maps import mission_points
    from projects.maps import factsheet_points
    from towns.maps import town_map

    town = diagnostic.town
    if town.latitude is None or town.longitude is None:
        return None
    own = [e.factsheet.pk for e in diagnostic.own_factsheets]
    covering = [e.mission.pk for e in diagnostic.missions if e.relation != "department"]
    return town_map(
        town,
        factsheets=factsheet_points(Factsheet.objects.published().filter(pk__in=own)) if own else [],
        missions=mission_points(Mission.objects.published().filter(pk__in=covering)) if covering else [],
        areas=[e.area for e in diagnostic.areas_belongs],
    )
