"""Model validation and database constraints of the towns app."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

from tests.factories import CountryFactory, DepartmentFactory, IntercommunalityFactory, TownFactory
from towns.models import Country, Intercommunality, Town

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["57106", "2A004", "2B033", "97106", "98735"])
def test_valid_insee_codes(code):
    TownFactory.build(insee_code=code, department=DepartmentFactory(), intercommunality=None,
                      border_country=CountryFactory()).full_clean()  # fmt: skip


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("insee_code", "5710"),
        ("insee_code", "2C004"),
        ("insee_code", "ABCDE"),
        ("latitude", Decimal("90.5")),
        ("longitude", Decimal("-181")),
        ("border_distance_km", Decimal("-0.1")),
    ],
)
def test_invalid_values_are_validation_errors_and_refused_by_the_database(field, value):
    town = TownFactory.build(department=DepartmentFactory(), intercommunality=None, border_country=CountryFactory())
    setattr(town, field, value)
    with pytest.raises(ValidationError) as error:
        town.full_clean()
    assert field in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        town.save()


def test_distance_needs_a_country():
    town = TownFactory.build(department=DepartmentFactory(), intercommunality=None, border_country=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        town.save()


def test_pvd_date_needs_a_pvd_id():
    town = TownFactory.build(
        department=DepartmentFactory(), intercommunality=None, border_country=CountryFactory(), pvd_id=None,
        pvd_signed_on="2021-06-18",
    )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        town.save()


@pytest.mark.parametrize("siren", ["12345678", "1234567890", "12345678A"])
def test_siren_has_nine_digits(siren):
    epci = Intercommunality(siren=siren, name="CC test", kind="CC")
    with pytest.raises(ValidationError) as error:
        epci.full_clean()
    assert "siren" in error.value.message_dict
    # A check constraint (IntegrityError) or, for a value longer than the column, DataError on PostgreSQL.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        epci.save()


def test_country_code_is_alpha2_in_capitals():
    with pytest.raises(IntegrityError), transaction.atomic():
        Country.objects.create(code="be", iso3="BEX", name_fr="x")


def test_pvd_queryset_and_property():
    pvd = TownFactory()
    other = TownFactory(pvd_id=None, intercommunality=IntercommunalityFactory())
    assert list(Town.objects.pvd()) == [pvd]
    assert pvd.is_pvd
    assert not other.is_pvd
    assert str(pvd) == f"{pvd.name} ({pvd.insee_code})"
