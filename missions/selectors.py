"""Reads of the missions app shared by pages, API, sitemap and the other apps' pages.

Only published missions (and published roadmap versions, factsheets and booklets) unless drafts are asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, Value, When

from missions.filters import missions_covering_town
from missions.models import (
    EventParticipation,
    Mission,
    MissionEvent,
    MissionPartner,
    NationalProgramme,
    Roadmap,
    RoadmapAction,
    ThematicGroup,
)
from mot_portal.facets import ChoiceFacet, RelatedFacet, YearSpanFacet
from mot_portal.publishing import Status
from projects.models import Booklet, Factsheet, Theme
from towns.models import Country, CrossBorderArea, Partner, Town
from workplan.models import WorkItem

FRANCE = "FR"


def _published(model, include_drafts: bool) -> QuerySet:
    return model.objects.all() if include_drafts else model.objects.published()


def _prefetch(name: str, queryset=None, *, lists: bool) -> Prefetch:
    """A Prefetch that, with ``lists``, stores a plain list as ``<name>_list`` on each record: Django then skips
    building a filtered queryset per record, which is most of the cost of a page of full API records."""
    return Prefetch(name, queryset=queryset, to_attr=f"{name}_list" if lists else None)


def related(obj, name: str) -> list:
    """The records of a relation of ``obj``, prefetched as a list (``<name>_list``) or as a queryset."""
    prefetched = getattr(obj, f"{name}_list", None)
    return prefetched if prefetched is not None else list(getattr(obj, name).all())


def with_card_relations(
    queryset: QuerySet[Mission], *, towns: QuerySet[Town] | None = None, lists: bool = False
) -> QuerySet[Mission]:
    """What a mission card in a list shows, in a constant number of queries."""
    return queryset.select_related("national_programme").prefetch_related(
        _prefetch("countries", Country.objects.order_by("code"), lists=lists),
        _prefetch("themes", Theme.objects.order_by("position", "slug"), lists=lists),
        _prefetch("towns", towns if towns is not None else Town.objects.order_by("name"), lists=lists),
        _prefetch("cross_border_areas", CrossBorderArea.objects.order_by("name_fr"), lists=lists),
    )


france_first = Case(When(country__code=FRANCE, then=Value(0)), default=Value(1))


def with_relations(queryset: QuerySet[Mission], *, include_drafts: bool = False, lists: bool = False):
    """Everything a mission page or API record shows, in a constant number of queries (with ``lists``, every
    relation as a ``<name>_list`` attribute: see ``related``)."""
    roadmaps = Roadmap.objects.all() if include_drafts else Roadmap.objects.filter(status=Status.PUBLISHED)
    actions = RoadmapAction.objects.select_related("theme", "thematic_group", "lead__country").prefetch_related(
        _prefetch("partners", Partner.objects.select_related("country").order_by("name_fr"), lists=lists),
        _prefetch("factsheets", _published(Factsheet, include_drafts).order_by("title_fr"), lists=lists),
    )
    participations = EventParticipation.objects.select_related("country").order_by(france_first, "country__code")
    events = MissionEvent.objects.order_by("position", "start_date", "pk").prefetch_related(
        _prefetch("thematic_groups", ThematicGroup.objects.order_by("position", "pk"), lists=lists),
        _prefetch("participations", participations, lists=lists),
    )
    groups = (
        ThematicGroup.objects.select_related("event")
        .prefetch_related(_prefetch("themes", Theme.objects.order_by("position", "slug"), lists=lists))
        .order_by("position", "pk")
    )
    towns = Town.objects.select_related("department").order_by("name")
    workplan_actions = WorkItem.objects.published().select_related("programme").order_by("-programme__year", "position")
    return with_card_relations(queryset, towns=towns, lists=lists).prefetch_related(
        _prefetch("intercommunalities", lists=lists),
        _prefetch("workplan_actions", workplan_actions, lists=lists),
        _prefetch("factsheets", _published(Factsheet, include_drafts).order_by("title_fr"), lists=lists),
        _prefetch("booklets", _published(Booklet, include_drafts).order_by("-edition_date", "title_fr"), lists=lists),
        _prefetch("events", events, lists=lists),
        _prefetch("thematic_groups", groups, lists=lists),
        _prefetch(
            "partner_roles",
            MissionPartner.objects.select_related("partner__country").order_by("partner__name_fr", "role"),
            lists=lists,
        ),
        _prefetch(
            "roadmaps",
            roadmaps.order_by("-version").prefetch_related(
                _prefetch("actions", actions.order_by("position", "pk"), lists=lists)
            ),
            lists=lists,
        ),
    )


def home_figures() -> dict:
    """The home page's count of published missions (``mission_count``)."""
    return {"mission_count": Mission.objects.published().count()}


def mission_list(*, include_drafts: bool = False) -> QuerySet[Mission]:
    return with_card_relations(_published(Mission, include_drafts))


def mission_get(*, slug: str, include_drafts: bool = False) -> Mission:
    return with_relations(_published(Mission, include_drafts), include_drafts=include_drafts).get(slug=slug)


def mission_context(mission: Mission, roadmap: Roadmap | None) -> dict:
    """What a mission's page and its roadmap PDF show besides the mission: matrix, participants, the roadmap
    and its actions grouped by theme."""
    return {
        "mission": mission,
        "matrix": partner_matrix(mission, france=france()),
        "participants": participants_by_country(mission),
        "roadmap": roadmap,
        "roadmap_groups": roadmap_groups(roadmap) if roadmap else [],
    }


def current_roadmap(mission: Mission) -> Roadmap | None:
    """The latest version among the (prefetched) roadmaps the reader may see."""
    roadmaps = related(mission, "roadmaps")
    return roadmaps[0] if roadmaps else None


# --- Partner matrix -------------------------------------------------------------------------------


@dataclass
class MatrixRow:
    level: str
    label: str
    cells: list[list[MissionPartner]]


@dataclass
class PartnerMatrix:
    """Partners engaged in a mission, by competence level (rows) and country (columns); every cell is
    present, empty or not, so the map reads the same for every mission."""

    countries: list[Country]
    rows: list[MatrixRow] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(cell for row in self.rows for cell in row.cells)


def france() -> Country | None:
    return Country.objects.filter(code=FRANCE).first()


def partner_matrix(mission: Mission, *, france: Country | None) -> PartnerMatrix:
    """France (``france``, looked up once by the caller) first, then the mission's neighbouring countries
    and any other partner's country, by code."""
    roles = related(mission, "partner_roles")
    countries = {c.code: c for c in related(mission, "countries")}
    for role in roles:
        countries.setdefault(role.partner.country.code, role.partner.country)
    if france is not None:
        countries.setdefault(FRANCE, france)
    columns = sorted(countries.values(), key=lambda c: (c.code != FRANCE, c.code))
    matrix = PartnerMatrix(countries=columns)
    for level, label in Partner.CompetenceLevel.choices:
        cells = [
            [r for r in roles if r.partner.country.code == country.code and r.partner.competence_level == level]
            for country in columns
        ]
        matrix.rows.append(MatrixRow(level=level, label=str(label), cells=cells))
    return matrix


# --- Roadmap --------------------------------------------------------------------------------------


@dataclass
class ActionGroup:
    key: str
    label: str
    actions: list[RoadmapAction]


def roadmap_groups(roadmap: Roadmap) -> list[ActionGroup]:
    """The (prefetched) actions grouped by theme, else by thematic group, in theme order; actions with
    neither come last. Within a group, the roadmap's order."""
    groups: dict[str, ActionGroup] = {}
    order: dict[str, tuple] = {}
    for action in related(roadmap, "actions"):
        if action.theme is not None:
            key, label, rank = f"theme:{action.theme.slug}", action.theme.name, (0, action.theme.position)
        elif action.thematic_group is not None:
            group = action.thematic_group
            key, label, rank = f"group:{group.pk}", group.name, (1, group.position)
        else:
            key, label, rank = "other", "", (2, 0)
        groups.setdefault(key, ActionGroup(key=key, label=label, actions=[])).actions.append(action)
        order.setdefault(key, rank)
    return sorted(groups.values(), key=lambda g: order[g.key])


# --- Participants ---------------------------------------------------------------------------------


def participants_by_country(mission: Mission) -> list[dict]:
    """Per country, the participants counted across the mission's events (None when no count is known)."""
    totals: dict[str, dict] = {}
    for event in related(mission, "events"):
        for participation in related(event, "participations"):
            entry = totals.setdefault(participation.country.code, {"country": participation.country, "count": None})
            if participation.count is not None:
                entry["count"] = (entry["count"] or 0) + participation.count
    return sorted(totals.values(), key=lambda e: (e["country"].code != FRANCE, e["country"].code))


# --- Facets ---------------------------------------------------------------------------------------


# The facets of the missions list (page and counts: mot_portal.facets.faceted_list, one query each).
FACETS = (
    ChoiceFacet("kind", Mission, "kind", Mission.Kind.choices),
    YearSpanFacet("year", Mission, "first_year", "last_year"),
    RelatedFacet("country", Country, "missions", "code", label=lambda c: c.name, order=("code",)),
    RelatedFacet("theme", Theme, "missions", "slug", label=lambda t: t.name, order=("position", "slug")),
    # Towns the missions name directly (a town covered only through its intercommunality is found by the filter,
    # but listing every commune of every intercommunality would make an unusable list).
    RelatedFacet("town", Town, "missions", "insee_code", label=lambda t: t.name, order=("name", "insee_code")),
    RelatedFacet("programme", NationalProgramme, "missions", "slug", label=lambda p: p.name, order=("name_fr",)),
)


# --- Traceability from the other apps -------------------------------------------------------------


def town_missions(*, town: Town) -> list[dict]:
    """The published missions covering a town, directly or through its intercommunality."""
    missions = (
        Mission.objects.published()
        .filter(pk__in=missions_covering_town(town))
        .annotate(direct=Count("towns", filter=Q(towns=town)))
        .order_by(F("first_year").desc(nulls_last=True), "title_fr")
    )
    return [{"mission": m, "through_intercommunality": not m.direct} for m in missions]


def partner_missions(*, partner: Partner) -> list[dict]:
    """Published missions a partner is engaged in, with its roles in each."""
    roles: dict[int, dict] = {}
    for role in MissionPartner.objects.filter(partner=partner, mission__status=Status.PUBLISHED).select_related(
        "mission"
    ):
        roles.setdefault(role.mission_id, {"mission": role.mission, "roles": []})["roles"].append(
            role.get_role_display()
        )
    return sorted(roles.values(), key=lambda e: e["mission"].title)


def area_missions(*, area: CrossBorderArea) -> QuerySet[Mission]:
    return Mission.objects.published().filter(cross_border_areas=area).order_by("title_fr")


def factsheet_missions(*, factsheet: Factsheet) -> dict:
    """Published missions related to a factsheet, and actions of published roadmaps that refer to it."""
    missions = Mission.objects.published().filter(factsheets=factsheet).order_by("title_fr")
    actions = (
        RoadmapAction.objects.filter(factsheets=factsheet, roadmap__in=Roadmap.objects.published())
        .select_related("roadmap__mission")
        .order_by("roadmap__mission__title_fr", "-roadmap__version", "position")
    )
    return {"missions": list(missions), "roadmap_actions": list(actions)}


def workitem_missions(*, item: WorkItem) -> QuerySet[Mission]:
    """Published missions implementing this action, or any action under this axis or sub-axis."""
    actions = WorkItem.objects.filter(programme=item.programme_id, kind=WorkItem.Kind.ACTION).filter(
        Q(pk=item.pk) | Q(code__startswith=f"{item.code}.")
    )
    links = Mission.workplan_actions.through.objects.filter(workitem__in=actions.values("pk"))
    return (
        mission_list()
        .filter(pk__in=links.values("mission"))
        .order_by(F("first_year").desc(nulls_last=True), "title_fr")
    )
