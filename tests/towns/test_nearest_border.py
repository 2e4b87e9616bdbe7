"""The nearest land border (``border_country``, ``border_distance_km``) is the nearest of the computed distances to each
neighbouring country (``border_distances``), for every commune that has them (issue 12)."""

from decimal import Decimal

import pytest

from towns.models import Department, Town
from towns.services import nearest_border

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_data")]


@pytest.mark.parametrize(
    ("distances", "nearest"),
    [
        ({}, None),
        ({"BE": 0.1, "LU": 96.1}, ("BE", Decimal("0.1"))),
        ({"CH": 15.0, "DE": 12.04}, ("DE", Decimal("12.0"))),
        ({"DE": 0.6, "CH": 0.6}, ("CH", Decimal("0.6"))),  # a tie at a tripoint: the first code, whatever the order
        ({"BR": 120.25, "SR": 3.0}, ("SR", Decimal("3.0"))),
    ],
)
def test_nearest_border(distances, nearest):
    assert nearest_border(distances) == nearest


def test_every_nearest_border_is_the_smallest_computed_distance():
    checked = 0
    for town in Town.objects.select_related("border_country").only(
        "insee_code", "border_distances", "border_distance_km", "border_country__code"
    ):
        if town.border_distances:
            km, code = min((km, code) for code, km in town.border_distances.items())
            assert (town.border_country.code, town.border_distance_km) == (code, Decimal(str(km))), town.insee_code
            checked += 1
        else:
            assert town.border_country is None
            assert town.border_distance_km is None
    assert checked == 34_761


@pytest.mark.parametrize(
    ("insee_code", "country", "low", "high"),
    [
        ("08190", "BE", 0, 0.5),  # Givet, on the Belgian border
        ("02381", "BE", 3, 6),  # Hirson
        ("57650", "DE", 1, 3),  # Sierck-les-Bains: Germany 2.1 km, Luxembourg 2.4 km
        ("68349", "DE", 0.5, 2),  # Village-Neuf: Germany 1.1 km, Switzerland 3.1 km
        ("68163", "DE", 0.5, 2),  # Kembs: nearer Germany, yet 12 km from Switzerland
        ("68297", "CH", 2, 4),  # Saint-Louis (Haut-Rhin): Switzerland 3.0 km, Germany 3.2 km
        ("01160", "CH", 0.5, 2),  # Ferney-Voltaire
        ("57463", "DE", 34, 37),  # Metz: Germany before Luxembourg (39 km)
        ("97308", "BR", 0, 400),  # French Guiana: Brazil or Suriname
    ],
)
def test_nearest_border_of_known_towns(insee_code, country, low, high):
    town = Town.objects.select_related("border_country").get(insee_code=insee_code)
    if insee_code == "97308":
        assert town.border_country.code in {"BR", "SR"}
    else:
        assert town.border_country.code == country
    assert low <= town.border_distance_km <= high


def test_a_town_nearer_germany_than_switzerland_is_found_near_both():
    kembs = Town.objects.get(insee_code="68163")
    assert kembs.border_distances["DE"] < kembs.border_distances["CH"] <= 20
    assert Town.objects.filter(border_country__code="DE", border_distances__CH__lte=20).filter(pk=kembs.pk).exists()


def test_communes_outside_border_departments_get_their_nearest_border_too():
    """The derived CSV filled it only for border departments: a commune of Pas-de-Calais 25 km from Belgium was
    missing from every "within 30 km" figure and filter."""
    outside = Town.objects.exclude(department__in=Department.objects.filter(border_countries__isnull=False))
    near = outside.filter(border_distance_km__lte=30)
    assert near.count() == 156
    assert near.filter(department__code="62", border_country__code="BE").exists()
    assert Town.objects.get(insee_code="97411").border_distance_km is None  # Réunion: no land border
