"""factory_boy factories for tests that need a controlled handful of records (prefer the real fixtures)."""

from decimal import Decimal

import factory

from towns.models import Country, CrossBorderArea, Department, Intercommunality, Partner, Region, Town
from towns.search import search_key


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
    # As the import derives them: the nearest border is the smallest of the distances to each neighbour.
    border_distances = factory.LazyAttribute(
        lambda town: (
            {town.border_country.code: float(town.border_distance_km)}
            if town.border_country is not None and town.border_distance_km is not None
            else {}
        )
    )
    pvd_id = factory.Sequence(lambda n: f"pvd-test-{n}")
    # What towns.services.town_create computes (the factory saves the model directly).
    search_key = factory.LazyAttribute(lambda town: search_key(town.name, getattr(town, "postal_codes", "") or ""))


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
            search_key=search_key(f"Commune {start + i:04d}", ""),
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
    """A factsheet, created through the service staff and the API use (search documents included);
    ``countries``, ``themes``, ``towns={town: "partner", other: "beneficiary"}`` and ``published=True`` go to it."""

    class Meta:
        model = "projects.Factsheet"

    slug = factory.Sequence(lambda n: f"fiche-{n}")
    title_fr = factory.Sequence(lambda n: f"Fiche {n}")
    title_en = factory.Sequence(lambda n: f"Factsheet {n}")

    @classmethod
    def _create(cls, model_class, *args, countries=None, themes=None, towns=None, published=False, **fields):
        from mot_portal.publishing import Status
        from projects.services import TownRole, factsheet_create

        return factsheet_create(
            fields=fields,
            countries=countries,
            themes=themes,
            town_roles=[TownRole(town, role) for town, role in (towns or {}).items()],
            status=Status.PUBLISHED if published else None,
        )


def bulk_factsheets(count: int, *, towns: list[Town], countries: list[Country], themes: list) -> list:
    """``count`` published factsheets in a few INSERTs, each with a country, a theme and two towns in roles."""
    from django.utils import timezone

    from mot_portal.publishing import Status
    from projects.models import Factsheet, FactsheetTown

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


def bulk_missions(count: int, *, towns: list[Town], countries: list[Country], themes: list, action=None) -> list:
    """``count`` published missions in a few INSERTs, each with towns, a country, a theme, two events with
    participants, a thematic group, a mapped partner and a published roadmap with two actions."""
    import datetime

    from django.utils import timezone

    from missions.models import (
        EventParticipation,
        Mission,
        MissionEvent,
        MissionPartner,
        Roadmap,
        RoadmapAction,
        ThematicGroup,
    )

    now = timezone.now()
    missions = Mission.objects.bulk_create(
        Mission(
            slug=f"bulk-mission-{i}",
            title_fr=f"Mission en nombre {i}",
            title_en=f"Bulk mission {i}" if i % 2 else "",
            kind="flash_mission" if i % 3 else "webinar",
            start_date=datetime.date(2015 + i % 8, 5, 10),
            first_year=2015 + i % 8,
            last_year=2016 + i % 8,
            summary_fr=f"<p>Résumé {i}</p>",
            status="published",
            published_at=now,
        )
        for i in range(count)
    )
    through = Mission.towns.through
    through.objects.bulk_create(
        through(mission=m, town=towns[(i + k) % len(towns)]) for i, m in enumerate(missions) for k in range(2)
    )
    through = Mission.countries.through
    through.objects.bulk_create(
        through(mission=m, country=countries[i % len(countries)]) for i, m in enumerate(missions)
    )
    through = Mission.themes.through
    through.objects.bulk_create(through(mission=m, theme=themes[i % len(themes)]) for i, m in enumerate(missions))
    if action is not None:
        through = Mission.workplan_actions.through
        through.objects.bulk_create(through(mission=m, workitem=action) for m in missions)
    events = MissionEvent.objects.bulk_create(
        MissionEvent(mission=m, kind="workshop", title_fr=f"Atelier {k}", position=k, start_date=m.start_date)
        for m in missions
        for k in range(2)
    )
    EventParticipation.objects.bulk_create(
        EventParticipation(event=e, country=countries[i % len(countries)], count=i) for i, e in enumerate(events)
    )
    groups = ThematicGroup.objects.bulk_create(ThematicGroup(mission=m, name_fr="Groupe") for m in missions)
    through = ThematicGroup.themes.through
    through.objects.bulk_create(through(thematicgroup=g, theme=themes[0]) for g in groups)
    partners = [
        Partner.objects.create(
            slug=f"bulk-partner-{i}", name_fr=f"Partenaire {i}", country=c, competence_level="national"
        )
        for i, c in enumerate(countries)
    ]
    MissionPartner.objects.bulk_create(
        MissionPartner(mission=m, partner=partners[i % len(partners)], role="partner") for i, m in enumerate(missions)
    )
    roadmaps = Roadmap.objects.bulk_create(Roadmap(mission=m, version=1, status="published") for m in missions)
    actions = RoadmapAction.objects.bulk_create(
        RoadmapAction(roadmap=r, position=k, title_fr=f"Action {k}", theme=themes[k % len(themes)], lead=partners[0])
        for r in roadmaps
        for k in range(2)
    )
    through = RoadmapAction.partners.through
    through.objects.bulk_create(through(roadmapaction=a, partner=partners[-1]) for a in actions)
    return missions
