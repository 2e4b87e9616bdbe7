"""List pages and API lists stay constant in queries as the number of towns grows (10 → 500)."""

import pytest

from tests.factories import CrossBorderAreaFactory, PartnerFactory, bulk_towns

pytestmark = pytest.mark.django_db

SIZES = [10, 500]


@pytest.fixture(params=SIZES, ids=lambda n: f"{n}-towns")
def towns(request):
    """Towns, with partners and areas linked to a third and a fifth of them."""
    towns = bulk_towns(request.param)
    for index in range(3):
        PartnerFactory(towns=towns[index::3])
        CrossBorderAreaFactory(towns=towns[index::5])
    return towns


@pytest.mark.parametrize(
    ("path", "max_queries"),
    [
        ("/api/v1/towns/?page_size=500", 2),
        ("/api/v1/towns/?is_pvd=true&border_country=BE&ordering=-population&page_size=500", 3),
        ("/api/v1/intercommunalities/", 2),
        ("/api/v1/departments/", 3),
        ("/api/v1/partners/", 4),  # + their sources (prefetched)
        ("/api/v1/cross-border-areas/", 5),  # + their sources (prefetched)
    ],
)
def test_api_lists_are_constant_in_queries(client, towns, django_assert_max_num_queries, path, max_queries):
    with django_assert_max_num_queries(max_queries):
        response = client.get(path)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("path", "max_queries"),
    [
        ("/en/towns/", 9),  # the map: +1 (the towns' points; their count is the page's)
        ("/en/towns/?scope=all&sort=-population&border_country=BE&page=2", 10),
        ("/fr/communes/59001/", 8),
        ("/en/partners/", 4),
        ("/en/cross-border-areas/", 4),
        ("/en/", 14),  # figures by country (+1), the map (+5); cached per content version outside tests
    ],
)
def test_pages_are_constant_in_queries(client, towns, django_assert_max_num_queries, path, max_queries):
    with django_assert_max_num_queries(max_queries):
        response = client.get(path)
    assert response.status_code == 200


@pytest.fixture(params=SIZES, ids=lambda n: f"{n}-localities")
def localities(request):
    """A town with coordinates and ``n`` localities across the border around it (in a 0.3° square)."""
    from decimal import Decimal

    from tests.factories import CountryFactory
    from towns.models import Locality

    town = bulk_towns(1, start=900)[0]
    town.latitude, town.longitude = Decimal("50.00000"), Decimal("4.00000")
    town.save()
    country = CountryFactory()
    Locality.objects.bulk_create(
        Locality(
            name=f"Localité {i}",
            country=country,
            latitude=Decimal("49.85") + Decimal(i % 30) / 100,
            longitude=Decimal("3.85") + Decimal(i // 30 % 30) / 100,
            border_distance_km=Decimal(i % 30),
        )
        for i in range(request.param)
    )
    return town


def test_town_page_with_localities_is_constant_in_queries(client, localities, django_assert_max_num_queries):
    # 8 for the page and its nearest localities, 6 for its map (PVD towns, localities, factsheets and missions
    # around it), whatever the number of localities
    with django_assert_max_num_queries(14):
        response = client.get(f"/en/towns/{localities.insee_code}/")
    assert response.status_code == 200
    html = response.content.decode()
    listed = html[html.index('<ul class="localities">') :]
    assert listed[: listed.index("</ul>")].count("Localité ") == 8


@pytest.mark.parametrize(
    ("path", "max_queries"),
    [("/api/v1/localities/?page_size=500", 2), ("/api/v1/localities/?country=BE&near=50,4,30&page_size=500", 3)],
)
def test_localities_api_is_constant_in_queries(client, localities, django_assert_max_num_queries, path, max_queries):
    with django_assert_max_num_queries(max_queries):
        response = client.get(path)
    assert response.status_code == 200
    assert response.json()["count"] > 0


def test_area_page_with_member_towns_and_localities_is_constant(client, localities, django_assert_max_num_queries):
    from tests.factories import CountryFactory

    area = CrossBorderAreaFactory(towns=[localities])
    area.countries.set([CountryFactory()])
    with django_assert_max_num_queries(9):  # with the map of the member towns, and the area's sources
        response = client.get(f"/en/cross-border-areas/{area.slug}/")
    assert response.status_code == 200
    assert "Localité " in response.content.decode()
