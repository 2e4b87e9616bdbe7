"""The real loaders (``make data``) create one source per seed document, with the facts the documents give, and
link every record to its own; the records' first publication comes from them. The data migrations do the same
for a database loaded before sources existed."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from editorial.models import Source
from missions.models import Mission
from missions.services import missions_content_load
from projects.models import Booklet, Factsheet
from projects.services import projects_content_load
from tests.conftest import CONTENT_FILE, DATA_DIR
from towns.models import CrossBorderArea, Partner
from towns.services import content_load, towns_import
from workplan.models import Programme
from workplan.services import programme_import

CONTENT = CONTENT_FILE.parent
PROGRAMME_FILE = CONTENT.parent / "workplan" / "programme_2025.txt"
MOT = "Mission Opérationnelle Transfrontalière (MOT)"


@pytest.fixture
def loaded(db):
    towns_import(data_dir=DATA_DIR)
    content_load(path=CONTENT_FILE)
    programme_import(path=PROGRAMME_FILE, status="published")
    projects_content_load(path=CONTENT / "projects.json")
    missions_content_load(path=CONTENT / "missions.json")


def test_the_loaders_create_one_source_per_document_and_link_every_record_to_its_own(loaded):
    seeds = {s.internal_reference: s for s in Source.objects.exclude(internal_reference="")}
    assert {ref: (s.publisher, s.date, s.date_precision, s.language) for ref, s in seeds.items()} == {
        "000_b0d5d02b040f975c.txt": (MOT, datetime.date(2021, 3, 1), "month", "en"),
        "001_97893f4f8a25e213.txt": (MOT, datetime.date(2020, 10, 1), "month", "fr"),
        "002_b9062ec9700e2f17.txt": (MOT, datetime.date(2022, 6, 1), "month", "en"),
        "003_f1d6de90efcdcca7.txt": (MOT, datetime.date(2024, 1, 1), "month", "fr"),
        "004_0ac2cfdaee86e1ed.txt": (MOT, datetime.date(2025, 1, 29), "day", "fr"),
    }
    # No address was given for the seed documents: none is made up.
    assert all(s.url == "" for s in seeds.values())
    # The web pages the cross-border areas cite, by their address; only the brochure is dated (July 2020).
    web = Source.objects.filter(internal_reference="")
    assert web.count() == 4
    assert set(web.exclude(date=None).values_list("title", flat=True)) == {"Grand Genève, mode d'emploi"}

    booklet_source = seeds["000_b0d5d02b040f975c.txt"]
    assert booklet_source.factsheets.count() == Factsheet.objects.count() == 8
    assert list(booklet_source.booklets.all()) == list(Booklet.objects.all())
    for record in [*Factsheet.objects.all(), Booklet.objects.get()]:
        assert (record.first_published_on, record.first_published_precision) == (datetime.date(2021, 3, 1), "month")
    flash = Mission.objects.get(slug="mission-flash-bouzonville-sierck-les-bains")
    assert list(flash.sources.values_list("internal_reference", flat=True)) == ["002_b9062ec9700e2f17.txt"]
    assert (flash.first_published_on, flash.first_published_precision) == (datetime.date(2022, 6, 1), "month")
    experiment = Mission.objects.get(slug="experimentation-bassins-de-vie-transfrontaliers")
    assert experiment.first_published_on == datetime.date(2024, 1, 1)
    programme = Programme.objects.get(year=2025)
    assert list(programme.sources.values_list("internal_reference", flat=True)) == ["004_0ac2cfdaee86e1ed.txt"]
    assert (programme.first_published_on, programme.first_published_precision) == (datetime.date(2025, 1, 29), "day")
    assert Partner.objects.get(slug="banque-des-territoires").sources.count() == 3
    assert CrossBorderArea.objects.get(slug="agglomeration-franco-valdo-genevoise").sources.count() == 3
    assert all(area.sources.exists() for area in CrossBorderArea.objects.all())

    # Loading again creates no second source.
    count = Source.objects.count()
    content_load(path=CONTENT_FILE)
    projects_content_load(path=CONTENT / "projects.json")
    programme_import(path=PROGRAMME_FILE, status="published")
    assert Source.objects.count() == count


@pytest.mark.django_db
def test_the_programme_page_cites_its_document_without_the_file(client):
    programme = programme_import(path=PROGRAMME_FILE, status="published").programme
    for lang, date in (("fr", "29 janvier 2025"), ("en", "29 January 2025")):
        from django.utils import translation

        with translation.override(lang):
            url = programme.get_absolute_url()
        text = client.get(url).content.decode()
        assert '<cite lang="fr">Programme de travail de la MOT 2025</cite>' in text
        assert f'<time datetime="2025-01-29">{date}</time>' in text
        assert ".txt" not in text


BEFORE = [
    ("editorial", "0002_roles"),
    ("projects", "0005_photo_upload_checks"),
    ("towns", "0007_area_sources"),
    ("missions", "0003_progress_and_publication_status"),
    ("workplan", "0003_alter_programme_status"),
]


@pytest.mark.django_db(transaction=True)
def test_the_migrations_turn_the_old_provenance_into_linked_sources():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    try:
        old.get_model("projects", "Factsheet").objects.create(
            slug="f", title="F", title_fr="F", source_document="000_b0d5d02b040f975c.txt (MOT, March 2021)"
        )
        old.get_model("projects", "Factsheet").objects.create(slug="g", title="G", title_fr="G")
        old.get_model("workplan", "Programme").objects.create(
            year=2025, title="P", title_fr="P", source="programme_2025.txt"
        )
        old.get_model("towns", "CrossBorderArea").objects.create(
            slug="a",
            name="A",
            name_fr="A",
            source="003_f1d6de90efcdcca7.txt (MOT, January 2024); members: «Grand Genève, mode d'emploi», Grand "
            "Genève (GLCT), July 2020, https://fr.readkong.com/page/grand-gen-ve-mode-d-emploi-juillet-2020-8835875",
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    factsheet = Factsheet.objects.get(slug="f")
    assert list(factsheet.sources.values_list("internal_reference", flat=True)) == ["000_b0d5d02b040f975c.txt"]
    assert (factsheet.first_published_on, factsheet.first_published_precision) == (datetime.date(2021, 3, 1), "month")
    assert factsheet.source_document == "000_b0d5d02b040f975c.txt (MOT, March 2021)"  # kept, for staff
    untouched = Factsheet.objects.get(slug="g")
    assert not untouched.sources.exists()
    assert untouched.first_published_on is None
    assert Programme.objects.get().first_published_on == datetime.date(2025, 1, 29)
    area = CrossBorderArea.objects.get(slug="a")
    assert sorted(s.title for s in area.sources.all()) == [
        'Expérimentation "Bassins de vie transfrontaliers"\u00a0: des premières pistes d\'actions élaborées avec '
        "les acteurs locaux",
        "Grand Genève, mode d'emploi",
    ]
    from django.contrib.auth.models import Group

    codenames = {
        name: set(
            Group.objects.get(name=name)
            .permissions.filter(content_type__model="source")
            .values_list("codename", flat=True)
        )
        for name in ("Editors", "Reviewers", "Viewers")
    }
    full = {"add_source", "change_source", "delete_source", "view_source"}
    assert codenames == {"Editors": full, "Reviewers": full, "Viewers": {"view_source"}}
