"""Writes of the towns app: loading the open data and the curated partners and areas."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from towns.models import (
    INSEE_CODE_REGEX,
    PVD_ID_REGEX,
    SIREN_REGEX,
    Country,
    CrossBorderArea,
    DataImport,
    Department,
    Intercommunality,
    Partner,
    Region,
    Town,
)

# Bump when the importer's mapping changes, so that an unchanged data set is loaded again.
IMPORTER_VERSION = "2"
DATASET = "towns"

FILES = {
    "countries": "pays_france_voisins_ne50m.geojson",
    "regions": "regions_france_2026.csv",
    "departments": "departements_france_2026.csv",
    "border_departments": "departements_frontaliers.csv",
    "intercommunalities": "epci_france_2026.csv",
    "communes": "communes_france_2026.csv",
    "pvd": "pvd_communes.csv",
    "pvd_source": "pvd_geom_anct_2024.geojson",
}

# ISO 3166-1 alpha-3 → alpha-2 for France and the countries across its land borders.
ISO3_TO_ALPHA2 = {
    "FRA": "FR",
    "BEL": "BE",
    "LUX": "LU",
    "DEU": "DE",
    "CHE": "CH",
    "ITA": "IT",
    "MCO": "MC",
    "ESP": "ES",
    "AND": "AD",
    "BRA": "BR",
    "SUR": "SR",
    "SXM": "SX",
}


class DataFileError(Exception):
    """A data file cannot be imported; names the file, the line and the reason."""

    def __init__(self, file: str, line: int | None, reason: str) -> None:
        self.file, self.line, self.reason = file, line, reason
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {reason}")


@dataclass
class ImportResult:
    skipped: bool
    counts: dict[str, int] = field(default_factory=dict)
    checksum: str = ""


# --- Parsing ------------------------------------------------------------------------------------


class _Rows:
    """CSV rows of one file with their line numbers, checked against the expected columns."""

    def __init__(self, path: Path, columns: list[str]) -> None:
        self.path, self.name, self.columns = path, path.name, columns

    def __iter__(self):
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise DataFileError(self.name, None, "file not found") from None
        except UnicodeDecodeError as exc:
            raise DataFileError(self.name, None, f"not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
        if not text.strip():
            raise DataFileError(self.name, 1, "the file is empty")
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader)
        missing = [c for c in self.columns if c not in header]
        if missing:
            raise DataFileError(self.name, 1, f"missing column(s): {', '.join(missing)}")
        for number, values in enumerate(reader, start=2):
            if not values:
                raise DataFileError(self.name, number, "empty line")
            if len(values) != len(header):
                raise DataFileError(
                    self.name, number, f"expected {len(header)} columns, found {len(values)} (truncated line?)"
                )
            yield number, _Row(self.name, number, dict(zip(header, values, strict=True)))


class _Row:
    def __init__(self, file: str, line: int, values: dict[str, str]) -> None:
        self.file, self.line, self.values = file, line, values

    def error(self, reason: str) -> DataFileError:
        return DataFileError(self.file, self.line, reason)

    def text(self, column: str, *, required: bool = True) -> str:
        value = self.values[column].strip()
        if required and not value:
            raise self.error(f"empty {column}")
        if "\x00" in value:
            raise self.error(f"NUL character in {column}")
        return value

    def regex(self, column: str, pattern: str, label: str, *, required: bool = True) -> str:
        value = self.text(column, required=required)
        if value and not re.fullmatch(pattern, value):
            raise self.error(f"bad {label} {value!r} in {column}")
        return value

    def integer(self, column: str, *, minimum: int = 0, maximum: int = 10**9) -> int | None:
        value = self.text(column, required=False)
        if not value:
            return None
        try:
            number = int(value)
        except ValueError:
            raise self.error(f"bad number {value!r} in {column}") from None
        if not minimum <= number <= maximum:
            raise self.error(f"{column} {number} out of range [{minimum}, {maximum}]")
        return number

    def decimal(self, column: str, *, minimum: Decimal, maximum: Decimal, places: int) -> Decimal | None:
        value = self.text(column, required=False)
        if not value:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise self.error(f"bad number {value!r} in {column}") from None
        if not number.is_finite() or not minimum <= number <= maximum:
            raise self.error(f"{column} {value} out of range [{minimum}, {maximum}]")
        return number.quantize(Decimal(1).scaleb(-places))

    def date(self, column: str) -> dt.date | None:
        value = self.text(column, required=False)
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise self.error(f"bad date {value!r} in {column} (expected YYYY-MM-DD)") from None


def _unique(seen: dict[str, int], key: str, row: _Row, label: str) -> None:
    if key in seen:
        raise row.error(f"duplicate {label} {key!r} (first seen on line {seen[key]})")
    seen[key] = row.line


@dataclass
class _Dataset:
    countries: dict[str, dict[str, Any]]
    regions: dict[str, dict[str, Any]]
    departments: dict[str, dict[str, Any]]
    border_departments: set[tuple[str, str]]
    intercommunalities: dict[str, dict[str, Any]]
    towns: dict[str, dict[str, Any]]


def _read_countries(path: Path) -> dict[str, dict[str, Any]]:
    name = path.name
    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
    except FileNotFoundError:
        raise DataFileError(name, None, "file not found") from None
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise DataFileError(name, getattr(exc, "lineno", None), f"not a GeoJSON feature collection ({exc})") from None
    countries = {}
    for feature in features:
        props = feature.get("properties") or {}
        iso3 = props.get("iso3", "")
        if iso3 not in ISO3_TO_ALPHA2:
            raise DataFileError(name, None, f"unknown country code {iso3!r}")
        countries[iso3] = {
            "code": ISO3_TO_ALPHA2[iso3],
            "iso3": iso3,
            "name_fr": props.get("nom") or iso3,
            "name_en": props.get("name_en") or "",
            "borders_france": iso3 != "FRA",
        }
    return countries


def _read(data_dir: Path) -> _Dataset:
    """Parse and cross-check every file; raise DataFileError before anything is written."""
    countries = _read_countries(data_dir / FILES["countries"])

    regions: dict[str, dict[str, Any]] = {}
    seen: dict[str, int] = {}
    for _n, row in _Rows(data_dir / FILES["regions"], ["reg_code", "reg_nom"]):
        code = row.regex("reg_code", r"[0-9]{2,3}", "region code")
        _unique(seen, code, row, "region code")
        regions[code] = {"name": row.text("reg_nom")}

    departments: dict[str, dict[str, Any]] = {}
    seen = {}
    for _n, row in _Rows(data_dir / FILES["departments"], ["dep_code", "dep_nom", "reg_code"]):
        code = row.regex("dep_code", r"[0-9]{2,3}|2[AB]", "department code")
        _unique(seen, code, row, "department code")
        region = row.text("reg_code")
        if region not in regions:
            raise row.error(f"unknown region {region!r}")
        departments[code] = {"name": row.text("dep_nom"), "region": region}

    border_departments: set[tuple[str, str]] = set()
    by_iso3 = {c["iso3"]: c for c in countries.values()}
    for _n, row in _Rows(data_dir / FILES["border_departments"], ["dep_code", "pays_iso3"]):
        dep, iso3 = row.text("dep_code"), row.text("pays_iso3")
        if dep not in departments:
            raise row.error(f"unknown department {dep!r}")
        if iso3 not in by_iso3:
            raise row.error(f"unknown country {iso3!r}")
        border_departments.add((dep, iso3))

    epcis: dict[str, dict[str, Any]] = {}
    seen = {}
    epci_kinds = set(Intercommunality.Kind.values)
    epci_lines: dict[str, int] = {}
    for _n, row in _Rows(
        data_dir / FILES["intercommunalities"],
        ["epci_siren", "epci_nom", "epci_type", "mode_financement", "population_municipale", "nb_communes"],
    ):
        siren = row.regex("epci_siren", SIREN_REGEX, "SIREN")
        _unique(seen, siren, row, "SIREN")
        kind = row.text("epci_type")
        if kind not in epci_kinds:
            raise row.error(f"unknown EPCI type {kind!r}")
        epcis[siren] = {
            "name": row.text("epci_nom"),
            "kind": kind,
            "funding_mode": row.text("mode_financement", required=False),
            "population": row.integer("population_municipale"),
            "town_count": row.integer("nb_communes", maximum=10_000),
        }
        epci_lines[siren] = row.line

    towns: dict[str, dict[str, Any]] = {}
    seen = {}
    per_epci: Counter[str] = Counter()
    communes_file = data_dir / FILES["communes"]
    last_line = 1
    for _n, row in _Rows(
        communes_file,
        [
            "code_insee",
            "nom",
            "dep_code",
            "population",
            "epci_siren",
            "codes_postaux",
            "lat",
            "lon",
            "frontiere_dist_km",
            "frontiere_pays_iso3",
        ],
    ):
        last_line = row.line
        code = row.regex("code_insee", INSEE_CODE_REGEX, "INSEE code")
        _unique(seen, code, row, "INSEE code")
        dep = row.text("dep_code")
        if dep not in departments:
            raise row.error(f"unknown department {dep!r}")
        siren = row.regex("epci_siren", SIREN_REGEX, "SIREN", required=False)
        if siren and siren not in epcis:
            raise row.error(f"unknown EPCI {siren!r}")
        if siren:
            per_epci[siren] += 1
        distance = row.decimal("frontiere_dist_km", minimum=Decimal(0), maximum=Decimal(20000), places=1)
        iso3 = row.text("frontiere_pays_iso3", required=False)
        if iso3 and iso3 not in by_iso3:
            raise row.error(f"unknown country {iso3!r}")
        if (distance is None) != (not iso3):
            raise row.error("frontiere_dist_km and frontiere_pays_iso3 must be both filled or both empty")
        towns[code] = {
            "name": row.text("nom"),
            "department": dep,
            "intercommunality": siren or None,
            "population": row.integer("population"),
            "postal_codes": " ".join(row.text("codes_postaux", required=False).split()),
            "latitude": row.decimal("lat", minimum=Decimal(-90), maximum=Decimal(90), places=5),
            "longitude": row.decimal("lon", minimum=Decimal(-180), maximum=Decimal(180), places=5),
            "border_distance_km": distance,
            "border_country": iso3 or None,
            "pvd_id": None,
            "pvd_signed_on": None,
        }
    # A file cut at a line boundary still parses: the EPCI file's member counts reveal it.
    for siren, data in epcis.items():
        if data["town_count"] is not None and per_epci[siren] != data["town_count"]:
            raise DataFileError(
                communes_file.name,
                last_line,
                f"EPCI {siren} has {per_epci[siren]} communes here but {data['town_count']} in "
                f"{FILES['intercommunalities']} (line {epci_lines[siren]}): is the file truncated?",
            )

    source_ids = _read_pvd_source_ids(data_dir / FILES["pvd_source"])
    seen = {}
    pvd_file = data_dir / FILES["pvd"]
    last_line = 1
    for _n, row in _Rows(pvd_file, ["id_pvd", "insee_com_cog2026", "date_signature"]):
        last_line = row.line
        pvd_id = row.regex("id_pvd", PVD_ID_REGEX, "PVD id")
        _unique(seen, pvd_id, row, "PVD id")
        code = row.regex("insee_com_cog2026", INSEE_CODE_REGEX, "INSEE code")
        if code not in towns:
            raise row.error(f"unknown commune {code!r}")
        if towns[code]["pvd_id"]:
            raise row.error(f"commune {code} is already laureate {towns[code]['pvd_id']}")
        towns[code]["pvd_id"] = pvd_id
        towns[code]["pvd_signed_on"] = row.date("date_signature")
        if pvd_id not in source_ids:
            raise row.error(f"PVD id {pvd_id!r} is not in {FILES['pvd_source']}")
    # The derived CSV must hold every laureate of the verbatim ANCT file: this catches a truncated file.
    missing = sorted(source_ids - set(seen))
    if missing:
        raise DataFileError(
            pvd_file.name,
            last_line,
            f"{len(missing)} laureate(s) of {FILES['pvd_source']} are missing (first: {missing[0]}): "
            "is the file truncated?",
        )

    return _Dataset(countries, regions, departments, border_departments, epcis, towns)


def _read_pvd_source_ids(path: Path) -> set[str]:
    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        return {feature["properties"]["id_territoire"] for feature in features}
    except FileNotFoundError:
        raise DataFileError(path.name, None, "file not found") from None
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise DataFileError(path.name, getattr(exc, "lineno", None), f"not the ANCT PVD GeoJSON ({exc})") from None


def _checksum(data_dir: Path) -> str:
    digest = hashlib.sha256(IMPORTER_VERSION.encode())
    for key in sorted(FILES):
        path = data_dir / FILES[key]
        digest.update(FILES[key].encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()


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
    """Load countries, regions, departments, EPCI, communes and PVD laureates from ``data_dir``.

    All files are parsed and cross-checked before the first write, and the whole load is one
    transaction: on any error nothing changes. Idempotent; a no-op when the files are unchanged.
    """
    checksum = _checksum(data_dir)
    last = DataImport.objects.filter(dataset=DATASET).order_by("-imported_at").first()
    if (
        not force
        and last is not None
        and last.checksum == checksum
        and Town.objects.count() == last.counts.get("towns")
    ):
        return ImportResult(skipped=True, counts=last.counts, checksum=checksum)

    data = _read(data_dir)

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
                "border_distance_km": town["border_distance_km"],
                "border_country_id": iso3_ids.get(town["border_country"]),
                "pvd_id": town["pvd_id"],
                "pvd_signed_on": town["pvd_signed_on"],
            }
        )
    # A commune that leaves the PVD list must free its id before another row can take it.
    pvd_codes = {code for code, town in data.towns.items() if town["pvd_id"]}
    Town.objects.exclude(insee_code__in=pvd_codes).exclude(pvd_id=None).update(pvd_id=None, pvd_signed_on=None)
    _upsert(Town, town_rows, "insee_code")

    counts = {
        "countries": len(data.countries),
        "regions": len(data.regions),
        "departments": len(data.departments),
        "intercommunalities": len(data.intercommunalities),
        "towns": Town.objects.count(),
        "pvd_towns": len(pvd_codes),
    }
    DataImport.objects.create(dataset=DATASET, checksum=checksum, counts=counts)
    return ImportResult(skipped=False, counts=counts, checksum=checksum)


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
        return [countries[code] for code in entry.get("countries", [])], towns

    for index, entry in enumerate(content.get("cross_border_areas", [])):
        area_countries, towns = resolve(entry, index, "cross_border_areas")
        if CrossBorderArea.objects.filter(slug=entry["slug"]).exists():
            continue
        area = CrossBorderArea(**{k: v for k, v in entry.items() if k not in {"countries", "towns"}})
        _full_clean(area, path, index)
        area.save()
        area.countries.set(area_countries)
        area.towns.set(towns)
        created["cross_border_areas"] += 1

    for index, entry in enumerate(content.get("partners", [])):
        _countries, towns = resolve({"countries": [entry["country"]], **entry}, index, "partners")
        if Partner.objects.filter(slug=entry["slug"]).exists():
            continue
        fields = {k: v for k, v in entry.items() if k not in {"country", "towns", "intercommunality"}}
        partner = Partner(country=countries[entry["country"]], **fields)
        if entry.get("intercommunality"):
            partner.intercommunality = Intercommunality.objects.get(siren=entry["intercommunality"])
        _full_clean(partner, path, index)
        partner.save()
        partner.towns.set(towns)
        created["partners"] += 1
    return dict(created)


def _full_clean(obj, path: Path, index: int) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise DataFileError(path.name, None, f"{type(obj).__name__} #{index + 1}: {exc.message_dict}") from None
