"""Helpers of the importer tests."""

import hashlib
from pathlib import Path

from towns.models import Country, Department, Intercommunality, Region, Town


def snapshot() -> str:
    """A digest of every imported row, to prove that a failed import changed nothing."""
    digest = hashlib.sha256()
    for model, fields in (
        (Country, ["code", "iso3", "name_fr", "name_en"]),
        (Region, ["code", "name"]),
        (Department, ["code", "name", "region__code"]),
        (Intercommunality, ["siren", "name", "kind", "population"]),
        (
            Town,
            [
                "insee_code",
                "name",
                "department__code",
                "intercommunality__siren",
                "population",
                "latitude",
                "longitude",
                "border_distance_km",
                "border_country__code",
                "border_distances",
                "search_key",
                "pvd_id",
                "pvd_signed_on",
            ],
        ),
    ):
        for row in model.objects.order_by(fields[0]).values_list(*fields):
            digest.update(repr(row).encode())
    digest.update(
        repr(
            sorted(Department.border_countries.through.objects.values_list("department__code", "country__code"))
        ).encode()
    )
    return digest.hexdigest()


def rewrite(path: Path, transform) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(transform(lines)), encoding="utf-8")
