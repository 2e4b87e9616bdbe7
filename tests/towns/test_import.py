"""The open-data importer: counts, idempotence and atomicity on malformed files."""

import csv

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import DATA_DIR
from tests.towns.importing import rewrite, snapshot
from towns.models import Country, Department, Intercommunality, Region, Town
from towns.services import DataFileError, towns_import

pytestmark = pytest.mark.django_db


def count_csv_rows(name: str) -> int:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def test_import_loads_every_record_of_the_files():
    result = towns_import(data_dir=DATA_DIR)

    assert not result.skipped
    assert Town.objects.count() == count_csv_rows("communes_france_2026.csv") == 34_969
    assert Intercommunality.objects.count() == count_csv_rows("epci_france_2026.csv") == 1_255
    assert Department.objects.count() == count_csv_rows("departements_france_2026.csv") == 109
    assert Region.objects.count() == count_csv_rows("regions_france_2026.csv") == 26
    assert Town.objects.pvd().count() == count_csv_rows("pvd_communes.csv") == 1_645
    # The nearest border of every commune with computed distances (metropolitan France and French Guiana), not
    # only of the communes of border departments (9,381 in the derived CSV).
    assert Town.objects.filter(border_distance_km__isnull=False).count() == 34_761
    assert Town.objects.exclude(border_distances={}).count() == 34_761
    assert Town.objects.filter(pvd_id__isnull=False, pvd_signed_on__isnull=True).count() == 8
    assert Department.border_countries.through.objects.count() == count_csv_rows("departements_frontaliers.csv")

    bouzonville = Town.objects.with_relations().get(insee_code="57106")
    assert bouzonville.name == "Bouzonville"
    assert bouzonville.department.code == "57"
    assert bouzonville.department.region.name == "Grand Est"
    assert bouzonville.intercommunality.siren == "200067486"
    assert bouzonville.border_country.code == "DE"
    assert str(bouzonville.border_distance_km) == "2.8"
    assert bouzonville.pvd_id == "pvd-44-57-3"
    assert bouzonville.pvd_signed_on.isoformat() == "2021-06-18"
    assert Country.objects.get(code="BE").name_en == "Belgium"
    assert set(Department.objects.get(code="57").border_countries.values_list("code", flat=True)) == {"DE", "LU"}


def test_import_twice_changes_nothing(django_assert_max_num_queries):
    towns_import(data_dir=DATA_DIR)
    before = snapshot()

    with django_assert_max_num_queries(5):
        again = towns_import(data_dir=DATA_DIR)
    assert again.skipped
    forced = towns_import(data_dir=DATA_DIR, force=True)

    assert not forced.skipped
    assert snapshot() == before
    assert forced.counts == again.counts


def test_import_command_reports_and_is_quick_when_loaded(capsys):
    call_command("import_towns")
    call_command("import_towns")
    out = capsys.readouterr().out
    assert "Loaded 12 countries" in out
    assert "already loaded" in out


def test_wrong_encoding_is_reported(data_dir):
    path = data_dir / "departements_france_2026.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
    with pytest.raises(DataFileError, match=r"departements_france_2026.csv: not valid UTF-8"):
        towns_import(data_dir=data_dir)
    assert Town.objects.count() == 0


def test_failed_import_on_empty_database_writes_nothing(data_dir):
    rewrite(data_dir / "pvd_communes.csv", lambda lines: [*lines, lines[1]])
    with pytest.raises(DataFileError, match="duplicate PVD id"):
        towns_import(data_dir=data_dir)
    assert Town.objects.count() == Country.objects.count() == Region.objects.count() == 0


def test_command_turns_errors_into_a_clear_message(data_dir):
    rewrite(data_dir / "communes_france_2026.csv", lambda lines: [lines[0], lines[1].replace("01001,", "1,", 1)])
    with pytest.raises(CommandError, match=r"nothing was changed: communes_france_2026.csv:2: bad INSEE code '1'"):
        call_command("import_towns", data_dir=data_dir)


def test_a_commune_renamed_by_the_import_is_renamed_in_the_ready_pdfs(data_dir, tasks):
    """The import writes in bulk (no model signal): it records what it changed itself, so the documents that
    show a renamed commune are refreshed once, and nothing is queued for the rest of the 35,000 communes."""
    from mot_portal.publishing import Status
    from projects.services import TownRole, factsheet_create
    from tests.documents import pdf_text, store

    towns_import(data_dir=data_dir)
    bouzonville = Town.objects.get(insee_code="57106")
    factsheet = factsheet_create(
        fields={"slug": "mission-test", "title_fr": "Projet de test"},
        town_roles=[TownRole(bouzonville, "beneficiary")],
        status=Status.PUBLISHED,
    )
    store(("factsheet", factsheet.pk))
    assert "Bouzonville (Moselle)" in pdf_text("factsheet", factsheet.pk, "fr")

    def rename(lines):
        return [line.replace("57106,Bouzonville,", "57106,Bouzonville-sur-Nied,") for line in lines]

    rewrite(data_dir / "communes_france_2026.csv", rename)
    with tasks() as log:
        towns_import(data_dir=data_dir)
    assert log.names() == {"refresh": 1, "render_document": 2}
    assert log.refreshed() == {("factsheet", factsheet.pk)}
    assert "Bouzonville-sur-Nied (Moselle)" in pdf_text("factsheet", factsheet.pk, "fr")
    with tasks() as log:
        towns_import(data_dir=data_dir, force=True)  # loaded again, unchanged
    assert log.queued == []
