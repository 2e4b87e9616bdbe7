"""Exports of /api/v1/missions/: published missions only, the filters of the JSON list, the licence, the towns as
points, and a number of queries that does not grow with the missions."""

import json
import re
from decimal import Decimal
from html import unescape

import pytest

from tests.exports import api_count, assert_geojson_licensed, assert_licensed, read_csv, read_geojson
from tests.factories import CountryFactory, ThemeFactory, bulk_missions, bulk_towns

pytestmark = pytest.mark.django_db

FILTERS = [{}, {"country": "LU"}, {"kind": "webinar"}, {"theme": "health"}, {"status": "completed"}, {"year": "2022"}]


@pytest.mark.parametrize("params", FILTERS, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "all")
def test_exports_have_the_rows_of_the_filtered_list_and_never_a_draft(client, missions, params):
    expected = api_count(client, "/api/v1/missions/", params)
    response = client.get("/api/v1/missions/", {**params, "format": "csv"})
    rows = read_csv(response)
    assert len(rows) == expected
    assert_licensed(response)
    data = read_geojson(client.get("/api/v1/missions/", {**params, "format": "geojson"}))
    assert len(data["features"]) == expected
    assert_geojson_licensed(data)
    assert "mission-secrete" not in [r["slug"] for r in rows] + [f["id"] for f in data["features"]]


def test_no_draft_reaches_an_export(client, missions):
    csv_text = "".join(str(r) for r in read_csv(client.get("/api/v1/missions/?format=csv")))
    geojson = str(read_geojson(client.get("/api/v1/missions/?format=geojson")))
    for text in (csv_text, geojson):
        assert "mission-secrete" not in text
        assert "fiche-brouillon" not in text  # a draft factsheet of a published mission
        assert "Action de la version brouillon" not in text  # a draft roadmap version


def test_csv_flattens_lists_and_nested_records(client, missions):
    rows = {r["slug"]: r for r in read_csv(client.get("/api/v1/missions/?format=csv&lang=en"))}
    flash = rows["mission-flash"]
    towns = missions.towns
    assert flash["title"] == "Test flash mission"
    assert flash["towns"] == f"{towns[0].insee_code}; {towns[1].insee_code}"
    assert flash["countries"] == "DE; LU"
    assert flash["themes"] == "health; mobility"
    assert flash["factsheets"] == "maison-de-sante"
    assert flash["status"] == "completed"
    assert flash["events"].startswith("[{")  # records with lists of their own (participants): JSON text
    assert [e["kind"] for e in json.loads(flash["events"])] == ["interviews", "workshop"]
    assert rows["webinaires"]["towns"] == ""


def test_geojson_places_a_mission_by_its_towns(client, missions):
    for town, lon in zip(missions.towns[:2], ("6.1", "6.2"), strict=True):
        town.latitude, town.longitude = Decimal("49.3"), Decimal(lon)
        town.save()
    features = {f["id"]: f for f in read_geojson(client.get("/api/v1/missions/?format=geojson"))["features"]}
    assert features["mission-flash"]["geometry"] == {"type": "MultiPoint", "coordinates": [[6.1, 49.3], [6.2, 49.3]]}
    assert features["webinaires"]["geometry"] is None


def test_roadmaps_export_published_versions_only(client, missions):
    rows = read_csv(client.get("/api/v1/roadmaps/?format=csv"))
    assert len(rows) == api_count(client, "/api/v1/roadmaps/")
    assert len(rows) == 1


@pytest.mark.parametrize("count", [5, 60])
def test_the_export_takes_the_same_queries_for_5_or_60_missions(client, django_assert_num_queries, count):
    towns = bulk_towns(20)
    countries = [
        CountryFactory(code="FR", iso3="FRA", name_fr="France", borders_france=False),
        CountryFactory(code="DE", iso3="DEU", name_fr="Allemagne"),
    ]
    themes = [ThemeFactory(slug=f"theme-{i}") for i in range(3)]
    bulk_missions(count, towns=towns, countries=countries, themes=themes)
    # The missions, then one query per prefetched relation (towns, events, roadmaps…): per chunk of 500 missions.
    with django_assert_num_queries(21):  # + the sources (prefetched)
        response = client.get("/api/v1/missions/?format=csv")
        body = b"".join(response.streaming_content)
    assert body.count(b"bulk-mission-") >= count


@pytest.mark.parametrize(
    ("query", "api_query"),
    [("", ""), ("?kind=webinar", "kind=webinar"), ("?country=LU&sort=-updated_at", "country=LU&ordering=-updated_at")],
)
def test_the_missions_page_offers_its_selection_for_download(client, missions, query, api_query):
    response = client.get(f"/en/missions/{query}")
    html = response.content.decode()
    block = html.split('class="downloads"')[1].split("</section>")[0]
    links = {media: unescape(url) for url, media in re.findall(r'<a href="([^"]+)" type="([^"]+)"', block)}
    suffix = f"{api_query}&" if api_query else ""
    assert links["text/csv"] == f"/api/v1/missions/?{suffix}format=csv"
    rows = read_csv(client.get(links["text/csv"]))
    assert len(rows) == response.context["page"].paginator.count
    assert "Licence Ouverte / Etalab 2.0" in unescape(block)
