"""The diagnostic's PDF (documents registry, kind "diagnostic"): its text in French and English, drafts absent, and
the refresh of stored diagnostics after an edit, without ever going through all the communes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mot_portal.documents import registry
from mot_portal.documents.models import StoredDocument
from projects.services import factsheet_update
from tests.documents import pdf_text, store
from tests.factories import bulk_towns
from tests.towns.test_diagnostic import empty_town, rich  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_pdf_in_french_and_english(rich):  # noqa: F811
    town = rich["town"]
    store(("diagnostic", town.pk))
    english = pdf_text("diagnostic", town.pk, "en")
    french = pdf_text("diagnostic", town.pk, "fr")
    for text in ("Bouzonville", "Germany: land border at 2.8 km", "Wallerfangen", "Eurodistrict SaarMoselle",
                 "Landkreis Saarlouis", "Border project", "Creutzwald", "Natural Earth", "GeoNames"):  # fmt: skip
        assert text in english, text
    assert "Diagnostic of cross-border opportunities" in english
    assert "Bouzonville" in french
    assert "Allemagne" in french
    assert "Wallerfangen" in french
    assert "Secret draft sheet" not in english
    assert "Mission brouillon secrète" not in french
    assert "Mission brouillon secrète" not in english


def test_pdf_download_for_any_commune(client, empty_town):  # noqa: F811
    response = client.get(f"/en/documents/diagnostic/{empty_town.insee_code}/en/")
    assert response.status_code in (200, 202)  # ready, or queued for rendering (the status page)
    store(("diagnostic", empty_town.pk))
    response = client.get(f"/en/documents/diagnostic/{empty_town.insee_code}/en/")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text("diagnostic", empty_town.pk, "en")
    assert "Lointaine" in text
    assert "Nothing known yet" in text
    assert client.get("/en/documents/diagnostic/99999/en/").status_code == 404


def test_factsheet_edit_refreshes_the_stored_diagnostic_only(rich, empty_town, tasks):  # noqa: F811
    town = rich["town"]
    store(("diagnostic", town.pk))
    before = StoredDocument.objects.get(kind="diagnostic", object_id=town.pk, language="en").content_hash
    with tasks() as log:
        factsheet_update(factsheet=rich["border"], fields={"title_en": "Renamed border project"})
    assert ("diagnostic", town.pk) in log.refreshed()
    assert ("diagnostic", empty_town.pk) not in log.refreshed()  # no stored document: nothing to refresh
    after = StoredDocument.objects.get(kind="diagnostic", object_id=town.pk, language="en")
    assert after.content_hash != before
    assert "Renamed border project" in pdf_text("diagnostic", town.pk, "en")
    assert not StoredDocument.objects.filter(kind="diagnostic", object_id=empty_town.pk).exists()


def test_draft_edit_refreshes_nothing(rich, tasks):  # noqa: F811
    store(("diagnostic", rich["town"].pk))
    with tasks() as log:
        factsheet_update(factsheet=rich["draft"], fields={"title_en": "Still a draft"})
    assert not any(kind == "diagnostic" for kind, _pk in log.refreshed())


def _affected_queries() -> int:
    from mot_portal import changes
    from towns.models import Town

    change_set = changes.ChangeSet()
    change_set.saved[Town] = {pk: None for pk in Town.objects.values_list("pk", flat=True)[:50]}
    with CaptureQueriesContext(connection) as ctx:
        pairs = registry.affected(change_set)
    return len(ctx.captured_queries), {pair for pair in pairs if pair[0] == "diagnostic"}


def test_invalidation_does_not_grow_with_the_number_of_towns(rich):  # noqa: F811
    store(("diagnostic", rich["town"].pk))
    queries, pairs = _affected_queries()
    assert pairs == {("diagnostic", rich["town"].pk)}
    bulk_towns(2000, start=500)
    more_queries, more_pairs = _affected_queries()
    assert more_pairs == pairs
    assert more_queries == queries


def test_every_dependency_of_the_diagnostic_refreshes_a_stored_one(rich):  # noqa: F811
    """A change to any record of each declared dependency (of what the diagnostic shows) reaches the stored
    diagnostic, and only it (tests/mot_portal/test_invalidation.py leaves this kind to this test)."""
    from missions.models import NationalProgramme
    from mot_portal import changes
    from towns.documents import DIAGNOSTIC
    from towns.models import DataImport

    DataImport.objects.create(dataset="towns", checksum="0" * 64)
    NationalProgramme.objects.create(slug="pvd", name="Petites villes de demain")
    store(("diagnostic", rich["town"].pk))
    for dependency in DIAGNOSTIC.depends_on:
        records = dependency.model.objects.all()
        if dependency.shown is not None:
            records = records.filter(dependency.shown)
        pk = records.values_list("pk", flat=True).first()
        assert pk is not None, dependency.model
        change_set = changes.ChangeSet()
        change_set.saved[dependency.model] = {pk: set(dependency.fields) if dependency.fields else None}
        assert registry.affected(change_set) >= {("diagnostic", rich["town"].pk)}, dependency.model
        assert {p for p in registry.affected(change_set) if p[0] == "diagnostic"} == {("diagnostic", rich["town"].pk)}
