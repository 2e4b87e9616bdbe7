"""factory_boy factories for tests that need a controlled handful of records (prefer the real fixtures)."""

from decimal import Decimal

import factory

from towns.models import Country, CrossBorderArea, Department, Intercommunality, Partner, Region, Town


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("code",)

    code = "BE"
    iso3 = "BEL"
    name_fr = "Belgique"
    name_en = "Belgium"
    borders_france = True


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "32"
    name = "Hauts-de-France"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = "59"
    name = "Nord"
    region = factory.SubFactory(RegionFactory)


class IntercommunalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intercommunality

    siren = factory.Sequence(lambda n: f"{200000000 + n:09d}")
    name = factory.Sequence(lambda n: f"CC de test {n}")
    kind = Intercommunality.Kind.CC


class TownFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Town

    insee_code = factory.Sequence(lambda n: f"59{n % 1000:03d}" if n < 1000 else f"2A{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"Commune {n:04d}")
    department = factory.SubFactory(DepartmentFactory)
    intercommunality = factory.SubFactory(IntercommunalityFactory)
    population = 2500
    latitude = Decimal("50.1")
    longitude = Decimal("3.2")
    border_distance_km = Decimal("12.5")
    border_country = factory.SubFactory(CountryFactory)
    pvd_id = factory.Sequence(lambda n: f"pvd-test-{n}")


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"partner-{n}")
    name_fr = factory.Sequence(lambda n: f"Partenaire {n}")
    country = factory.SubFactory(CountryFactory)
    competence_level = Partner.CompetenceLevel.MUNICIPAL

    @factory.post_generation
    def towns(self, create, extracted, **kwargs):
        if create and extracted:
            self.towns.set(extracted)


class CrossBorderAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CrossBorderArea
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"area-{n}")
    name_fr = factory.Sequence(lambda n: f"Espace {n}")

    @factory.post_generation
    def towns(self, create, extracted, **kwargs):
        if create and extracted:
            self.towns.set(extracted)


def bulk_towns(count: int, *, start: int = 0) -> list[Town]:
    """Create ``count`` PVD towns fast (one INSERT), sharing one department, EPCI and country."""
    department = DepartmentFactory()
    epci = IntercommunalityFactory()
    country = CountryFactory()
    towns = [
        Town(
            insee_code=f"{59000 + start + i:05d}",
            name=f"Commune {start + i:04d}",
            department=department,
            intercommunality=epci,
            population=1000 + i,
            border_distance_km=Decimal(i % 60),
            border_country=country,
            pvd_id=f"pvd-bulk-{start + i}",
        )
        for i in range(count)
    ]
    return Town.objects.bulk_create(towns)


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "projects.Theme"
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"theme-{n}")
    name_fr = factory.Sequence(lambda n: f"Thème {n}")
    name_en = factory.Sequence(lambda n: f"Theme {n}")


class FactsheetFactory(factory.django.DjangoModelFactory):
    """A factsheet; ``published=True`` publishes it (through the workflow service)."""

    class Meta:
        model = "projects.Factsheet"
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"fiche-{n}")
    title_fr = factory.Sequence(lambda n: f"Fiche {n}")
    title_en = factory.Sequence(lambda n: f"Factsheet {n}")

    @factory.post_generation
    def countries(self, create, extracted, **kwargs):
        if create and extracted:
            self.countries.set(extracted)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)

    @factory.post_generation
    def towns(self, create, extracted, **kwargs):
        """``towns={town: "partner", other: "beneficiary"}``."""
        from projects.models import FactsheetTown

        if create and extracted:
            for town, role in extracted.items():
                FactsheetTown.objects.create(factsheet=self, town=town, role=role)

    @factory.post_generation
    def published(self, create, extracted, **kwargs):
        from projects.models import Status
        from projects.services import status_change

        if create and extracted:
            status_change(obj=self, status=Status.PUBLISHED)


def bulk_factsheets(count: int, *, towns: list[Town], countries: list[Country], themes: list) -> list:
    """``count`` published factsheets in a few INSERTs, each with a country, a theme and two towns in roles."""
    from django.utils import timezone

    from projects.models import Factsheet, FactsheetTown, Status

    now = timezone.now()
    factsheets = Factsheet.objects.bulk_create(
        Factsheet(
            slug=f"bulk-{i}",
            title_fr=f"Fiche en nombre {i}",
            title_en=f"Bulk factsheet {i}" if i % 2 else "",
            summary_fr=f"<p>Résumé {i}</p>",
            start_year=2015 + i % 8,
            end_year=2020 + i % 8,
            status=Status.PUBLISHED,
            published_at=now,
        )
        for i in range(count)
    )
    Country_ = Factsheet.countries.through
    Theme_ = Factsheet.themes.through
    Country_.objects.bulk_create(
        Country_(factsheet=f, country=countries[i % len(countries)]) for i, f in enumerate(factsheets)
    )
    Theme_.objects.bulk_create(Theme_(factsheet=f, theme=themes[i % len(themes)]) for i, f in enumerate(factsheets))
    FactsheetTown.objects.bulk_create(
        row
        for i, f in enumerate(factsheets)
        for row in (
            FactsheetTown(factsheet=f, town=towns[i % len(towns)], role="partner"),
            FactsheetTown(factsheet=f, town=towns[(i + 1) % len(towns)], role="beneficiary"),
        )
    )
    from projects.search import search_documents_refresh

    search_documents_refresh(Factsheet.objects.filter(pk__in=[f.pk for f in factsheets]))
    return factsheets
