"""A small, controlled set of factsheets: two published, one draft, two booklets (one draft)."""

from types import SimpleNamespace

import pytest

from mot_portal.publishing import Status, status_change
from projects.models import Booklet, BookletEntry, FactsheetPartner
from tests.factories import CountryFactory, FactsheetFactory, PartnerFactory, ThemeFactory, bulk_towns


@pytest.fixture
def catalogue(db):
    belgium = CountryFactory(code="BE", iso3="BEL", name_fr="Belgique", name_en="Belgium")
    germany = CountryFactory(code="DE", iso3="DEU", name_fr="Allemagne", name_en="Germany")
    health = ThemeFactory(slug="health", name_fr="Santé", name_en="Health")
    mobility = ThemeFactory(slug="mobility", name_fr="Mobilité", name_en="Mobility")
    towns = bulk_towns(4)
    partner = PartnerFactory(slug="hopital-mons", name_fr="Hôpital de Mons", name_en="Mons hospital", country=belgium)
    care = FactsheetFactory(
        slug="maison-de-sante",
        title_fr="Maison de santé transfrontalière",
        title_en="Cross-border health centre",
        summary_fr="<p>Des soins pour les habitants des deux côtés de la frontière.</p>",
        summary_en="<p>Healthcare for the inhabitants of both sides of the border.</p>",
        objectives_fr="<p>Réduire les distances vers les hôpitaux.</p>",
        objectives_en="<p>Shorten the distances to hospitals.</p>",
        start_year=2019,
        end_year=2022,
        countries=[belgium],
        themes=[health],
        towns={towns[0]: "partner", towns[1]: "beneficiary"},
        published=True,
    )
    FactsheetPartner.objects.create(factsheet=care, partner=partner, role=FactsheetPartner.Role.LEAD)
    carpool = FactsheetFactory(
        slug="covoiturage",
        title_fr="Covoiturage des travailleurs frontaliers",
        title_en="",
        summary_fr="<p>Une plateforme de covoiturage pour les trajets domicile-travail.</p>",
        countries=[germany],
        themes=[mobility],
        towns={towns[1]: "partner"},
        published=True,
    )
    draft = FactsheetFactory(
        slug="brouillon-secret",
        title_fr="Brouillon secret",
        title_en="Secret draft",
        summary_fr="<p>Texte confidentiel en préparation.</p>",
        countries=[belgium],
        themes=[health],
        towns={towns[0]: "partner"},
    )
    booklet = Booklet.objects.create(slug="livret", title_fr="Le livret", title_en="The booklet")
    for position, factsheet in enumerate([carpool, draft, care], start=1):
        BookletEntry.objects.create(booklet=booklet, factsheet=factsheet, position=position)
    status_change(obj=booklet, status=Status.PUBLISHED)
    draft_booklet = Booklet.objects.create(slug="livret-brouillon", title_fr="Livret en préparation")
    return SimpleNamespace(
        belgium=belgium,
        germany=germany,
        health=health,
        mobility=mobility,
        towns=towns,
        partner=partner,
        care=care,
        carpool=carpool,
        draft=draft,
        booklet=booklet,
        draft_booklet=draft_booklet,
    )
