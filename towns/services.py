"""Writes of the towns app: loading the open data, the curated partners and areas, and the records the API
and the admin edit (every entry point calls the same service)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from editorial.sources import catalogue_load, sources_named
from mot_portal import changes
from mot_portal.services import instance_save
from towns.importing import DataFileError, border_distances_compute, checksum, read_dataset
from towns.models import (
    Country,
    CrossBorderArea,
    DataImport,
    Department,
    Intercommunality,
    Locality,
    Partner,
    Region,
    Town,
)
from towns.search import search_key

DATASET = "towns"


@dataclass
class ImportResult:
    skipped: bool
    counts: dict[str, int] = field(default_factory=dict)
    checksum: str = ""


# --- Writing ------------------------------------------------------------------------------------


def _upsert(model, rows: list[dict[str, Any]], key: str, *, keep: tuple[str, ...] = ()) -> dict[str, int]:
    """Insert or update rows by their natural key, leaving ``keep`` fields of existing rows alone;
    return key → primary key."""
    objs = [model(**row) for row in rows]
    fields = [name for name in rows[0] if name != key and name not in keep] if rows else []
    model.objects.bulk_create(objs, batch_size=1000, update_conflicts=True, unique_fields=[key], update_fields=fields)
    return dict(model.objects.values_list(key, "pk"))


@transaction.atomic
def towns_import(*, data_dir: Path, force: bool = False) -> ImportResult:
    """Load countries, regions, departments, EPCI, communes, PVD laureates and the localities across the border
    (GeoNames) from ``data_dir``.

    All files are parsed and cross-checked before the first write, and the whole load is one
    transaction: on any error nothing changes. Idempotent; a no-op when the files are unchanged.
    """
    digest = checksum(data_dir)
    last = DataImport.objects.filter(dataset=DATASET).order_by("-imported_at").first()
    if (
        not force
        and last is not None
        and last.checksum == digest
        and Town.objects.count() == last.counts.get("towns")
        and Locality.objects.count() == last.counts.get("localities")
    ):
        return ImportResult(skipped=True, counts=last.counts, checksum=digest)

    data = read_dataset(data_dir)
    distances = border_distances_compute(data_dir, data.towns)  # before any write: a bad file changes nothing
    before = _shown_values()

    # Country names are translations staff may correct in the admin: set on creation only.
    country_ids = _upsert(Country, list(data.countries.values()), "code", keep=("name_fr", "name_en"))
    iso3_ids = {c["iso3"]: country_ids[c["code"]] for c in data.countries.values()}
    region_ids = _upsert(Region, [{"code": k, **v} for k, v in data.regions.items()], "code")
    department_ids = _upsert(
        Department,
        [{"code": k, "name": v["name"], "region_id": region_ids[v["region"]]} for k, v in data.departments.items()],
        "code",
    )
    through = Department.border_countries.through
    wanted = {(department_ids[dep], iso3_ids[iso3]) for dep, iso3 in data.border_departments}
    existing = set(through.objects.values_list("department_id", "country_id"))
    through.objects.bulk_create(
        [through(department_id=d, country_id=c) for d, c in sorted(wanted - existing)], ignore_conflicts=True
    )
    for department_id, country_id in existing - wanted:
        through.objects.filter(department_id=department_id, country_id=country_id).delete()

    epci_ids = _upsert(Intercommunality, [{"siren": k, **v} for k, v in data.intercommunalities.items()], "siren")

    town_rows = []
    for code, town in data.towns.items():
        nearest = nearest_border(distances.get(code, {}))
        town_rows.append(
            {
                "insee_code": code,
                "name": town["name"],
                "department_id": department_ids[town["department"]],
                "intercommunality_id": epci_ids.get(town["intercommunality"]),
                "population": town["population"],
                "postal_codes": town["postal_codes"],
                "latitude": town["latitude"],
                "longitude": town["longitude"],
                # The nearest of the computed distances (the derived CSV's approximate columns are only checked).
                "border_distance_km": nearest[1] if nearest else None,
                "border_country_id": country_ids[nearest[0]] if nearest else None,
                "border_distances": distances.get(code, {}),
                "search_key": search_key(town["name"], town["postal_codes"]),
                "pvd_id": town["pvd_id"],
                "pvd_signed_on": town["pvd_signed_on"],
            }
        )
    # A commune that leaves the PVD list must free its id before another row can take it.
    pvd_codes = {code for code, town in data.towns.items() if town["pvd_id"]}
    Town.objects.exclude(insee_code__in=pvd_codes).exclude(pvd_id=None).update(pvd_id=None, pvd_signed_on=None)
    _upsert(Town, town_rows, "insee_code")
    locality_counts = _localities_write(data.localities, country_ids)

    counts = {
        "countries": len(data.countries),
        "regions": len(data.regions),
        "departments": len(data.departments),
        "intercommunalities": len(data.intercommunalities),
        "towns": Town.objects.count(),
        "pvd_towns": len(pvd_codes),
        **locality_counts,
    }
    DataImport.objects.create(dataset=DATASET, checksum=digest, counts=counts)
    _record_changes(before, _shown_values())
    return ImportResult(skipped=False, counts=counts, checksum=digest)


def nearest_border(distances: Mapping[str, float]) -> tuple[str, Decimal] | None:
    """The nearest neighbouring country of ``distances`` (alpha-2 → km, as ``Town.border_distances``) and its
    distance in km to 0.1 km; None without any. Equal distances (to 0.1 km, at a tripoint) go to the first code in
    alphabetical order, so that the result does not depend on the order of the keys."""
    if not distances:
        return None
    code, km = min(distances.items(), key=lambda item: (item[1], item[0]))
    return code, Decimal(str(km)).quantize(Decimal("0.1"))


def _localities_write(localities: dict, country_ids: dict[str, int]) -> dict[str, int]:
    """Upsert the localities by (country, name, position), delete those no longer in the file; return the counts
    (``localities`` and ``localities_<country>``)."""
    wanted = {(country_ids[code], name, lat, lon): row for (code, name, lat, lon), row in localities.items()}
    existing = Locality.objects.values_list("pk", "country_id", "name", "latitude", "longitude")
    Locality.objects.filter(pk__in=[pk for pk, *key in existing if tuple(key) not in wanted]).delete()
    Locality.objects.bulk_create(
        [
            Locality(country_id=country_id, name=name, latitude=lat, longitude=lon, **row)
            for (country_id, name, lat, lon), row in wanted.items()
        ],
        batch_size=500,
        update_conflicts=True,
        unique_fields=["country", "name", "latitude", "longitude"],
        update_fields=["admin1", "admin2", "border_distance_km"],
    )
    per_country = Counter(code for code, *_rest in localities)
    return {"localities": Locality.objects.count()} | {
        f"localities_{code}": n for code, n in sorted(per_country.items(), key=lambda i: (-i[1], i[0]))
    }


# What the pages and documents show of the imported records, compared before and after an import: the bulk writes
# send no model signals, so the import records what changed itself (``mot_portal.changes``).
SHOWN = {
    Country: ("name_fr", "name_en", "code"),
    Region: ("name",),
    Department: ("name", "region_id"),
    Intercommunality: ("name", "kind", "population", "town_count", "funding_mode"),
    Town: ("name", "department_id", "intercommunality_id", "population", "postal_codes", "latitude", "longitude",
           "border_distance_km", "border_country_id", "border_distances", "pvd_id", "pvd_signed_on"),
    Locality: ("name", "country_id", "admin1", "admin2", "latitude", "longitude", "border_distance_km"),
}  # fmt: skip


def _shown_values() -> dict[type, dict[int, tuple]]:
    return {
        model: {row[0]: row[1:] for row in model.objects.values_list("pk", *fields)} for model, fields in SHOWN.items()
    }


def _record_changes(before: dict[type, dict[int, tuple]], after: dict[type, dict[int, tuple]]) -> None:
    """Record the imported records whose shown values changed, with the fields that did (a new record is in no
    document yet: it only changes the lists, whose content version is bumped for every imported model)."""
    changes.touch(*SHOWN)
    for model, fields in SHOWN.items():
        names = [name.removesuffix("_id") for name in fields]
        groups: dict[frozenset[str], list[int]] = {}
        for pk, values in after[model].items():
            previous = before[model].get(pk)
            if previous is not None and previous != values:
                changed = frozenset(_base(n) for n, old, new in zip(names, previous, values, strict=True) if old != new)
                groups.setdefault(changed, []).append(pk)
        for changed, pks in groups.items():
            changes.record(model, pks, fields=changed)


def _base(name: str) -> str:
    """``name_fr`` → ``name``: the field a language version belongs to."""
    return name.rsplit("_", 1)[0] if name.endswith(("_fr", "_en")) else name


# --- Curated content (partners and areas named by the source documents) -------------------------


@transaction.atomic
def content_load(*, path: Path) -> dict[str, int]:
    """Create the partners and cross-border areas listed in ``path`` that do not exist yet.

    Existing records are left untouched so that staff edits (translations, descriptions) survive.
    Needs the towns to be imported first. Atomic: a bad entry stops the load and writes nothing.
    """
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(path.name, getattr(exc, "lineno", None), str(exc)) from None
    countries = {c.code: c for c in Country.objects.all()}
    catalogue = catalogue_load()
    created = Counter()

    def resolve(entry: dict, index: int, kind: str) -> tuple[list[Country], list[Town]]:
        unknown = [code for code in entry.get("countries", []) if code not in countries]
        if unknown:
            raise DataFileError(path.name, None, f"{kind} #{index + 1}: unknown country {unknown}")
        codes = entry.get("towns", [])
        towns = list(Town.objects.filter(insee_code__in=codes))
        if len(towns) != len(codes):
            missing = sorted(set(codes) - {t.insee_code for t in towns})
            raise DataFileError(path.name, None, f"{kind} #{index + 1}: unknown town(s) {missing}")
        # Member intercommunalities (SIREN) stand for all their communes.
        sirens = entry.get("intercommunalities", [])
        known = set(Intercommunality.objects.filter(siren__in=sirens).values_list("siren", flat=True))
        if len(known) != len(sirens):
            raise DataFileError(
                path.name, None, f"{kind} #{index + 1}: unknown intercommunality {sorted(set(sirens) - known)}"
            )
        if sirens:
            seen = {t.pk for t in towns}
            towns += [t for t in Town.objects.filter(intercommunality__siren__in=sirens) if t.pk not in seen]
        return [countries[code] for code in entry.get("countries", [])], towns

    for index, entry in enumerate(content.get("cross_border_areas", [])):
        area_countries, towns = resolve(entry, index, "cross_border_areas")
        existing = CrossBorderArea.objects.filter(slug=entry["slug"]).first()
        if existing is not None:
            with _entry_errors(path, "CrossBorderArea", index):
                if _area_complete(existing, entry, area_countries, towns):
                    created["cross_border_areas_completed"] += 1
            continue
        omitted = {"countries", "towns", "intercommunalities", "sources"}
        fields = {k: v for k, v in entry.items() if k not in omitted and k[0] != "_"}
        sources = _sources(path, catalogue, entry, "cross_border_areas", index)
        with _entry_errors(path, "CrossBorderArea", index):
            area_create(fields=fields, countries=area_countries, towns=towns, sources=sources)
        created["cross_border_areas"] += 1

    for index, entry in enumerate(content.get("partners", [])):
        _countries, towns = resolve({"countries": [entry["country"]], **entry}, index, "partners")
        if Partner.objects.filter(slug=entry["slug"]).exists():
            continue
        omitted = {"country", "towns", "intercommunality", "sources"}
        fields = {k: v for k, v in entry.items() if k not in omitted and k[0] != "_"}
        fields["country"] = countries[entry["country"]]
        if entry.get("intercommunality"):
            fields["intercommunality"] = Intercommunality.objects.get(siren=entry["intercommunality"])
        sources = _sources(path, catalogue, entry, "partners", index)
        with _entry_errors(path, "Partner", index):
            partner_create(fields=fields, towns=towns, sources=sources)
        created["partners"] += 1
    return dict(created)


def _sources(path: Path, catalogue: dict, entry: dict, kind: str, index: int) -> list:
    try:
        return sources_named(entry.get("sources", []), catalogue)
    except ValueError as exc:
        raise DataFileError(path.name, None, f"{kind} #{index + 1}: {exc}") from None


def _area_complete(area: CrossBorderArea, entry: dict, countries: list[Country], towns: list[Town]) -> int:
    """Give an existing area what the content file now sources and the area still lacks (countries, member towns,
    centre), with the file's source when the area's source is the start of it (staff did not change it); leave
    anything staff filled in alone. Return 1 when something was added."""
    fields: dict[str, Any] = {}
    relations: dict[str, Any] = {}
    if countries and not area.countries.exists():
        relations["countries"] = countries
    if towns and not area.towns.exists():
        relations["towns"] = towns
    if area.latitude is None and area.longitude is None and entry.get("latitude") is not None:
        fields |= {"latitude": entry["latitude"], "longitude": entry["longitude"]}
    if not fields and not relations:
        return 0
    source = entry.get("source", "")
    if source != area.source and source.startswith(area.source):
        fields["source"] = source
    area_update(area=area, fields=fields, **relations)
    return 1


@contextmanager
def _entry_errors(path: Path, model: str, index: int):
    try:
        yield
    except ValidationError as exc:
        raise DataFileError(path.name, None, f"{model} #{index + 1}: {exc.message_dict}") from None


# --- Records edited in the admin and through the API --------------------------------------------------------------


def partner_create(*, fields: Mapping[str, Any], towns: Iterable[Town] | None = None, sources=None) -> Partner:
    """Create a partner organisation with the towns it works with (and its sources). Atomic, validated."""
    return instance_save(instance=Partner(), fields=fields, relations={"towns": towns, "sources": sources})


def partner_update(
    *, partner: Partner, fields: Mapping[str, Any], towns: Iterable[Town] | None = None, sources=None
) -> Partner:
    """Change a partner (``towns=None`` keeps its towns, ``sources=None`` its sources). Atomic, validated."""
    return instance_save(instance=partner, fields=fields, relations={"towns": towns, "sources": sources})


def area_create(*, fields: Mapping[str, Any], countries=None, towns=None, sources=None) -> CrossBorderArea:
    """Create a cross-border area with its countries, member towns and sources. Atomic, validated."""
    relations = {"countries": countries, "towns": towns, "sources": sources}
    return instance_save(instance=CrossBorderArea(), fields=fields, relations=relations)


def area_update(
    *, area: CrossBorderArea, fields: Mapping[str, Any], countries=None, towns=None, sources=None
) -> CrossBorderArea:
    """Change a cross-border area (a relation left ``None`` is kept). Atomic, validated."""
    relations = {"countries": countries, "towns": towns, "sources": sources}
    return instance_save(instance=area, fields=fields, relations=relations)


def country_create(*, fields: Mapping[str, Any]) -> Country:
    return instance_save(instance=Country(), fields=fields)


def country_update(*, country: Country, fields: Mapping[str, Any]) -> Country:
    """Change a country (staff correct its names; the import keeps them). Atomic, validated."""
    return instance_save(instance=country, fields=fields)


def department_create(*, fields: Mapping[str, Any], border_countries=None) -> Department:
    return instance_save(instance=Department(), fields=fields, relations={"border_countries": border_countries})


def department_update(*, department: Department, fields: Mapping[str, Any], border_countries=None) -> Department:
    return instance_save(instance=department, fields=fields, relations={"border_countries": border_countries})


def intercommunality_create(*, fields: Mapping[str, Any]) -> Intercommunality:
    return instance_save(instance=Intercommunality(), fields=fields)


def intercommunality_update(*, intercommunality: Intercommunality, fields: Mapping[str, Any]) -> Intercommunality:
    return instance_save(instance=intercommunality, fields=fields)


def town_create(*, fields: Mapping[str, Any]) -> Town:
    """Create a commune, with its search key. Atomic, validated."""
    return instance_save(instance=Town(), fields={**fields, "search_key": _town_search_key(Town(), fields)})


def town_update(*, town: Town, fields: Mapping[str, Any]) -> Town:
    """Change a commune and its search key (the next import of the open data overwrites what it loads). Atomic,
    validated."""
    return instance_save(instance=town, fields={**fields, "search_key": _town_search_key(town, fields)})


def _town_search_key(town: Town, fields: Mapping[str, Any]) -> str:
    return search_key(fields.get("name", town.name) or "", fields.get("postal_codes", town.postal_codes) or "")
