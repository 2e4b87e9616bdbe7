"""The data catalogue: the page in French and English, and the DCAT-AP JSON-LD whose every download answers."""

import json
import re
from html import unescape

import pytest

from mot_portal.exports import CC_BY_4, OPEN_LICENCE
from tests.conftest import localized_url
from tests.factories import FactsheetFactory
from tests.workplan.test_import import FILE
from towns.models import Country, Locality
from workplan.services import programme_import

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_data")]


@pytest.fixture
def content(db):
    # Whatever other tests loaded (the session's real data has the GeoNames localities): none here, until a test
    # creates one (rolled back with the test).
    Locality.objects.all().delete()
    programme_import(path=FILE, status="published")
    FactsheetFactory(slug="publiee", title_fr="Fiche publiée", title_en="Published sheet", published=True)
    FactsheetFactory(slug="brouillon", title_fr="Fiche brouillon", title_en="Draft sheet")


def test_the_catalogue_urls_are_translated():
    assert localized_url("data_catalogue", "fr") == "/fr/donnees/"
    assert localized_url("data_catalogue", "en") == "/en/data/"


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["Open data", "French communes", "Cross-border project factsheets", "Support missions",
                "Work programme activity lines", "Official INSEE code of the commune", "Licence Ouverte / Etalab 2.0",
                "34,969", "Browse and filter"]),
        ("fr", ["Données ouvertes", "Communes françaises", "Fiches projet transfrontalières",
                "Missions d'accompagnement", "Lignes d'activité du programme de travail",
                "Code INSEE officiel de la commune", "Licence Ouverte / Etalab 2.0", "34\xa0969",
                "Parcourir et filtrer"]),
    ],
)  # fmt: skip
def test_the_catalogue_page_lists_each_dataset_in_each_language(client, content, lang, words):
    response = client.get(localized_url("data_catalogue", lang))
    assert response.status_code == 200
    html = unescape(response.content.decode())
    for word in words:
        assert word in html, word
    assert OPEN_LICENCE.url in html
    for path in ("/api/v1/towns/?format=csv", "/api/v1/factsheets/?format=geojson", "/api/v1/missions/?format=csv",
                 "/api/v1/activity-lines/?format=csv", "/api/v1/catalogue/"):  # fmt: skip
        assert f'href="{path}"' in html
    assert "/api/v1/localities/" not in html  # no locality loaded yet: the dataset is left out


def test_the_catalogue_counts_published_records_only(client, content):
    html = unescape(client.get("/en/data/").content.decode())
    factsheets = html.split('id="factsheets"')[1].split("</section>")[0]
    assert re.search(r"<dt>Records</dt><dd>1</dd>", factsheets)
    lines = html.split('id="activity-lines"')[1].split("</section>")[0]
    assert re.search(r"<dt>Records</dt><dd>100</dd>", lines)


def test_the_footer_links_the_catalogue(client):
    html = client.get("/en/").content.decode()
    assert 'href="/en/data/"' in html


def test_localities_appear_once_loaded_with_their_licence(client, content):
    Locality.objects.create(
        name="Mons", country=Country.objects.get(code="BE"), latitude="50.45", longitude="3.95", border_distance_km="17"
    )
    html = unescape(client.get("/en/data/").content.decode())
    section = html.split('id="localities"')[1].split("</section>")[0]
    assert "Localities across the border" in section
    assert CC_BY_4.url in section
    assert "GeoNames" in section
    assert 'href="/api/v1/localities/?format=csv"' in section


def test_the_page_and_the_dcat_take_a_constant_number_of_queries(client, content, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):  # a count and a date for each of five datasets
        assert client.get("/fr/donnees/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/catalogue/").status_code == 200


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_dcat_catalogue_parses_and_every_download_answers(client, content, lang):
    response = client.get(f"/api/v1/catalogue/?lang={lang}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    catalogue = json.loads(response.content)
    assert catalogue["@type"] == "dcat:Catalog"
    assert catalogue["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    assert catalogue["@context"]["dct"] == "http://purl.org/dc/terms/"
    assert catalogue["dct:title"]["@language"] == lang
    datasets = {d["dct:identifier"]: d for d in catalogue["dcat:dataset"]}
    assert set(datasets) == {"towns", "factsheets", "missions", "activity-lines"}
    assert datasets["towns"]["dct:modified"]["@type"] == "xsd:dateTime"  # the towns import
    assert datasets["activity-lines"]["dct:modified"] == {"@value": "2025-01-29", "@type": "xsd:date"}
    downloads = 0
    for dataset in datasets.values():
        assert dataset["@type"] == "dcat:Dataset"
        assert dataset["dct:license"] == {"@id": OPEN_LICENCE.url}
        assert dataset["dct:title"]["@value"]
        media = set()
        for distribution in dataset["dcat:distribution"]:
            assert distribution["@type"] == "dcat:Distribution"
            assert distribution["dct:license"] == {"@id": OPEN_LICENCE.url}
            assert distribution["dcat:accessURL"]["@id"].startswith("http://testserver/api/v1/")
            media.add(distribution["dcat:mediaType"]["@id"].rpartition("/media-types/")[2])
            url = distribution["dcat:downloadURL"]["@id"]
            assert url.startswith("http://testserver/api/v1/")
            answer = client.get(url.removeprefix("http://testserver"))
            assert answer.status_code == 200, url
            if answer.streaming:
                assert b"".join(answer.streaming_content)
            downloads += 1
        assert media == {"text/csv", "application/geo+json", "application/json"}
    assert downloads == 12


@pytest.mark.parametrize(
    ("lang", "words"), [("en", "The portal's own content"), ("fr", "Le contenu propre au portail")]
)
def test_the_credits_page_states_the_portals_licence_and_links_the_catalogue(client, lang, words):
    html = unescape(client.get(localized_url("credits", lang)).content.decode())
    assert words in html
    assert OPEN_LICENCE.url in html
    assert f'href="{localized_url("data_catalogue", lang)}"' in html


def test_dataset_uris_are_the_same_in_every_language(client, content):
    ids = {
        lang: [d["@id"] for d in json.loads(client.get(f"/api/v1/catalogue/?lang={lang}").content)["dcat:dataset"]]
        for lang in ("fr", "en")
    }
    assert ids["fr"] == ids["en"]
    assert ids["fr"][0] == "http://testserver/api/v1/catalogue/#towns"
