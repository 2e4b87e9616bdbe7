"""Writes of the offer: services (one service creates and one updates them, from the admin and the loader alike),
their publication, and the seed content (``fixtures/content/offer.json``) with the retired mission addresses."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from django.db import transaction

from mot_portal.publishing import Status, status_change
from mot_portal.services import instance_save
from projects.models import Booklet
from support.models import RetiredMission, Service

TRANSLATED = ("title", "summary", "description", "audience")


@transaction.atomic
def service_create(*, fields: Mapping[str, Any], status: str | None = None, **relations: Iterable | None) -> Service:
    """Create a service with its many-to-many ``relations`` (missions, booklets), then move it to ``status`` when
    given. Atomic, validated."""
    service = instance_save(instance=Service(), fields=fields, relations=relations)
    if status:
        status_change(obj=service, status=status)
    return service


@transaction.atomic
def service_update(*, service: Service, fields: Mapping[str, Any] | None = None, **relations) -> Service:
    """Change a service: the ``fields`` given and the relations given (``None`` keeps one). Atomic, validated."""
    return instance_save(instance=service, fields=fields or {}, relations=relations)


@transaction.atomic
def service_publication_change(*, service: Service, status: str) -> Service:
    """Move a service through draft → in review → published; publishing dates it the first time. Idempotent."""
    return status_change(obj=service, status=status)


@transaction.atomic
def offer_content_load(*, path: Path) -> dict[str, int]:
    """Create the services of ``path`` that do not exist yet, and the retired mission addresses each replaces
    (staff edits are kept: an existing service or address is left as it is).

    Atomic: a bad entry raises naming it, and nothing is written.
    """
    content = json.loads(path.read_text(encoding="utf-8"))
    created = {"services": 0, "retired_missions": 0}
    for number, entry in enumerate(content["services"], start=1):
        try:
            service = Service.objects.filter(slug=entry["slug"]).first()
            if service is None:
                service = _service_create(entry)
                created["services"] += 1
            for slug in entry.get("replaces_missions", []):
                _retired, was_created = RetiredMission.objects.get_or_create(
                    mission_slug=slug, defaults={"service": service}
                )
                created["retired_missions"] += was_created
        except Exception as exc:
            raise ValueError(f"service {number} ({entry.get('slug', '?')}): {exc}") from exc
    return created


def _service_create(entry: dict) -> Service:
    fields = {
        "slug": entry["slug"],
        "family": entry["family"],
        "position": entry.get("position", 0),
        "mission_kind": entry.get("mission_kind", ""),
        "announced_on": datetime.date.fromisoformat(entry["announced_on"]) if entry.get("announced_on") else None,
        "source": entry.get("source", ""),
        **{
            f"{name}_{lang}": entry[f"{name}_{lang}"]
            for name in TRANSLATED
            for lang in ("fr", "en")
            if f"{name}_{lang}" in entry
        },
    }
    return service_create(
        fields=fields,
        status=Status.PUBLISHED if entry.get("publish") else None,
        booklets=[Booklet.objects.get(slug=slug) for slug in entry.get("booklets", [])],
    )
