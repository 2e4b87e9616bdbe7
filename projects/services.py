"""Writes of the projects app: the editorial workflow, photo copies and the seed content."""

from __future__ import annotations

import io
import json
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from projects.models import Booklet, BookletEntry, Factsheet, FactsheetPartner, FactsheetTown, Status, Theme
from towns.models import Country, CrossBorderArea, Town
from workplan.models import DealTheme

PHOTO_MAX_WIDTH = 1600


def photo_resized_copy(*, source, max_width: int = PHOTO_MAX_WIDTH) -> ContentFile:
    """A JPEG copy of the image ``source`` at most ``max_width`` wide (pages and PDFs never load originals)."""
    source.open("rb")
    with Image.open(source) as image:
        image = image.convert("RGB")
        if image.width > max_width:
            image = image.resize((max_width, round(image.height * max_width / image.width)), Image.LANCZOS)
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=85, optimize=True)
    return ContentFile(buffer.getvalue())


def factsheet_photo_refresh(*, factsheet: Factsheet) -> None:
    """Keep ``photo_resized`` in step with ``photo``: made when a photo is set, removed with it. Idempotent."""
    if not factsheet.photo:
        if factsheet.photo_resized:
            factsheet.photo_resized.delete(save=False)
            Factsheet.objects.filter(pk=factsheet.pk).update(photo_resized="")
        return
    stem = Path(factsheet.photo.name).stem
    if factsheet.photo_resized and Path(factsheet.photo_resized.name).stem.startswith(stem):
        return
    factsheet.photo_resized.save(f"{stem}.jpg", photo_resized_copy(source=factsheet.photo), save=False)
    Factsheet.objects.filter(pk=factsheet.pk).update(photo_resized=factsheet.photo_resized.name)


TRANSITIONS = {
    Status.DRAFT: {Status.IN_REVIEW, Status.PUBLISHED},
    Status.IN_REVIEW: {Status.DRAFT, Status.PUBLISHED},
    Status.PUBLISHED: {Status.DRAFT, Status.IN_REVIEW},
}


@transaction.atomic
def status_change(*, obj, status: str, field: str = "status"):
    """Move a publishable record (factsheet, booklet, mission, roadmap) to ``status`` through ``field``;
    publishing sets ``published_at`` the first time, where the model has one. Idempotent."""
    current = getattr(obj, field)
    if current == status:
        return obj
    if status not in TRANSITIONS[current]:
        raise ValueError(f"{current} → {status} is not a transition")
    setattr(obj, field, status)
    if status == Status.PUBLISHED and hasattr(obj, "published_at") and obj.published_at is None:
        obj.published_at = timezone.now()
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def projects_content_load(*, path: Path) -> dict[str, int]:
    """Create the themes, factsheets and booklets of ``path`` that do not exist yet (staff edits are kept)."""
    content = json.loads(path.read_text(encoding="utf-8"))
    created = {"themes": 0, "factsheets": 0, "booklets": 0}
    for position, entry in enumerate(content.get("themes", []), start=1):
        defaults = {"name_fr": entry["name_fr"], "name_en": entry["name_en"], "position": position}
        if entry.get("deal_theme"):
            defaults["deal_theme"] = DealTheme.objects.filter(number=entry["deal_theme"]).first()
        _theme, was_created = Theme.objects.get_or_create(slug=entry["slug"], defaults=defaults)
        created["themes"] += was_created
    for entry in content.get("factsheets", []):
        if Factsheet.objects.filter(slug=entry["slug"]).exists():
            continue
        fields = {k: v for k, v in entry.items() if k not in {"countries", "themes", "towns", "area", "publish"}}
        factsheet = Factsheet(**fields)
        if entry.get("area"):
            factsheet.cross_border_area = CrossBorderArea.objects.get(slug=entry["area"])
        factsheet.full_clean()
        factsheet.save()
        factsheet.countries.set(Country.objects.filter(code__in=entry.get("countries", [])))
        factsheet.themes.set(Theme.objects.filter(slug__in=entry.get("themes", [])))
        for insee_code, role in entry.get("towns", {}).items():
            FactsheetTown.objects.create(factsheet=factsheet, town=Town.objects.get(insee_code=insee_code), role=role)
        if entry.get("publish"):
            status_change(obj=factsheet, status=Status.PUBLISHED)
        created["factsheets"] += 1
    for entry in content.get("booklets", []):
        if Booklet.objects.filter(slug=entry["slug"]).exists():
            continue
        fields = {k: v for k, v in entry.items() if k not in {"factsheets", "publish"}}
        booklet = Booklet(**fields)
        booklet.full_clean()
        booklet.save()
        for position, slug in enumerate(entry.get("factsheets", []), start=1):
            BookletEntry.objects.create(booklet=booklet, factsheet=Factsheet.objects.get(slug=slug), position=position)
        if entry.get("publish"):
            status_change(obj=booklet, status=Status.PUBLISHED)
        created["booklets"] += 1
    return created


def factsheet_relations_set(*, factsheet: Factsheet, countries=None, themes=None, town_roles=None, partner_roles=None):
    """Replace the given relations of a factsheet (``None`` leaves one unchanged); call inside a transaction."""
    if countries is not None:
        factsheet.countries.set(countries)
    if themes is not None:
        factsheet.themes.set(themes)
    if town_roles is not None:
        factsheet.town_roles.all().delete()
        FactsheetTown.objects.bulk_create(
            FactsheetTown(factsheet=factsheet, town=item["town"], role=item["role"]) for item in town_roles
        )
    if partner_roles is not None:
        factsheet.partner_roles.all().delete()
        FactsheetPartner.objects.bulk_create(
            FactsheetPartner(factsheet=factsheet, partner=item["partner"], role=item["role"]) for item in partner_roles
        )
