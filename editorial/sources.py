"""Writes of sources: the admin's create and update, the catalogue of the documents the records come from
(``fixtures/content/sources.json``, loaded by every content loader), and the mapping of the records' old provenance
text (``source_document`` / ``source``: "000_b0d5d02b040f975c.txt (MOT, March 2021)") to those sources, used by the
loaders and the data migrations."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from mot_portal.services import instance_save

CATALOGUE = Path(settings.BASE_DIR) / "fixtures" / "content" / "sources.json"
SOURCE_FIELDS = (
    "title",
    "publisher",
    "url",
    "date",
    "date_precision",
    "language",
    "consulted_on",
    "note_fr",
    "note_en",
    "internal_reference",
)
# A seed document's file name in a provenance text.
SEED_FILE = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")


def source_create(*, fields: Mapping[str, Any]):
    from editorial.models import Source

    return instance_save(instance=Source(), fields=fields)


def source_update(*, source, fields: Mapping[str, Any]):
    return instance_save(instance=source, fields=fields)


def catalogue_entries(path: Path = CATALOGUE) -> list[dict]:
    """The catalogue's entries, with their dates parsed."""
    entries = json.loads(path.read_text(encoding="utf-8"))["sources"]
    for index, entry in enumerate(entries, start=1):
        if not entry.get("title") or not (entry.get("internal_reference") or entry.get("url")):
            raise ValueError(f"{path.name}: source #{index}: a title and an internal_reference or url are required")
        for name in ("date", "consulted_on"):
            if entry.get(name):
                entry[name] = datetime.date.fromisoformat(entry[name])
    return entries


def entry_key(entry: Mapping) -> str:
    return entry.get("internal_reference") or entry["url"]


def provenance_keys(text: str, entries: list[dict]) -> list[str]:
    """The catalogue keys a provenance text names, in its order: seed file names (or their other file names) and
    the web addresses of the catalogue."""
    found: list[tuple[int, str]] = []
    for entry in entries:
        names = [entry.get("internal_reference"), *entry.get("files", []), entry.get("url")]
        positions = [text.find(name) for name in names if name and name in text]
        if positions:
            found.append((min(positions), entry_key(entry)))
    return [key for _position, key in sorted(found)]


def catalogue_sync(Source, entries: list[dict]) -> dict[str, Any]:
    """Create the catalogue's sources that do not exist yet (found by internal reference, else by address);
    existing ones are kept as staff left them. Returns {key: source}. Works on a migration's historical model."""
    by_key: dict[str, Any] = {}
    for entry in entries:
        if entry.get("internal_reference"):
            source = Source.objects.filter(internal_reference=entry["internal_reference"]).first()
        else:
            source = Source.objects.filter(url=entry["url"], internal_reference="").first()
        if source is None:
            source = Source(**{name: entry[name] for name in SOURCE_FIELDS if entry.get(name) not in (None, "")})
            source.save()
        by_key[entry_key(entry)] = source
    return by_key


@transaction.atomic
def catalogue_load(*, path: Path = CATALOGUE) -> dict[str, Any]:
    """Create the sources of the catalogue that do not exist yet (validated, atomic); {key: Source}."""
    from editorial.models import Source

    by_key: dict[str, Any] = {}
    for entry in catalogue_entries(path):
        lookup = (
            {"internal_reference": entry["internal_reference"]}
            if entry.get("internal_reference")
            else {"url": entry["url"], "internal_reference": ""}
        )
        source = Source.objects.filter(**lookup).first()
        if source is None:
            source = source_create(
                fields={name: entry[name] for name in SOURCE_FIELDS if entry.get(name) not in (None, "")}
            )
        by_key[entry_key(entry)] = source
    return by_key


def sources_named(keys: list[str], catalogue: Mapping[str, Any]) -> list:
    """The sources ``keys`` name (catalogue keys); an unknown key is an error."""
    missing = [key for key in keys if key not in catalogue]
    if missing:
        raise ValueError(f"unknown source {', '.join(missing)} (see fixtures/content/sources.json)")
    return [catalogue[key] for key in keys]


def first_publication(sources: list) -> dict[str, Any]:
    """``first_published_on`` and its precision from the first dated source of a record ({} when none is dated)."""
    for source in sources:
        if source.date:
            return {"first_published_on": source.date, "first_published_precision": source.date_precision}
    return {}


def provenance_migrate(apps, app_label: str, model_name: str, legacy_field: str, dates: bool) -> None:
    """Data migration: link each record of ``app_label.model_name`` to the catalogue sources its old provenance
    text names (creating them), and give it ``first_published_on`` from the first dated one when it has none.
    The old text stays, for staff only."""
    if not CATALOGUE.exists():
        return
    Model = apps.get_model(app_label, model_name)
    records = [r for r in Model.objects.exclude(**{legacy_field: ""}) if getattr(r, legacy_field)]
    if not records:
        return
    entries = catalogue_entries()
    catalogue = catalogue_sync(apps.get_model("editorial", "Source"), entries)
    for record in records:
        linked = [catalogue[key] for key in provenance_keys(getattr(record, legacy_field), entries)]
        if not linked:
            continue
        record.sources.add(*linked)
        if dates and record.first_published_on is None:
            for name, value in first_publication(linked).items():
                setattr(record, name, value)
            record.save(update_fields=["first_published_on", "first_published_precision"])
