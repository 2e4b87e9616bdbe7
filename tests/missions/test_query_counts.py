"""The missions list page, a mission page and the API stay constant in queries from 10 to 200 missions."""

import pytest

from tests.factories import CountryFactory, ThemeFactory, bulk_missions, bulk_towns

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[10, 200], ids=lambda n: f"{n}-missions")
def many(request):
    towns = bulk_towns(30)
    countries = [
        CountryFactory(code="FR", iso3="FRA", name_fr="France", borders_france=False),
        CountryFactory(code="DE", iso3="DEU", name_fr="Allemagne"),
        CountryFactory(code="LU", iso3="LUX", name_fr="Luxembourg"),
    ]
    themes = [ThemeFactory(slug=f"theme-{i}") for i in range(4)]
    return bulk_missions(request.param, towns=towns, countries=countries, themes=themes)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(
    ("path", "max_queries"),
    [
        ("missions/", 15),  # the map: +3 (missions, their towns, their areas)
        ("missions/?kind=flash_mission&year=2018&country=DE&theme=theme-1&sort=title&page=2", 12),
        ("missions/?town=59003&search=nombre", 16),
        ("missions/bulk-mission-7/", 21),  # + its sources
    ],
)
def test_pages_are_constant_in_queries(client, many, django_assert_max_num_queries, lang, path, max_queries):
    with django_assert_max_num_queries(max_queries):
        response = client.get(f"/{lang}/{path}")
    assert response.status_code == 200


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(
    ("path", "max_queries"),
    [
        # + one for the missions' sources (prefetched).
        ("missions/?page_size=100", 22),
        ("missions/?country=DE&theme=theme-1&year=2018", 22),
        ("missions/bulk-mission-7/", 21),
        ("roadmaps/?page_size=100", 6),
    ],
)
def test_api_is_constant_in_queries(client, many, django_assert_max_num_queries, lang, path, max_queries):
    with django_assert_max_num_queries(max_queries):
        response = client.get(f"/api/v1/{path}", {"lang": lang})
    assert response.status_code == 200
    assert response.json()
