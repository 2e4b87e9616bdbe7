"""Factsheets and booklets: sanitising, workflow, photo copies, the seed content."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from mot_portal.groups import EDITORS, VIEWERS
from mot_portal.publishing import Status, status_change
from mot_portal.sanitize import sanitize_html
from projects.models import Booklet, Factsheet, FactsheetTown, Theme
from projects.services import factsheet_create, factsheet_update, projects_content_load
from tests.conftest import CONTENT_FILE, DATA_DIR
from towns.services import content_load, towns_import
from workplan.services import programme_import

pytestmark = pytest.mark.django_db

PROJECTS_FILE = CONTENT_FILE.with_name("projects.json")


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ('<p onclick="x()">Texte <script>alert(1)</script></p>', "<p>Texte </p>"),
        ('<p style="color:red">Rouge</p><style>p{}</style>', "<p>Rouge</p>"),
        ('<p><img src="https://tracker.example/pixel.png">Photo</p>', "<p>Photo</p>"),
        # Text with no block markup is a paragraph (as the editor writes it).
        ('<a href="javascript:alert(1)">lien</a>', '<p><a rel="noopener noreferrer">lien</a></p>'),
        ('<a href="https://www.espaces-transfrontaliers.org/">MOT</a>',
         '<p><a href="https://www.espaces-transfrontaliers.org/" rel="noopener noreferrer">MOT</a></p>'),
        ("<ul><li><strong>Un</strong></li></ul>", "<ul><li><strong>Un</strong></li></ul>"),
    ],
)  # fmt: skip
def test_sanitize(dirty, clean):
    assert sanitize_html(dirty) == clean


def test_rich_text_is_sanitised_on_save_in_both_languages():
    factsheet = Factsheet.objects.create(
        slug="essai",
        title_fr="Essai",
        summary_fr='<p>Résumé<script>alert("fr")</script></p>',
        summary_en='<p>Summary<img src="http://remote.example/x.png"></p>',
        results_en='<p style="x">Done</p>',
    )
    factsheet.refresh_from_db()
    assert factsheet.summary_fr == "<p>Résumé</p>"
    assert factsheet.summary_en == "<p>Summary</p>"
    assert factsheet.results_en == "<p>Done</p>"
    booklet = Booklet.objects.create(slug="b", title_fr="B", introduction_fr="<p>Intro<script>x</script></p>")
    booklet.refresh_from_db()
    assert booklet.introduction_fr == "<p>Intro</p>"


def test_workflow_sets_the_publication_date_once():
    factsheet = Factsheet.objects.create(slug="wf", title_fr="Workflow")
    assert factsheet.status == Status.DRAFT
    assert not Factsheet.objects.published().exists()
    status_change(obj=factsheet, status=Status.IN_REVIEW)
    assert factsheet.published_at is None
    status_change(obj=factsheet, status=Status.PUBLISHED)
    first = factsheet.published_at
    assert first is not None
    assert list(Factsheet.objects.published()) == [factsheet]
    status_change(obj=factsheet, status=Status.DRAFT)
    status_change(obj=factsheet, status=Status.PUBLISHED)
    assert factsheet.published_at == first
    assert status_change(obj=factsheet, status=Status.PUBLISHED) is factsheet  # idempotent


def test_years_must_be_in_order():
    factsheet = Factsheet(slug="y", title_fr="Y", start_year=2020, end_year=2018)
    with pytest.raises(ValidationError) as error:
        factsheet.full_clean()
    assert "end_year" in error.value.message_dict


def test_a_resized_copy_of_the_photo_is_kept():
    buffer = io.BytesIO()
    Image.new("RGB", (3200, 2000), (30, 90, 160)).save(buffer, format="PNG")
    photo = SimpleUploadedFile("tende.png", buffer.getvalue(), content_type="image/png")
    factsheet = factsheet_create(fields={"slug": "photo", "title_fr": "Photo", "photo": photo})
    factsheet.refresh_from_db()
    with Image.open(factsheet.photo_resized) as resized:
        assert resized.size == (1600, 1000)
        assert resized.format == "JPEG"
    name = factsheet.photo_resized.name
    factsheet_update(factsheet=factsheet, fields={"title_en": "Photo"})
    factsheet.refresh_from_db()
    assert factsheet.photo_resized.name == name  # not made twice
    factsheet_update(factsheet=factsheet, fields={"photo": None})
    factsheet.refresh_from_db()
    assert not factsheet.photo_resized


def test_staff_groups_cover_projects():
    editors = set(Group.objects.get(name=EDITORS).permissions.values_list("codename", flat=True))
    viewers = set(Group.objects.get(name=VIEWERS).permissions.values_list("codename", flat=True))
    assert {"change_factsheet", "add_booklet", "delete_bookletentry"} <= editors
    assert {"view_factsheet", "view_booklet"} <= viewers
    assert "change_factsheet" not in viewers


@pytest.fixture
def seeded():
    towns_import(data_dir=DATA_DIR)
    content_load(path=CONTENT_FILE)
    programme_import(path=programme_file(), status="published")
    return projects_content_load(path=PROJECTS_FILE)


def programme_file():
    from tests.workplan.test_import import FILE

    return FILE


def test_seed_content_is_the_booklet_and_its_eight_factsheets(seeded):
    assert seeded == {"themes": 14, "factsheets": 8, "booklets": 1}
    booklet = Booklet.objects.get()
    assert (booklet.title_fr, booklet.title_en) == ("Petites villes aux frontières", "Small Towns on Borders")
    assert booklet.status == Status.PUBLISHED
    slugs = list(booklet.entries.order_by("position").values_list("factsheet__slug", flat=True))
    assert slugs[0] == "pole-sante-transfrontalier-mosan"
    assert slugs[-1] == "tvbuonair"
    assert len(slugs) == 8
    for factsheet in Factsheet.objects.all():
        assert factsheet.title_en
        assert factsheet.summary_en
        # No source gives these: they stay empty rather than guessed.
        assert (factsheet.budget, factsheet.funding_programme, factsheet.website) == ("", "", "")
        assert factsheet.start_year is None
        assert factsheet.end_year is None
        assert not factsheet.results_fr
    mosan = Factsheet.objects.get(slug="pole-sante-transfrontalier-mosan")
    assert set(mosan.countries.values_list("code", flat=True)) == {"FR", "BE"}
    assert list(mosan.themes.values_list("slug", flat=True)) == ["health"]
    assert Theme.objects.get(slug="health").deal_theme.number == 7
    joeuf = FactsheetTown.objects.filter(factsheet__slug="maison-des-frontaliers-joeuf-briey")
    assert sorted(joeuf.values_list("town__name", flat=True)) == ["Jœuf", "Val de Briey"]
    assert set(joeuf.values_list("role", flat=True)) == {""}  # the source does not say which role
    assert Factsheet.objects.get(slug="espace-mont-blanc").cross_border_area.slug == "espace-mont-blanc"


def test_seed_content_load_is_idempotent_and_keeps_edits(seeded):
    factsheet = Factsheet.objects.get(slug="destination-ardenne")
    factsheet.summary_en = "<p>Edited.</p>"
    factsheet.save()
    assert projects_content_load(path=PROJECTS_FILE) == {"themes": 0, "factsheets": 0, "booklets": 0}
    assert Factsheet.objects.get(slug="destination-ardenne").summary_en == "<p>Edited.</p>"
    assert Factsheet.objects.count() == 8


def test_load_command_reports_a_bad_entry_and_writes_nothing(tmp_path):
    import json

    from django.core.management import CommandError, call_command

    content = json.loads(PROJECTS_FILE.read_text(encoding="utf-8"))
    content["factsheets"][4]["towns"] = {"99999": ""}
    bad = tmp_path / "projects.json"
    bad.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(CommandError, match=r"nothing was changed: projects\.json"):
        call_command("load_projects", path=bad)
    assert not Factsheet.objects.exists()
    assert not Theme.objects.exists()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_seed_pages_render_well_with_their_empty_fields(client, seeded, lang):
    """The real booklet and factsheets, whose budgets, years and results no source gives."""
    from django.utils.html import escape

    from tests.conftest import localized_url

    booklet = client.get(localized_url("projects:booklet_detail", lang, slug="petites-villes-aux-frontieres"))
    html = booklet.content.decode()
    assert booklet.status_code == 200
    assert ("Small Towns on Borders" if lang == "en" else "Petites villes aux frontières") in html
    assert ("8 factsheets" if lang == "en" else "8 fiches projet") in html
    for factsheet in Factsheet.objects.all():
        response = client.get(localized_url("projects:factsheet_detail", lang, slug=factsheet.slug))
        page = response.content.decode()
        assert response.status_code == 200
        assert escape(getattr(factsheet, f"title_{lang}")) in page
        assert "None" not in page
        assert "not yet fully translated" not in page  # the seed is written in both languages
    joeuf = client.get(localized_url("towns:town_detail", lang, insee_code="54280")).content.decode()
    assert ("Role not stated" if lang == "en" else "Rôle non précisé") in joeuf
    assert "/maison-des-frontaliers-joeuf-briey/" in joeuf


def test_a_factsheet_copied_as_a_new_record_keeps_its_search_documents_apart(catalogue):
    copy = Factsheet.objects.get(pk=catalogue.care.pk)
    copy.pk, copy.slug = None, "maison-de-sante-copie"
    copy.save()  # the usual copy idiom: inserted, not forced into an update
    assert Factsheet.objects.filter(slug__startswith="maison-de-sante").count() == 2


def test_the_resized_copy_is_recognised_by_its_exact_name():
    from projects.services import _copy_of

    assert _copy_of("pont", "pont")
    assert _copy_of("pont_AbC1234", "pont")  # the name the storage gave when "pont.jpg" was taken
    assert not _copy_of("pont_2", "pont")
    assert not _copy_of("pont-neuf", "pont")
