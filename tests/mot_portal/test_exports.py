"""The export machinery around the viewsets: exports count against the "heavy" rate, the page cache never stores
a streamed export, the CSV flattening rules, and the schema documents ``format``."""

import itertools

import pytest
from django.core.cache import cache, caches

from mot_portal.cache import HIT_HEADER
from mot_portal.exports import cell, points
from tests.exports import read_csv
from tests.factories import ThemeFactory

pytestmark = pytest.mark.django_db

counter = itertools.count()


@pytest.fixture
def themes(db):
    return [ThemeFactory(slug=f"theme-{i}") for i in range(3)]


@pytest.fixture
def small_rates(settings):
    cache.clear()
    caches["throttle"].clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100/minute", "user": "100/minute", "heavy": "2/minute"},
    }
    yield
    caches["throttle"].clear()


def test_anonymous_exports_count_against_the_heavy_rate(client, themes, small_rates):
    for _ in range(5):  # ordinary pages do not count
        assert client.get(f"/api/v1/themes/?n={next(counter)}").status_code == 200
    for fmt in ("csv", "geojson"):
        response = client.get(f"/api/v1/themes/?format={fmt}&n={next(counter)}")
        assert response.status_code == 200
        b"".join(response.streaming_content)
    refused = client.get(f"/api/v1/themes/?n={next(counter)}", HTTP_ACCEPT="text/csv")
    assert refused.status_code == 429
    assert "Retry-After" in refused


def test_staff_exports_are_not_held_to_the_anonymous_heavy_rate(client, themes, small_rates, staff_viewer):
    client.force_login(staff_viewer)
    for _ in range(4):
        assert client.get(f"/api/v1/themes/?format=csv&n={next(counter)}").status_code == 200


def test_the_page_cache_never_stores_an_export(client, themes, settings, django_assert_max_num_queries):
    settings.PAGE_CACHE_SECONDS = settings.PART_CACHE_SECONDS = 600
    first = client.get("/api/v1/themes/?format=csv")
    assert first.streaming
    assert len(read_csv(first)) == 3
    second = client.get("/api/v1/themes/?format=csv")
    assert second.streaming
    assert second.get(HIT_HEADER) != "hit"
    assert len(read_csv(second)) == 3


@pytest.mark.parametrize(
    ("value", "join_key", "expected"),
    [
        (None, None, ""),
        (True, None, "true"),
        (False, None, "false"),
        (12, None, "12"),
        ("Metz", None, "Metz"),
        (["BE", "LU"], None, "BE; LU"),
        ([], None, ""),
        ([{"insee_code": "57001", "role": "partner"}, {"insee_code": "57002"}], "insee_code", "57001; 57002"),
        ([{"country": "BE", "distance_km": 0.1}], None, '[{"country": "BE", "distance_km": 0.1}]'),
        ({"countries": ["FR"]}, None, '{"countries": ["FR"]}'),
    ],
)
def test_csv_cells(value, join_key, expected):
    assert cell(value, join_key) == expected


def test_points_give_a_point_a_multipoint_or_nothing():
    assert points([]) is None
    assert points([(None, None)]) is None
    assert points([(49, 6), (49, 6)]) == {"type": "Point", "coordinates": [6.0, 49.0]}
    assert points([(49, 6), (50, 7)]) == {"type": "MultiPoint", "coordinates": [[6.0, 49.0], [7.0, 50.0]]}


def test_the_schema_documents_format_on_the_lists_only(client):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path in ("/api/v1/towns/", "/api/v1/factsheets/", "/api/v1/missions/", "/api/v1/activity-lines/"):
        parameters = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
        assert parameters["format"]["schema"]["enum"] == ["csv", "geojson", "json"]
        assert "streamed" in parameters["format"]["description"]
        content = schema["paths"][path]["get"]["responses"]["200"]["content"]
        assert list(content) == ["application/json", "text/csv", "application/geo+json"]
        assert content["text/csv"]["schema"]["type"] == "string"
        assert content["application/geo+json"]["schema"]["properties"]["type"]["enum"] == ["FeatureCollection"]
        assert content["application/json"]["schema"]["$ref"].startswith("#/components/schemas/Paginated")
    detail = schema["paths"]["/api/v1/towns/{insee_code}/"]["get"]
    assert "format" not in {p["name"] for p in detail["parameters"]}
    assert list(detail["responses"]["200"]["content"]) == ["application/json"]
