"""Atomicity of the importer: a malformed file stops it with file, line and reason, and the database,
already loaded with the real data, stays exactly as it was."""

import pytest

from tests.towns.importing import rewrite, snapshot
from towns.models import DataImport
from towns.services import DataFileError, towns_import

pytestmark = pytest.mark.django_db


def drop_population_column(lines):
    header = lines[0].rstrip("\n").split(",")
    index = header.index("population")
    return [",".join(v for i, v in enumerate(line.rstrip("\n").split(",")) if i != index) + "\n" for line in lines]


MALFORMED = {
    "missing column": ("communes_france_2026.csv", drop_population_column, 1, "missing column(s): population"),
    "bad INSEE code": (
        "communes_france_2026.csv",
        lambda lines: [lines[0], lines[1].replace("01001,", "0100X,", 1), *lines[2:]],
        2,
        "bad INSEE code '0100X'",
    ),
    "bad number": (
        "communes_france_2026.csv",
        lambda lines: [lines[0], lines[1].replace(",860,", ",86O,", 1), *lines[2:]],
        2,
        "bad number '86O' in population",
    ),
    "duplicate code": (
        "communes_france_2026.csv",
        lambda lines: [*lines[:3], lines[2], *lines[3:]],
        4,
        "duplicate INSEE code '01002' (first seen on line 3)",
    ),
    "truncated in a line": (
        "communes_france_2026.csv",
        lambda lines: [*lines[:1000], lines[1000][:30]],
        1001,
        "columns, found",
    ),
    "truncated at a line end": (
        "communes_france_2026.csv",
        lambda lines: lines[:-200],
        34_770,
        "is the file truncated?",
    ),
    "negative distance": (
        "communes_france_2026.csv",
        lambda lines: [lines[0], lines[1].replace(",79.6,CHE", ",-79.6,CHE"), *lines[2:]],
        2,
        "frontiere_dist_km -79.6 out of range",
    ),
    "unknown EPCI": (
        "communes_france_2026.csv",
        lambda lines: [lines[0], lines[1].replace("200069193", "999999999"), *lines[2:]],
        2,
        "unknown EPCI '999999999'",
    ),
    "bad SIREN": (
        "epci_france_2026.csv",
        lambda lines: [lines[0], "20000017," + lines[1].split(",", 1)[1], *lines[2:]],
        2,
        "bad SIREN '20000017'",
    ),
    "bad PVD date": (
        "pvd_communes.csv",
        lambda lines: [lines[0], lines[1].replace("2021-05-28", "28/05/2021", 1), *lines[2:]],
        2,
        "bad date '28/05/2021'",
    ),
    "PVD town missing from communes": (
        "pvd_communes.csv",
        lambda lines: [lines[0], lines[1].replace(",97106,971,", ",97199,971,", 1), *lines[2:]],
        2,
        "unknown commune '97199'",
    ),
    "empty file": ("regions_france_2026.csv", lambda lines: [], 1, "the file is empty"),
}


@pytest.mark.parametrize("case", MALFORMED.keys())
def test_malformed_file_stops_with_file_line_and_reason_and_changes_nothing(case, data_dir, real_data):
    before, imports = snapshot(), DataImport.objects.count()
    file_name, transform, line, reason = MALFORMED[case]
    rewrite(data_dir / file_name, transform)

    with pytest.raises(DataFileError) as error:
        towns_import(data_dir=data_dir)

    assert error.value.file == file_name
    assert error.value.line == line
    assert reason in error.value.reason
    assert snapshot() == before
    assert DataImport.objects.count() == imports


def test_truncated_pvd_file_is_detected(data_dir, real_data):
    before = snapshot()
    rewrite(data_dir / "pvd_communes.csv", lambda lines: lines[:-300])
    with pytest.raises(DataFileError) as error:
        towns_import(data_dir=data_dir)
    assert error.value.file == "pvd_communes.csv"
    assert "300 laureate(s) of pvd_geom_anct_2024.geojson are missing" in error.value.reason
    assert snapshot() == before


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"type": "FeatureCollection", "features": [{"properties": {}}]}', "cannot read the land borders"),
        ("not json", "cannot read the land borders"),
        (
            '{"type": "FeatureCollection", "features": [{"properties": {"pays_iso3": "XXX", "metropole": true},'
            ' "geometry": {"type": "LineString", "coordinates": [[6, 49], [6.1, 49.1]]}}]}',
            "unknown country code(s) XXX",
        ),
    ],
)
def test_a_broken_borders_file_stops_the_import_and_changes_nothing(data_dir, real_data, content, reason):
    before = snapshot()
    (data_dir / "frontieres_terrestres_france_ne10m.geojson").write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError) as error:
        towns_import(data_dir=data_dir)
    assert error.value.file == "frontieres_terrestres_france_ne10m.geojson"
    assert reason in error.value.reason
    assert snapshot() == before
