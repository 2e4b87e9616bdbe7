"""Full-text search of factsheets on PostgreSQL: stemming in French and English, served by the GIN indexes."""

import pytest
from django.db import connection, transaction

from mot_portal.publishing import Status, status_change
from projects.models import Factsheet
from projects.search import factsheets_search
from projects.services import factsheet_update
from tests.conftest import require_service
from tests.factories import FactsheetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def postgres():
    require_service(connection.vendor == "postgresql", "full-text search needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def factsheets(postgres):
    care = FactsheetFactory(
        slug="soins",
        title_fr="Maison de santé",
        title_en="Health centre",
        summary_fr="<p>Des soins pour les travailleurs frontaliers et leurs familles.</p>",
        summary_en="<p>Care close to home, instead of long trips to hospitals.</p>",
        published=True,
    )
    bus = FactsheetFactory(
        slug="bus",
        title_fr="Ligne de bus",
        title_en="Bus line",
        summary_fr="<p>Une ligne régulière entre les deux villes, pour les travailleurs.</p>",
        summary_en="<p>A regular line between the two towns.</p>",
        published=True,
    )
    return care, bus


def _found(text: str) -> list[str]:
    return sorted(factsheets_search(Factsheet.objects.all(), text).values_list("slug", flat=True))


def test_french_words_are_stemmed(factsheets):
    assert _found("frontalier") == ["soins"]  # the text says "frontaliers"
    assert _found("famille") == ["soins"]  # "familles"
    assert _found("travailleur") == ["bus", "soins"]
    assert _found("régulières") == ["bus"]  # "régulière"


def test_english_words_are_stemmed(factsheets):
    assert _found("hospital") == ["soins"]  # "hospitals"
    assert _found("trip") == ["soins"]  # "trips"
    assert _found("lines") == ["bus"]  # "line"


def test_prefixes_several_words_and_syntax(factsheets):
    assert _found("santé") == ["soins"]
    assert _found("sant") == ["soins"]
    assert _found("ligne régulière") == ["bus"]
    assert _found("ligne hospital") == []  # every word must match
    assert _found("!&|:*()'") == ["bus", "soins"]  # no word: no filter, and no query syntax error


def test_title_ranks_above_summary(factsheets):
    FactsheetFactory(slug="autre", title_fr="Autre projet", summary_fr="<p>Une maison des services.</p>")
    ranked = factsheets_search(Factsheet.objects.all(), "maison").order_by("-rank")
    assert [f.slug for f in ranked] == ["soins", "autre"]


def test_documents_follow_edits(factsheets):
    care, _bus = factsheets
    factsheet_update(factsheet=care, fields={"summary_fr": "<p>Un cabinet de kinésithérapie.</p>", "summary_en": ""})
    assert _found("kinésithérapie") == ["soins"]
    assert _found("hospital") == []
    status_change(obj=care, status=Status.DRAFT)  # a save of the record keeps its search documents
    status_change(obj=Factsheet.objects.get(pk=care.pk), status=Status.PUBLISHED)
    assert _found("kinésithérapie") == ["soins"]


def test_search_uses_the_gin_indexes(factsheets):
    queryset = factsheets_search(Factsheet.objects.all(), "santé")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows: force the planner's hand
        plan = queryset.explain()
    assert "factsheet_search_fr_gin" in plan
    assert "factsheet_search_en_gin" in plan
