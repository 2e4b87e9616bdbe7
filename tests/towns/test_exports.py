"""Exports of /api/v1/towns/ (and the other towns lists) on the real data: every row, the same filters as the JSON
list, the same fields, the licence, a constant number of queries."""

import json
import re
from html import unescape

import pytest

from tests.exports import (
    CC_BY_4,
    api_count,
    assert_geojson_licensed,
    assert_licensed,
    read_csv,
    read_geojson,
)
from towns.models import Locality

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_data")]

FILTERS = [
    {},
    {"is_pvd": "true"},
    {"border_country": "BE"},
    {"near": "CH:20"},
    {"department": "57", "is_pvd": "false"},
    {"search": "sierck"},
    {"max_border_distance": "5", "region": "44"},
]


@pytest.mark.parametrize("params", FILTERS, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "all")
def test_csv_has_every_row_of_the_filtered_list(client, params):
    expected = api_count(client, "/api/v1/towns/", params)
    response = client.get("/api/v1/towns/", {**params, "format": "csv"})
    rows = read_csv(response)
    assert len(rows) == expected
    assert_licensed(response)
    if params == {}:
        assert expected == 34_969


@pytest.mark.parametrize("params", FILTERS[1:5], ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()))
def test_geojson_has_every_row_of_the_filtered_list(client, params):
    expected = api_count(client, "/api/v1/towns/", params)
    data = read_geojson(client.get("/api/v1/towns/", {**params, "format": "geojson"}))
    assert len(data["features"]) == expected
    assert_geojson_licensed(data)


def test_the_whole_geojson_places_the_towns_with_coordinates_and_leaves_the_others_without_geometry(client):
    data = read_geojson(client.get("/api/v1/towns/?format=geojson"))
    assert len(data["features"]) == 34_969
    without = [f for f in data["features"] if f["geometry"] is None]
    assert len(without) == 101  # SOURCES.md: 101 communes have no centroid
    assert all(f["properties"]["latitude"] is None for f in without)
    bouzonville = next(f for f in data["features"] if f["id"] == "57106")
    assert bouzonville["geometry"] == {"type": "Point", "coordinates": [6.54102, 49.29901]}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_exported_records_are_the_json_records(client, lang):
    """The export's fast path (``.values()``) gives exactly what the serializer gives, field for field."""
    params = {"department": "08", "ordering": "-population", "lang": lang}
    page = client.get("/api/v1/towns/", {**params, "page_size": 100}).json()["results"]
    data = read_geojson(client.get("/api/v1/towns/", {**params, "format": "geojson"}))
    assert [f["properties"] for f in data["features"][:100]] == page
    assert data["metadata"]["language"] == lang


def test_csv_columns_are_the_api_fields_flattened(client):
    rows = read_csv(client.get("/api/v1/towns/?format=csv&search=57106"))
    record = client.get("/api/v1/towns/57106/").json()
    assert len(rows) == 1
    row = rows[0]
    assert list(row) == [
        "insee_code", "name", "department", "department_name", "region", "region_name", "population",
        "postal_codes", "epci.siren", "epci.name", "latitude", "longitude", "border_country",
        "border_distance_km", "border_distances", "is_pvd", "pvd_id", "pvd_signed_on", "url",
    ]  # fmt: skip
    assert row["insee_code"] == "57106"
    assert row["name"] == "Bouzonville"
    assert row["epci.siren"] == "200067486"
    assert row["epci.name"] == "CC Bouzonvillois-Trois Frontières"
    assert float(row["latitude"]) == pytest.approx(49.29901)
    assert row["is_pvd"] == "true"
    assert json.loads(row["border_distances"]) == record["border_distances"]
    assert row["url"] == record["url"]


def test_ordering_applies_to_the_export(client):
    rows = read_csv(client.get("/api/v1/towns/?format=csv&department=57&ordering=-population"))
    populations = [int(r["population"]) for r in rows if r["population"]]
    assert populations == sorted(populations, reverse=True)
    assert rows[0]["name"] == "Metz"


def test_content_negotiation_chooses_the_export(client):
    csv_response = client.get("/api/v1/towns/?department=2A", HTTP_ACCEPT="text/csv")
    assert len(read_csv(csv_response)) == api_count(client, "/api/v1/towns/", {"department": "2A"})
    geo = client.get("/api/v1/towns/?department=2A", HTTP_ACCEPT="application/geo+json")
    assert len(read_geojson(geo)["features"]) == len(read_csv(client.get("/api/v1/towns/?department=2A&format=csv")))
    # The JSON list is unchanged for a browser-like or a JSON client.
    assert client.get("/api/v1/towns/?department=2A", HTTP_ACCEPT="application/json").json()["count"] > 0
    assert client.get("/api/v1/towns/?department=2A", HTTP_ACCEPT="*/*")["Content-Type"] == "application/json"


def test_files_are_named_and_attached(client):
    response = client.get("/api/v1/towns/?format=csv&department=57")
    assert response["Content-Disposition"].startswith('attachment; filename="towns-')
    assert response["Content-Disposition"].endswith('.csv"')
    read_csv(response)
    response = client.get("/api/v1/towns/?format=geojson&department=57")
    assert response["Content-Disposition"].endswith('.geojson"')
    read_geojson(response)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/towns/?format=xml", 400),  # the formats are named
        ("/api/v1/towns/?format=", 400),
        ("/api/v1/towns/57106/?format=csv", 404),  # a record is not exported
        ("/api/v1/towns/?format=csv&department=zz", 400),
        ("/api/v1/towns/?format=geojson&near=CH", 400),
        ("/api/v1/towns/?format=csv&lang=de", 400),
        ("/api/v1/towns/?format=csv&page=0", 400),  # as the JSON list answers it
        ("/api/v1/towns/?format=geojson&page_size=5000", 400),
    ],
)
def test_bad_requests_get_a_clear_json_error(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()


def test_an_unknown_format_names_the_formats(client):
    assert client.get("/api/v1/towns/?format=xml&lang=en").json() == {"format": ["Choose one of: json, csv, geojson."]}


def test_an_unknown_accept_is_still_refused(client):
    assert client.get("/api/v1/towns/", HTTP_ACCEPT="application/xml").status_code == 406


def test_the_whole_export_takes_a_constant_handful_of_queries(client, django_assert_max_num_queries):
    for params in ({"format": "csv"}, {"format": "geojson", "is_pvd": "true"}, {"format": "csv", "department": "57"}):
        with django_assert_max_num_queries(2):  # the rows (one cursor), and at most the filter's lookup
            response = client.get("/api/v1/towns/", params)
            body = b"".join(response.streaming_content)
        assert body


def test_other_town_lists_export_too(client):
    rows = read_csv(client.get("/api/v1/intercommunalities/?format=csv&department=57"))
    assert len(rows) == api_count(client, "/api/v1/intercommunalities/", {"department": "57"})
    departments = read_csv(client.get("/api/v1/departments/?format=csv"))
    assert len(departments) == 109
    assert {"code", "name", "region", "region_name", "border_countries"} <= set(departments[0])
    moselle = next(d for d in departments if d["code"] == "57")
    assert moselle["border_countries"] == "DE; LU"
    areas = read_geojson(client.get("/api/v1/cross-border-areas/?format=geojson"))
    assert len(areas["features"]) == api_count(client, "/api/v1/cross-border-areas/")
    partners = read_csv(client.get("/api/v1/partners/?format=csv"))
    assert len(partners) == api_count(client, "/api/v1/partners/")


def test_localities_export_with_the_geonames_licence(client):
    """The localities the towns import loaded (GeoNames), exported with their filters and the CC BY 4.0 licence."""
    near = Locality.objects.filter(country__code="BE", border_distance_km__lte=10).order_by("name", "id")
    assert near.count() > 10
    response = client.get("/api/v1/localities/?format=csv&country=BE&max_border_distance=10")
    assert [r["name"] for r in read_csv(response)] == [locality.name for locality in near]
    assert_licensed(response, CC_BY_4)
    data = read_geojson(client.get("/api/v1/localities/?format=geojson&country=LU"))
    luxembourg = Locality.objects.filter(country__code="LU").order_by("name", "id")
    assert [f["geometry"]["coordinates"] for f in data["features"]] == [
        [float(locality.longitude), float(locality.latitude)] for locality in luxembourg
    ]
    assert_geojson_licensed(data, CC_BY_4)
    assert "GeoNames" in data["metadata"]["attribution"]


def _links(html: str) -> dict[str, str]:
    """The "Download this selection" links of a page, by format."""
    block = html.split('class="downloads"')[1].split("</section>")[0]
    links = re.findall(r'<a href="([^"]+)" type="([^"]+)"', block)
    return {media: unescape(url) for url, media in links}


@pytest.mark.parametrize(
    ("query", "api_query"),
    [
        ("", "is_pvd=true&ordering=name"),
        ("?border_country=BE", "border_country=BE&is_pvd=true&ordering=name"),
        ("?scope=all&near=CH:20&sort=distance", "near=CH%3A20&ordering=border_distance_km%2Cname"),
        (
            "?scope=all&department=57&search=bouz&sort=-population",
            "search=bouz&department=57&ordering=-population%2Cname",
        ),
    ],
)
def test_the_towns_page_offers_its_selection_for_download(client, query, api_query):
    response = client.get(f"/en/towns/{query}")
    html = response.content.decode()
    links = _links(html)
    assert links["text/csv"] == f"/api/v1/towns/?{api_query}&format=csv"
    assert links["application/geo+json"] == f"/api/v1/towns/?{api_query}&format=geojson"
    assert links["application/json"] == f"/api/v1/towns/?{api_query}"
    rows = read_csv(client.get(links["text/csv"]))
    assert len(rows) == response.context["page"].paginator.count  # the same selection as the page
    shown = [t.insee_code for t in response.context["page"].object_list]
    assert [r["insee_code"] for r in rows[: len(shown)]] == shown  # in the same order
    block = unescape(html.split('class="downloads"')[1].split("</section>")[0])
    assert "Licence Ouverte / Etalab 2.0" in block
    assert "INSEE" in block
    assert 'href="/en/data/"' in block


def test_an_invalid_filter_offers_no_download(client):
    html = client.get("/en/towns/?department=zz").content.decode()
    assert 'class="downloads"' not in html


def test_the_french_towns_page_offers_its_selection_in_french(client):
    html = unescape(client.get("/fr/communes/?border_country=LU").content.decode())
    assert "Télécharger cette sélection" in html
    assert 'href="/fr/donnees/"' in html
