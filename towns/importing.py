"""Reading the open data files the town import loads: one reader per file, each checking its rows and naming
the file, the line and the reason of the first problem (``DataFileError``). Nothing here writes: the import
(``towns.services.towns_import``) reads and cross-checks every file first, then writes in one transaction."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from towns.models import INSEE_CODE_REGEX, PVD_ID_REGEX, SIREN_REGEX, Intercommunality

# Bump when the importer's mapping changes, so that an unchanged data set is loaded again.
IMPORTER_VERSION = "5"  # 3: distances to each land border; 4: the nearest one from them, search keys; 5: localities

FILES = {
    "countries": "pays_france_voisins_ne50m.geojson",
    "regions": "regions_france_2026.csv",
    "departments": "departements_france_2026.csv",
    "border_departments": "departements_frontaliers.csv",
    "intercommunalities": "epci_france_2026.csv",
    "communes": "communes_france_2026.csv",
    "pvd": "pvd_communes.csv",
    "pvd_source": "pvd_geom_anct_2024.geojson",
    "borders": "frontieres_terrestres_france_ne10m.geojson",
    "localities": "localites_transfrontalieres_geonames_30km.csv",
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


# --- Parsing ---------------------------------------------------------------------------------------------------


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
class Dataset:
    countries: dict[str, dict[str, Any]]
    regions: dict[str, dict[str, Any]]
    departments: dict[str, dict[str, Any]]
    border_departments: set[tuple[str, str]]
    intercommunalities: dict[str, dict[str, Any]]
    towns: dict[str, dict[str, Any]]
    localities: dict[tuple[str, str, Decimal, Decimal], dict[str, Any]]


def read_countries(path: Path) -> dict[str, dict[str, Any]]:
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


def read_regions(path: Path) -> dict[str, dict[str, Any]]:
    regions: dict[str, dict[str, Any]] = {}
    seen: dict[str, int] = {}
    for _n, row in _Rows(path, ["reg_code", "reg_nom"]):
        code = row.regex("reg_code", r"[0-9]{2,3}", "region code")
        _unique(seen, code, row, "region code")
        regions[code] = {"name": row.text("reg_nom")}
    return regions


def read_departments(path: Path, *, regions: dict) -> dict[str, dict[str, Any]]:
    departments: dict[str, dict[str, Any]] = {}
    seen: dict[str, int] = {}
    for _n, row in _Rows(path, ["dep_code", "dep_nom", "reg_code"]):
        code = row.regex("dep_code", r"[0-9]{2,3}|2[AB]", "department code")
        _unique(seen, code, row, "department code")
        region = row.text("reg_code")
        if region not in regions:
            raise row.error(f"unknown region {region!r}")
        departments[code] = {"name": row.text("dep_nom"), "region": region}
    return departments


def read_border_departments(path: Path, *, departments: dict, countries: dict) -> set[tuple[str, str]]:
    border_departments: set[tuple[str, str]] = set()
    for _n, row in _Rows(path, ["dep_code", "pays_iso3"]):
        dep, iso3 = row.text("dep_code"), row.text("pays_iso3")
        if dep not in departments:
            raise row.error(f"unknown department {dep!r}")
        if iso3 not in countries:
            raise row.error(f"unknown country {iso3!r}")
        border_departments.add((dep, iso3))
    return border_departments


def read_intercommunalities(path: Path) -> tuple[dict[str, dict[str, Any]], dict[str, int]]:
    """The EPCI by SIREN, and the line each is on (for the member-count check of the communes)."""
    epcis: dict[str, dict[str, Any]] = {}
    lines: dict[str, int] = {}
    kinds = set(Intercommunality.Kind.values)
    columns = ["epci_siren", "epci_nom", "epci_type", "mode_financement", "population_municipale", "nb_communes"]
    for _n, row in _Rows(path, columns):
        siren = row.regex("epci_siren", SIREN_REGEX, "SIREN")
        _unique(lines, siren, row, "SIREN")
        kind = row.text("epci_type")
        if kind not in kinds:
            raise row.error(f"unknown EPCI type {kind!r}")
        epcis[siren] = {
            "name": row.text("epci_nom"),
            "kind": kind,
            "funding_mode": row.text("mode_financement", required=False),
            "population": row.integer("population_municipale"),
            "town_count": row.integer("nb_communes", maximum=10_000),
        }
    return epcis, lines


COMMUNE_COLUMNS = ["code_insee", "nom", "dep_code", "population", "epci_siren", "codes_postaux", "lat", "lon",
                   "frontiere_dist_km", "frontiere_pays_iso3"]  # fmt: skip


def _commune(row: _Row, *, departments: dict, epcis: dict, countries: dict) -> dict[str, Any]:
    dep = row.text("dep_code")
    if dep not in departments:
        raise row.error(f"unknown department {dep!r}")
    siren = row.regex("epci_siren", SIREN_REGEX, "SIREN", required=False)
    if siren and siren not in epcis:
        raise row.error(f"unknown EPCI {siren!r}")
    distance = row.decimal("frontiere_dist_km", minimum=Decimal(0), maximum=Decimal(20000), places=1)
    iso3 = row.text("frontiere_pays_iso3", required=False)
    if iso3 and iso3 not in countries:
        raise row.error(f"unknown country {iso3!r}")
    if (distance is None) != (not iso3):
        raise row.error("frontiere_dist_km and frontiere_pays_iso3 must be both filled or both empty")
    return {
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


def read_communes(
    path: Path, *, departments: dict, epcis: dict, epci_lines: dict[str, int], countries: dict
) -> dict[str, dict[str, Any]]:
    towns: dict[str, dict[str, Any]] = {}
    seen: dict[str, int] = {}
    per_epci: Counter[str] = Counter()
    last_line = 1
    for _n, row in _Rows(path, COMMUNE_COLUMNS):
        last_line = row.line
        code = row.regex("code_insee", INSEE_CODE_REGEX, "INSEE code")
        _unique(seen, code, row, "INSEE code")
        towns[code] = _commune(row, departments=departments, epcis=epcis, countries=countries)
        if towns[code]["intercommunality"]:
            per_epci[towns[code]["intercommunality"]] += 1
    # A file cut at a line boundary still parses: the EPCI file's member counts reveal it.
    for siren, data in epcis.items():
        if data["town_count"] is not None and per_epci[siren] != data["town_count"]:
            raise DataFileError(
                path.name,
                last_line,
                f"EPCI {siren} has {per_epci[siren]} communes here but {data['town_count']} in "
                f"{FILES['intercommunalities']} (line {epci_lines[siren]}): is the file truncated?",
            )
    return towns


def read_pvd(path: Path, *, source_path: Path, towns: dict[str, dict[str, Any]]) -> None:
    """Mark the PVD laureates in ``towns`` (``pvd_id``, ``pvd_signed_on``), checked against the ANCT file."""
    source_ids = _read_pvd_source_ids(source_path)
    seen: dict[str, int] = {}
    last_line = 1
    for _n, row in _Rows(path, ["id_pvd", "insee_com_cog2026", "date_signature"]):
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
            path.name,
            last_line,
            f"{len(missing)} laureate(s) of {FILES['pvd_source']} are missing (first: {missing[0]}): "
            "is the file truncated?",
        )


LOCALITY_COLUMNS = ["nom", "pays_iso2", "admin1", "admin2", "lat", "lon", "dist_frontiere_fr_km"]
LOCALITY_MAX_KM = Decimal(30)  # the file keeps the places 30 km or less from the French land border


def read_localities(path: Path, *, countries: dict) -> dict[tuple[str, str, Decimal, Decimal], dict[str, Any]]:
    """The GeoNames populated places across the border, by (country, name, latitude, longitude): each in a
    neighbouring country of ``countries``, with coordinates in range and a distance to France within 30 km."""
    neighbours = {c["code"] for c in countries.values() if c["borders_france"]}
    localities: dict[tuple[str, str, Decimal, Decimal], dict[str, Any]] = {}
    seen: dict[str, int] = {}
    for _n, row in _Rows(path, LOCALITY_COLUMNS):
        name = row.text("nom")
        code = row.text("pays_iso2")
        if code not in neighbours:
            raise row.error(f"unknown country {code!r} (expected one of {', '.join(sorted(neighbours))})")
        latitude = row.decimal("lat", minimum=Decimal(-90), maximum=Decimal(90), places=5)
        longitude = row.decimal("lon", minimum=Decimal(-180), maximum=Decimal(180), places=5)
        if latitude is None or longitude is None:
            raise row.error("missing coordinates (lat and lon are required)")
        distance = row.decimal("dist_frontiere_fr_km", minimum=Decimal(0), maximum=LOCALITY_MAX_KM, places=1)
        if distance is None:
            raise row.error("empty dist_frontiere_fr_km")
        key = (code, name, latitude, longitude)
        _unique(seen, f"{name} ({code}) at {latitude}, {longitude}", row, "place")
        localities[key] = {
            "admin1": row.text("admin1", required=False),
            "admin2": row.text("admin2", required=False),
            "border_distance_km": distance,
        }
    return localities


def read_dataset(data_dir: Path) -> Dataset:
    """Parse and cross-check every file; raise DataFileError before anything is written."""
    countries = read_countries(data_dir / FILES["countries"])
    by_iso3 = {c["iso3"]: c for c in countries.values()}
    regions = read_regions(data_dir / FILES["regions"])
    departments = read_departments(data_dir / FILES["departments"], regions=regions)
    border_departments = read_border_departments(
        data_dir / FILES["border_departments"], departments=departments, countries=by_iso3
    )
    epcis, epci_lines = read_intercommunalities(data_dir / FILES["intercommunalities"])
    towns = read_communes(
        data_dir / FILES["communes"], departments=departments, epcis=epcis, epci_lines=epci_lines, countries=by_iso3
    )
    read_pvd(data_dir / FILES["pvd"], source_path=data_dir / FILES["pvd_source"], towns=towns)
    localities = read_localities(data_dir / FILES["localities"], countries=countries)
    return Dataset(countries, regions, departments, border_departments, epcis, towns, localities)


def _read_pvd_source_ids(path: Path) -> set[str]:
    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        return {feature["properties"]["id_territoire"] for feature in features}
    except FileNotFoundError:
        raise DataFileError(path.name, None, "file not found") from None
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise DataFileError(path.name, getattr(exc, "lineno", None), f"not the ANCT PVD GeoJSON ({exc})") from None


def checksum(data_dir: Path) -> str:
    digest = hashlib.sha256(IMPORTER_VERSION.encode())
    for key in sorted(FILES):
        path = data_dir / FILES[key]
        digest.update(FILES[key].encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()


def border_distances_compute(data_dir: Path, towns: dict[str, dict[str, Any]]) -> dict[str, dict[str, float]]:
    """``{INSEE code: {alpha-2 code of a neighbour: km}}``: the geodesic distance from each commune with coordinates
    to each land border of its territory (see ``towns.geometry``), rounded to 0.1 km."""
    from towns.geometry import BorderFileError, border_distances, borders_load, territory_of_department

    try:
        borders = borders_load(data_dir / FILES["borders"])
    except BorderFileError as exc:
        raise DataFileError(FILES["borders"], None, str(exc).partition(": ")[2]) from None
    unknown = sorted({border.iso3 for border in borders} - set(ISO3_TO_ALPHA2))
    if unknown:
        raise DataFileError(FILES["borders"], None, f"unknown country code(s) {', '.join(unknown)}")
    result: dict[str, dict[str, float]] = {}
    for metropolitan in (True, False):
        codes = [
            code
            for code, town in towns.items()
            if town["latitude"] is not None
            and town["longitude"] is not None
            and territory_of_department(town["department"]) is metropolitan
        ]
        if not codes:
            continue
        distances = border_distances(
            [float(towns[code]["latitude"]) for code in codes],
            [float(towns[code]["longitude"]) for code in codes],
            borders=borders,
            metropolitan=metropolitan,
        )
        for index, code in enumerate(codes):
            result[code] = {ISO3_TO_ALPHA2[iso3]: round(float(km[index]), 1) for iso3, km in sorted(distances.items())}
    return result
