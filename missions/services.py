"""Writes of the missions app: missions (one service creates and one updates them, from the admin and the
loader alike), publication, roadmap versions and the seed content. A mission's rows (events, thematic groups,
partners, roadmap versions and their actions) belong to it: a change to one is refreshed as a change to the
mission, after commit (see ``mot_portal.changes``)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from editorial.sources import catalogue_load, first_publication, sources_named
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
from mot_portal.publishing import Status, status_change
from mot_portal.services import instance_save
from projects.models import Booklet, Factsheet, Theme
from towns.models import Country, CrossBorderArea, Intercommunality, Partner, Town
from workplan.models import WorkItem


@transaction.atomic
def mission_create(*, fields: Mapping[str, Any], status: str | None = None, **relations: Iterable | None) -> Mission:
    """Create a mission with its many-to-many ``relations`` (towns, intercommunalities, cross_border_areas,
    countries, themes, workplan_actions, factsheets, booklets), then move it to ``status`` when given. Atomic,
    validated; the years it covers are kept by the model."""
    return _mission_save(Mission(), fields, relations, status)


@transaction.atomic
def mission_update(
    *, mission: Mission, fields: Mapping[str, Any] | None = None, status: str | None = None, **relations
) -> Mission:
    """Change a mission: the ``fields`` given, the relations given (``None`` keeps one), then its status when
    given. Atomic, validated; its roadmap PDFs are refreshed once, after commit."""
    return _mission_save(mission, fields or {}, relations, status)


def _mission_save(mission: Mission, fields, relations, status) -> Mission:
    instance_save(instance=mission, fields=fields, relations=relations)
    if status:
        status_change(obj=mission, status=status)
    return mission


@transaction.atomic
def mission_publication_change(*, mission: Mission, status: str) -> Mission:
    """Move a mission through draft → in review → published; publishing dates it the first time. Idempotent."""
    return status_change(obj=mission, status=status)


@transaction.atomic
def roadmap_duplicate(*, roadmap: Roadmap) -> Roadmap:
    """A new draft version of ``roadmap`` (next number, undated) holding a copy of its actions, to edit
    without touching the published version."""
    version = (Roadmap.objects.filter(mission=roadmap.mission_id).aggregate(n=Max("version"))["n"] or 0) + 1
    copy = Roadmap(mission_id=roadmap.mission_id, version=version, status=Status.DRAFT)
    for lang, _name in settings.LANGUAGES:
        setattr(copy, f"summary_{lang}", getattr(roadmap, f"summary_{lang}"))
    copy.full_clean()
    copy.save()
    for action in roadmap.actions.prefetch_related("partners", "factsheets").order_by("position", "pk"):
        partners, factsheets = list(action.partners.all()), list(action.factsheets.all())
        action.pk = None
        action._state.adding = True
        action._prefetched_objects_cache = {}  # else set() below would read the original's relations as current
        action.roadmap = copy
        action.save()
        action.partners.set(partners)
        action.factsheets.set(factsheets)
    return copy


def workplan_actions_resolve(references: list[str]) -> list[WorkItem]:
    """Work-programme actions given as ``"<year>:<code>"`` (e.g. ``"2025:3.1.1"``)."""
    actions = []
    for reference in references:
        year, code = reference.split(":")
        actions.append(WorkItem.objects.get(programme__year=int(year), code=code, kind=WorkItem.Kind.ACTION))
    return actions


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _translated(entry: dict, *names: str) -> dict:
    return {
        f"{name}_{lang}": entry[f"{name}_{lang}"]
        for name in names
        for lang in ("fr", "en")
        if f"{name}_{lang}" in entry
    }


@transaction.atomic
def missions_content_load(*, path: Path) -> dict[str, int]:
    """Create the national programmes and missions of ``path`` that do not exist yet (staff edits are kept).

    Atomic: a bad entry raises and nothing is written.
    """
    content = json.loads(path.read_text(encoding="utf-8"))
    created = {"national_programmes": 0, "missions": 0}
    for entry in content.get("national_programmes", []):
        _programme, was_created = NationalProgramme.objects.get_or_create(
            slug=entry["slug"],
            defaults={
                **_translated(entry, "name"),
                "run_by": entry.get("run_by", ""),
                "website": entry.get("website", ""),
            },
        )
        created["national_programmes"] += was_created
    for entry in content.get("missions", []):
        if Mission.objects.filter(slug=entry["slug"]).exists():
            continue
        _mission_create(entry)
        created["missions"] += 1
    return created


def _mission_create(entry: dict) -> Mission:
    legacy = sorted({"status", "status_as_of"} & set(entry))
    if legacy:
        raise ValueError(f"{entry.get('slug')}: {', '.join(legacy)} is now progress / progress_as_of")
    fields = {
        "slug": entry["slug"],
        "kind": entry["kind"],
        "progress": entry.get("progress", ""),
        "progress_as_of": _date(entry.get("progress_as_of")),
        "start_date": _date(entry.get("start_date")),
        "end_date": _date(entry.get("end_date")),
        "date_precision": entry.get("date_precision", "day"),
        "partner_count": entry.get("partner_count"),
        "source_document": entry.get("source_document", ""),
        **_translated(entry, "title", "summary", "objectives", "outcomes"),
    }
    if entry.get("national_programme"):
        fields["national_programme"] = NationalProgramme.objects.get(slug=entry["national_programme"])
    sources = sources_named(entry.get("sources", []), catalogue_load())
    fields |= first_publication(sources)
    mission = mission_create(
        fields=fields,
        towns=[Town.objects.get(insee_code=code) for code in entry.get("towns", [])],
        intercommunalities=[Intercommunality.objects.get(siren=s) for s in entry.get("intercommunalities", [])],
        cross_border_areas=[CrossBorderArea.objects.get(slug=s) for s in entry.get("cross_border_areas", [])],
        countries=[Country.objects.get(code=code) for code in entry.get("countries", [])],
        themes=[Theme.objects.get(slug=slug) for slug in entry.get("themes", [])],
        workplan_actions=workplan_actions_resolve(entry.get("workplan_actions", [])),
        factsheets=[Factsheet.objects.get(slug=slug) for slug in entry.get("factsheets", [])],
        booklets=[Booklet.objects.get(slug=slug) for slug in entry.get("booklets", [])],
        sources=sources,
    )
    events = []
    for position, item in enumerate(entry.get("events", []), start=1):
        event = MissionEvent(
            mission=mission,
            kind=item["kind"],
            position=position,
            start_date=_date(item.get("start_date")),
            end_date=_date(item.get("end_date")),
            date_precision=item.get("date_precision", "day"),
            is_planned=item.get("is_planned", False),
            participants_total=item.get("participants_total"),
            participants_approximate=item.get("participants_approximate", False),
            **_translated(item, "title", "period_label", "place", "description"),
        )
        event.full_clean()
        event.save()
        for code, count in item.get("participants", {}).items():
            EventParticipation.objects.create(event=event, country=Country.objects.get(code=code), count=count)
        events.append(event)
    groups = []
    for position, item in enumerate(entry.get("thematic_groups", []), start=1):
        group = ThematicGroup(
            mission=mission,
            position=position,
            event=events[item["event"]] if item.get("event") is not None else None,
            **_translated(item, "name"),
        )
        group.full_clean()
        group.save()
        group.themes.set([Theme.objects.get(slug=slug) for slug in item.get("themes", [])])
        groups.append(group)
    for item in entry.get("partners", []):
        MissionPartner.objects.create(
            mission=mission, partner=Partner.objects.get(slug=item["partner"]), role=item["role"]
        )
    for item in entry.get("roadmaps", []):
        roadmap = Roadmap(
            mission=mission, version=item["version"], date=_date(item.get("date")), **_translated(item, "summary")
        )
        roadmap.full_clean()
        roadmap.save()
        for position, action in enumerate(item.get("actions", []), start=1):
            RoadmapAction.objects.create(
                roadmap=roadmap, position=position, **_translated(action, "title", "description")
            )
        if item.get("publish"):
            status_change(obj=roadmap, status=Status.PUBLISHED)
    if entry.get("publish"):
        mission_publication_change(mission=mission, status=Status.PUBLISHED)
    return mission


DIAGNOSTIC_TITLES = {
    "fr": "Diagnostic des opportunités transfrontalières — {town}",
    "en": "Diagnostic of cross-border opportunities — {town}",
}
PVD_PROGRAMME = "petites-villes-de-demain"


def _free_slug(base: str) -> str:
    taken = set(Mission.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


@transaction.atomic
def mission_diagnostic_start(*, town: Town) -> Mission:
    """Create a draft mission of kind "diagnostic" for ``town``, its scope prefilled from the portal's data: the
    town, its intercommunality, the neighbouring countries within 100 km, the cross-border areas it belongs to and,
    for a laureate, the Petites villes de demain programme. Not idempotent: each call creates a new draft (with a
    free slug), for staff to write and publish through the missions workflow."""
    from towns.selectors import town_border_neighbours

    countries = [country for country, _km in town_border_neighbours(town=town)]
    programme = NationalProgramme.objects.filter(slug=PVD_PROGRAMME).first() if town.is_pvd else None
    fields = {
        "slug": _free_slug(f"diagnostic-{town.insee_code}"),
        "kind": Mission.Kind.DIAGNOSTIC,
        "title_fr": DIAGNOSTIC_TITLES["fr"].format(town=town.name),
        "title_en": DIAGNOSTIC_TITLES["en"].format(town=town.name),
        "national_programme": programme,
    }  # a new mission is a draft
    return mission_create(
        fields=fields,
        towns=[town],
        intercommunalities=[town.intercommunality] if town.intercommunality_id else [],
        countries=countries,
        cross_border_areas=list(town.cross_border_areas.all()),
    )
