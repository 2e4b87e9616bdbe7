"""Exports of /api/v1/factsheets/: published factsheets only, the filters of the JSON list, the licence, the towns
as points, and a number of queries that does not grow with the factsheets."""

import json
import re
from decimal import Decimal
from html import unescape

import pytest

from tests.exports import api_count, assert_geojson_licensed, assert_licensed, read_csv, read_geojson
from tests.factories import CountryFactory, CrossBorderAreaFactory, ThemeFactory, bulk_factsheets, bulk_towns

pytestmark = pytest.mark.django_db

FILTERS = [{}, {"country": "BE"}, {"theme": "mobility"}, {"role": "beneficiary"}, {"year": "2020"}, {"search": "soins"}]


@pytest.mark.parametrize("params", FILTERS, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "all")
def test_exports_have_the_rows_of_the_filtered_list_and_never_a_draft(client, catalogue, params):
    expected = api_count(client, "/api/v1/factsheets/", params)
    response = client.get("/api/v1/factsheets/", {**params, "format": "csv"})
    rows = read_csv(response)
    assert len(rows) == expected
    assert_licensed(response)
    data = read_geojson(client.get("/api/v1/factsheets/", {**params, "format": "geojson"}))
    assert len(data["features"]) == expected
    assert_geojson_licensed(data)
    for exported in ([r["slug"] for r in rows], [f["id"] for f in data["features"]]):
        assert "brouillon-secret" not in exported


def test_a_draft_is_in_no_export(client, catalogue):
    rows = read_csv(client.get("/api/v1/factsheets/?format=csv"))
    assert sorted(r["slug"] for r in rows) == ["covoiturage", "maison-de-sante"]
    text = json.dumps(read_geojson(client.get("/api/v1/factsheets/?format=geojson")))
    assert "brouillon-secret" not in text
    assert "Secret draft" not in text
    assert "confidentiel" not in text


def test_csv_flattens_the_nested_records(client, catalogue):
    rows = {r["slug"]: r for r in read_csv(client.get("/api/v1/factsheets/?format=csv&lang=en"))}
    care = rows["maison-de-sante"]
    towns = catalogue.towns
    assert care["title"] == "Cross-border health centre"
    assert care["countries"] == "BE"
    assert care["themes"] == "health"
    assert care["towns"] == f"{towns[0].insee_code}; {towns[1].insee_code}"  # the identifiers of the nested rows
    assert care["partners"] == "hopital-mons"
    assert care["start_year"] == "2019"
    assert care["budget"] == ""
    assert care["status"] == "published"
    assert care["url"].endswith("/en/factsheets/maison-de-sante/")
    assert "status" in care
    assert "partner" not in care  # write-only fields are not exported


def test_geojson_places_a_factsheet_by_its_towns_or_its_area(client, catalogue):
    first, second = catalogue.towns[0], catalogue.towns[1]
    for town, (lat, lon) in ((first, ("50.45", "3.95")), (second, ("50.6", "3.4"))):
        town.latitude, town.longitude = Decimal(lat), Decimal(lon)
        town.save()
    area = CrossBorderAreaFactory(latitude=Decimal("49.5"), longitude=Decimal("6.1"))
    catalogue.carpool.cross_border_area = area
    catalogue.carpool.save()
    catalogue.carpool.town_roles.all().delete()
    features = {f["id"]: f for f in read_geojson(client.get("/api/v1/factsheets/?format=geojson"))["features"]}
    assert features["maison-de-sante"]["geometry"] == {
        "type": "MultiPoint",
        "coordinates": [[3.95, 50.45], [3.4, 50.6]],
    }
    assert features["covoiturage"]["geometry"] == {"type": "Point", "coordinates": [6.1, 49.5]}
    assert features["maison-de-sante"]["properties"]["slug"] == "maison-de-sante"


def test_a_factsheet_without_a_place_has_a_null_geometry(client, catalogue):
    features = read_geojson(client.get("/api/v1/factsheets/?format=geojson"))["features"]
    assert [f["geometry"] for f in features] == [None, None]  # the bulk towns have no coordinates


def test_other_project_lists_export_published_records_only(client, catalogue):
    booklets = read_csv(client.get("/api/v1/booklets/?format=csv"))
    assert [b["slug"] for b in booklets] == ["livret"]
    themes = read_csv(client.get("/api/v1/themes/?format=csv"))
    assert {t["slug"] for t in themes} == {"health", "mobility"}


@pytest.mark.parametrize("count", [10, 300])
def test_the_export_takes_the_same_queries_for_10_or_300_factsheets(client, django_assert_num_queries, count):
    towns = bulk_towns(40)
    countries = [CountryFactory(code="BE"), CountryFactory(code="DE", iso3="DEU", name_fr="Allemagne")]
    themes = [ThemeFactory(slug=f"theme-{i}") for i in range(5)]
    bulk_factsheets(count, towns=towns, countries=countries, themes=themes)
    for fmt in ("csv", "geojson"):
        with django_assert_num_queries(
            6
        ):  # the factsheets, then one per prefetch (countries, themes, towns, partners, sources)
            response = client.get(f"/api/v1/factsheets/?format={fmt}")
            body = b"".join(response.streaming_content)
        assert body.count(b"bulk-") >= count


def _links(html: str) -> dict[str, str]:
    block = html.split('class="downloads"')[1].split("</section>")[0]
    return {media: unescape(url) for url, media in re.findall(r'<a href="([^"]+)" type="([^"]+)"', block)}


@pytest.mark.parametrize(
    ("query", "api_query"),
    [
        ("", ""),
        ("?country=BE&sort=-start_year", "country=BE&ordering=-start_year"),
        ("?theme=mobility&role=partner&page=1", "theme=mobility&role=partner"),
    ],
)
def test_the_factsheets_page_offers_its_selection_for_download(client, catalogue, query, api_query):
    response = client.get(f"/en/factsheets/{query}")
    links = _links(response.content.decode())
    suffix = f"{api_query}&" if api_query else ""
    assert links["text/csv"] == f"/api/v1/factsheets/?{suffix}format=csv"
    assert links["application/json"] == f"/api/v1/factsheets/?{api_query}".rstrip("?")
    rows = read_csv(client.get(links["text/csv"]))
    assert len(rows) == response.context["page"].paginator.count
    assert len(read_geojson(client.get(links["application/geo+json"]))["features"]) == len(rows)
    assert "Licence Ouverte / Etalab 2.0" in unescape(response.content.decode())
