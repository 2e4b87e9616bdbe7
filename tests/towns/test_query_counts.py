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
        ("/api/v1/partners/", 3),
        ("/api/v1/cross-border-areas/", 4),
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
