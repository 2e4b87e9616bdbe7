"""The factsheets list page and API stay constant in queries from 10 to 300 factsheets, in both languages."""

import pytest

from tests.factories import CountryFactory, ThemeFactory, bulk_factsheets, bulk_towns

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[10, 300], ids=lambda n: f"{n}-factsheets")
def factsheets(request):
    towns = bulk_towns(40)
    countries = [CountryFactory(code="BE"), CountryFactory(code="DE", iso3="DEU", name_fr="Allemagne")]
    themes = [ThemeFactory(slug=f"theme-{i}") for i in range(5)]
    return bulk_factsheets(request.param, towns=towns, countries=countries, themes=themes)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(
    ("path", "max_queries"),
    [
        ("factsheets/", 14),  # the map: +2 (factsheets, their towns)
        ("factsheets/?country=BE&theme=theme-1&role=partner&year=2020&sort=-start_year&page=2", 16),
        ("factsheets/?search=nombre&department=59&town=59001", 16),
        ("factsheets/bulk-7/", 9),  # + the missions and roadmap actions that refer to it, + its sources
        ("booklets/", 1),
    ],
)
def test_pages_are_constant_in_queries(client, factsheets, django_assert_max_num_queries, lang, path, max_queries):
    prefix = {"fr": "/fr/", "en": "/en/"}[lang]
    if lang == "fr":
        path = path.replace("factsheets/", "fiches-projet/").replace("booklets/", "plaquettes/")
    with django_assert_max_num_queries(max_queries):
        response = client.get(prefix + path)
    assert response.status_code == 200


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(
    ("path", "max_queries"),
    [
        # + one for the factsheets' sources (prefetched).
        ("/api/v1/factsheets/?page_size=300", 7),
        ("/api/v1/factsheets/?country=BE&theme=theme-1&town=59006&role=partner&year=2022&page_size=300", 10),
        ("/api/v1/factsheets/?search=nombre&page_size=300", 7),
        ("/api/v1/themes/", 2),
    ],
)
def test_api_is_constant_in_queries(client, factsheets, django_assert_max_num_queries, lang, path, max_queries):
    with django_assert_max_num_queries(max_queries):
        response = client.get(f"{path}&lang={lang}" if "?" in path else f"{path}?lang={lang}")
    assert response.status_code == 200
    assert response.json()["count"] >= 1
