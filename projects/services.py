"""Writes of the projects app: themes, factsheets and booklets. One service creates and one updates each of
them, whatever the entry point (admin, API, loader): they validate, sanitise (through the models), keep the
resized photo and the search documents in step, and change the publication status through the shared workflow.
What they change is refreshed after commit (see ``mot_portal.changes``)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from editorial.sources import catalogue_load, first_publication, sources_named
from mot_portal import changes
from mot_portal.publishing import Status, status_change
from mot_portal.services import instance_save
from mot_portal.uploads import UNREADABLE, bounded_jpeg_copy
from projects.models import Booklet, BookletEntry, Factsheet, FactsheetPartner, FactsheetTown, Theme
from projects.search import factsheet_search_refresh
from towns.models import Country, CrossBorderArea, Partner, Town
from workplan.models import DealTheme

PHOTO_MAX_WIDTH = 1600


def photo_resized_copy(*, source, max_width: int = PHOTO_MAX_WIDTH) -> ContentFile:
    """A JPEG copy of the image ``source`` at most ``max_width`` wide (pages and PDFs never load originals), made
    in bounded memory (see ``mot_portal.uploads``)."""
    return bounded_jpeg_copy(source, max_width=max_width)


def _photo_refresh(factsheet: Factsheet) -> None:
    """Keep ``photo_resized`` in step with ``photo``: made when a photo is set, removed with it. Idempotent. The
    copy is written around ``save()``, so the change is recorded here (the PDFs show the copy)."""
    if not factsheet.photo:
        if factsheet.photo_resized:
            factsheet.photo_resized.delete(save=False)
            Factsheet.objects.filter(pk=factsheet.pk).update(photo_resized="")
            changes.record(Factsheet, [factsheet.pk], fields={"photo_resized"})
        return
    stem = Path(factsheet.photo.name).stem
    if factsheet.photo_resized and _copy_of(Path(factsheet.photo_resized.name).stem, stem):
        return
    try:
        copy = photo_resized_copy(source=factsheet.photo)
    except UNREADABLE:  # damaged past what the upload checks read (e.g. a truncated WebP): nothing is saved
        message = _("This image could not be read: it may be damaged. Export it again.")
        raise ValidationError({"photo": message}) from None
    factsheet.photo_resized.save(f"{stem}.jpg", copy, save=False)
    Factsheet.objects.filter(pk=factsheet.pk).update(photo_resized=factsheet.photo_resized.name)
    changes.record(Factsheet, [factsheet.pk], fields={"photo_resized"})


def _copy_of(copy_stem: str, stem: str) -> bool:
    """Whether a resized file is the copy of the photo ``stem``: the same name, or the name the storage gave it
    when one was taken (``stem_AbC1234``)."""
    return copy_stem == stem or bool(re.fullmatch(rf"{re.escape(stem)}_[A-Za-z0-9]{{7}}", copy_stem))


# --- Themes -------------------------------------------------------------------------------------------------------


def theme_create(*, fields: Mapping[str, Any]) -> Theme:
    """Create a theme (shared by factsheets, missions and roadmaps). Atomic, validated."""
    return instance_save(instance=Theme(), fields=fields)


def theme_update(*, theme: Theme, fields: Mapping[str, Any]) -> Theme:
    """Change a theme; a new name reaches every page and PDF that shows it. Atomic, validated."""
    return instance_save(instance=theme, fields=fields)


# --- Factsheets ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TownRole:
    town: Town
    role: str


@dataclass(frozen=True)
class PartnerRole:
    partner: Partner
    role: str


@transaction.atomic
def factsheet_create(
    *,
    fields: Mapping[str, Any],
    countries: Iterable[Country] | None = None,
    themes: Iterable[Theme] | None = None,
    town_roles: Iterable[TownRole] | None = None,
    partner_roles: Iterable[PartnerRole] | None = None,
    status: str | None = None,
    sources: Iterable | None = None,
) -> Factsheet:
    """Create a factsheet with its relations, then move it to ``status`` when given (publishing dates it). Atomic
    and validated; makes the resized photo and the search documents. After commit, its documents are prepared
    when it is published (``PDF_RENDER_ON_PUBLISH``)."""
    return _factsheet_save(Factsheet(), fields, countries, themes, town_roles, partner_roles, status, sources)


@transaction.atomic
def factsheet_update(
    *,
    factsheet: Factsheet,
    fields: Mapping[str, Any] | None = None,
    countries: Iterable[Country] | None = None,
    themes: Iterable[Theme] | None = None,
    town_roles: Iterable[TownRole] | None = None,
    partner_roles: Iterable[PartnerRole] | None = None,
    status: str | None = None,
    sources: Iterable | None = None,
) -> Factsheet:
    """Change a factsheet: the ``fields`` given, the relations given (``None`` leaves one unchanged; the town and
    partner rows given replace the present ones), then its status when given. Atomic and validated; keeps the
    resized photo and the search documents in step. After commit, the documents that show it (its own, its
    booklets') are refreshed once."""
    return _factsheet_save(factsheet, fields or {}, countries, themes, town_roles, partner_roles, status, sources)


def _factsheet_save(factsheet, fields, countries, themes, town_roles, partner_roles, status, sources=None):
    relations = {"countries": countries, "themes": themes, "sources": sources}
    instance_save(instance=factsheet, fields=fields, relations=relations)
    if town_roles is not None:
        _rows_replace(factsheet.town_roles, FactsheetTown, {"factsheet": factsheet}, town_roles, ("town", "role"))
    if partner_roles is not None:
        rows = partner_roles
        _rows_replace(factsheet.partner_roles, FactsheetPartner, {"factsheet": factsheet}, rows, ("partner", "role"))
    _photo_refresh(factsheet)
    factsheet_search_refresh(factsheet=factsheet)
    if status:
        status_change(obj=factsheet, status=status)
    return factsheet


def _rows_replace(manager, model, owner: dict, wanted: Iterable, key: tuple[str, ...]) -> None:
    """Make the rows of ``manager`` exactly ``wanted`` (objects with the ``key`` attributes): rows already there
    are kept, the others deleted, the missing ones created."""
    wanted_keys = {
        tuple(getattr(getattr(item, name), "pk", getattr(item, name)) for name in key): item for item in wanted
    }
    attnames = [model._meta.get_field(name).attname for name in key]
    existing = {tuple(row[1:]): row[0] for row in manager.values_list("pk", *attnames)}
    stale = [pk for row_key, pk in existing.items() if row_key not in wanted_keys]
    if stale:
        manager.filter(pk__in=stale).delete()
    new = [model(**owner, **{name: getattr(item, name) for name in key})
           for row_key, item in wanted_keys.items() if row_key not in existing]  # fmt: skip
    for row in new:
        row.full_clean(exclude=list(owner))
        row.save()


# --- Booklets -----------------------------------------------------------------------------------------------------


@transaction.atomic
def booklet_create(
    *,
    fields: Mapping[str, Any],
    factsheets: Sequence[Factsheet] | None = None,
    status: str | None = None,
    sources: Iterable | None = None,
) -> Booklet:
    """Create a booklet with its factsheets in order, then move it to ``status`` when given. Atomic, validated."""
    return _booklet_save(Booklet(), fields, factsheets, status, sources)


@transaction.atomic
def booklet_update(
    *,
    booklet: Booklet,
    fields: Mapping[str, Any] | None = None,
    factsheets: Sequence[Factsheet] | None = None,
    status: str | None = None,
    sources: Iterable | None = None,
) -> Booklet:
    """Change a booklet: the ``fields`` given; ``factsheets`` (in order) replace its list when given; then its
    status when given. Atomic, validated; its documents are refreshed once, after commit."""
    return _booklet_save(booklet, fields or {}, factsheets, status, sources)


def _booklet_save(booklet, fields, factsheets, status, sources=None) -> Booklet:
    instance_save(instance=booklet, fields=fields, relations={"sources": sources})
    if factsheets is not None:
        positions = {factsheet.pk: position for position, factsheet in enumerate(factsheets, start=1)}
        if len(positions) != len(factsheets):
            raise ValidationError({"factsheets": _("A factsheet is listed twice.")})
        # Queried, not read from the booklet's prefetched entries (an API reader's may leave drafts out).
        entries = BookletEntry.objects.filter(booklet=booklet)
        entries.exclude(factsheet__in=positions).delete()
        existing = {entry.factsheet_id: entry for entry in entries}
        for factsheet_id, position in positions.items():
            entry = existing.get(factsheet_id) or BookletEntry(booklet=booklet, factsheet_id=factsheet_id)
            if entry.pk is None or entry.position != position:
                entry.position = position
                entry.save()
    if status:
        status_change(obj=booklet, status=status)
    return booklet


# --- Seed content -------------------------------------------------------------------------------------------------


@transaction.atomic
def projects_content_load(*, path: Path) -> dict[str, int]:
    """Create the themes, factsheets and booklets of ``path`` that do not exist yet (staff edits are kept).
    Atomic: a bad entry raises and nothing is written."""
    content = json.loads(path.read_text(encoding="utf-8"))
    catalogue = catalogue_load()
    created = {"themes": 0, "factsheets": 0, "booklets": 0}
    for position, entry in enumerate(content.get("themes", []), start=1):
        if Theme.objects.filter(slug=entry["slug"]).exists():
            continue
        fields = {"slug": entry["slug"], "name_fr": entry["name_fr"], "name_en": entry["name_en"], "position": position}
        if entry.get("deal_theme"):
            fields["deal_theme"] = DealTheme.objects.filter(number=entry["deal_theme"]).first()
        theme_create(fields=fields)
        created["themes"] += 1
    for entry in content.get("factsheets", []):
        if Factsheet.objects.filter(slug=entry["slug"]).exists():
            continue
        omitted = {"countries", "themes", "towns", "area", "publish", "sources"}
        fields = {k: v for k, v in entry.items() if k not in omitted}
        sources = sources_named(entry.get("sources", []), catalogue)
        if not fields.get("first_published_on"):
            fields |= first_publication(sources)
        if entry.get("area"):
            fields["cross_border_area"] = CrossBorderArea.objects.get(slug=entry["area"])
        factsheet_create(
            fields=fields,
            countries=_all_found(Country, "code", entry.get("countries", [])),
            themes=_all_found(Theme, "slug", entry.get("themes", [])),
            town_roles=[
                TownRole(Town.objects.get(insee_code=code), role) for code, role in entry.get("towns", {}).items()
            ],
            status=Status.PUBLISHED if entry.get("publish") else None,
            sources=sources,
        )
        created["factsheets"] += 1
    for entry in content.get("booklets", []):
        if Booklet.objects.filter(slug=entry["slug"]).exists():
            continue
        sources = sources_named(entry.get("sources", []), catalogue)
        fields = {k: v for k, v in entry.items() if k not in {"factsheets", "publish", "sources"}}
        if not fields.get("first_published_on"):
            fields |= first_publication(sources)
        booklet_create(
            fields=fields,
            factsheets=[Factsheet.objects.get(slug=slug) for slug in entry.get("factsheets", [])],
            status=Status.PUBLISHED if entry.get("publish") else None,
            sources=sources,
        )
        created["booklets"] += 1
    return created


def _all_found(model, field: str, values: list[str]) -> list:
    """The records of ``model`` whose ``field`` is each of ``values``; an unknown value is an error."""
    found = {getattr(record, field): record for record in model.objects.filter(**{f"{field}__in": values})}
    missing = [value for value in values if value not in found]
    if missing:
        raise model.DoesNotExist(f"{model._meta.verbose_name} {', '.join(missing)} not found")
    return [found[value] for value in values]
