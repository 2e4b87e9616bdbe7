"""Exports of /api/v1/activity-lines/: the lines of published programmes, with the filters of the JSON list."""

import re
from html import unescape

import pytest

from tests.exports import api_count, assert_geojson_licensed, assert_licensed, read_csv, read_geojson
from workplan.models import Programme

pytestmark = pytest.mark.django_db

FILTERS = [{}, {"programme": "2025"}, {"code": "3.1"}, {"deal_theme": "8"}, {"is_token": "true"}, {"search": "France"}]


@pytest.mark.parametrize("params", FILTERS, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "all")
def test_exports_have_the_rows_of_the_filtered_list(client, programme, params):
    expected = api_count(client, "/api/v1/activity-lines/", params)
    assert expected > 0
    response = client.get("/api/v1/activity-lines/", {**params, "format": "csv"})
    rows = read_csv(response)
    assert len(rows) == expected
    assert_licensed(response)
    data = read_geojson(client.get("/api/v1/activity-lines/", {**params, "format": "geojson"}))
    assert len(data["features"]) == expected
    assert all(f["geometry"] is None for f in data["features"])  # valid GeoJSON: lines have no place
    assert [f["id"] for f in data["features"]] == [int(r["id"]) for r in rows]
    assert_geojson_licensed(data)


def test_csv_columns_are_the_api_fields(client, programme):
    rows = read_csv(client.get("/api/v1/activity-lines/?format=csv&code=3.1&lang=en"))
    assert list(rows[0]) == [
        "id", "programme", "code", "parent_code", "text", "text_fr", "text_en", "deal_themes", "transversal_themes",
        "is_token",
    ]  # fmt: skip
    json_lines = client.get("/api/v1/activity-lines/?code=3.1&lang=en&page_size=100").json()["results"]
    assert [int(r["id"]) for r in rows] == [line["id"] for line in json_lines]
    assert [r["deal_themes"] for r in rows] == ["; ".join(map(str, line["deal_themes"])) for line in json_lines]


def test_an_unpublished_programme_is_not_exported(client, programme):
    Programme.objects.filter(pk=programme.pk).update(status=Programme.Status.DRAFT)
    assert read_csv(client.get("/api/v1/activity-lines/?format=csv")) == []
    assert read_geojson(client.get("/api/v1/activity-lines/?format=geojson"))["features"] == []


def test_the_export_is_a_constant_handful_of_queries(client, programme, django_assert_num_queries):
    with django_assert_num_queries(3):  # the lines, their deal themes, their transversal themes
        response = client.get("/api/v1/activity-lines/?format=csv")
        assert len(b"".join(response.streaming_content).splitlines()) > 100


@pytest.mark.parametrize(
    ("query", "api_query"),
    [
        ("", "programme=2025"),
        ("?axis=3&deal=8", "programme=2025&code=3&deal_theme=8"),
        ("?token=on&q=France", "programme=2025&is_token=true&search=France"),
    ],
)
def test_the_programme_page_offers_its_activity_lines_for_download(client, programme, query, api_query):
    html = client.get(f"/en/work-programme/2025/{query}").content.decode()
    block = html.split('class="downloads"')[1].split("</section>")[0]
    links = {media: unescape(url) for url, media in re.findall(r'<a href="([^"]+)" type="([^"]+)"', block)}
    assert links["text/csv"] == f"/api/v1/activity-lines/?{api_query}&format=csv"
    params = dict(pair.split("=") for pair in api_query.split("&"))
    assert len(read_csv(client.get(links["text/csv"]))) == api_count(client, "/api/v1/activity-lines/", params)
    assert "Licence Ouverte / Etalab 2.0" in unescape(block)
