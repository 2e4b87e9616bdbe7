"""The offer as the real fixture loads it, with the records it links to: the booklet of March 2021, the PVD
programme with a published flash mission and a draft diagnostic, and a draft service."""

import datetime
from types import SimpleNamespace

import pytest
from django.conf import settings

from missions.models import Mission, NationalProgramme
from mot_portal.publishing import Status, status_change
from projects.models import Booklet
from support.models import Service
from support.services import offer_content_load

OFFER_FILE = settings.BASE_DIR / "fixtures" / "content" / "offer.json"


@pytest.fixture
def offer(db):
    booklet = Booklet.objects.create(
        slug="petites-villes-aux-frontieres",
        title_fr="Petites villes aux frontières",
        title_en="Small Towns on Borders",
    )
    status_change(obj=booklet, status=Status.PUBLISHED)
    draft_booklet = Booklet.objects.create(slug="livret-brouillon", title_fr="Livret en préparation")
    pvd = NationalProgramme.objects.create(
        slug="petites-villes-de-demain", name_fr="Petites villes de demain", name_en="Small Towns of Tomorrow"
    )
    flash = Mission.objects.create(
        slug="mission-flash-test",
        title_fr="Mission flash de test",
        title_en="Test flash mission",
        kind=Mission.Kind.FLASH_MISSION,
        national_programme=pvd,
        start_date=datetime.date(2022, 5, 10),
    )
    status_change(obj=flash, status=Status.PUBLISHED)
    draft_mission = Mission.objects.create(
        slug="diagnostic-secret",
        title_fr="Diagnostic secret",
        title_en="Secret diagnostic",
        kind=Mission.Kind.DIAGNOSTIC,
        national_programme=pvd,
    )
    other = Mission.objects.create(
        slug="hors-programme", title_fr="Mission hors programme", kind=Mission.Kind.FLASH_MISSION
    )
    status_change(obj=other, status=Status.PUBLISHED)
    loaded = offer_content_load(path=OFFER_FILE)
    publication = Service.objects.get(slug="publication-bonnes-pratiques")
    publication.booklets.add(draft_booklet)
    diagnostic = Service.objects.get(slug="diagnostic-opportunites-transfrontalieres")
    diagnostic.missions.set([flash, draft_mission])
    draft = Service.objects.create(
        slug="service-brouillon",
        family=Service.Family.LOCAL_SUPPORT,
        title_fr="Service en préparation",
        title_en="Service in preparation",
    )
    return SimpleNamespace(
        loaded=loaded,
        booklet=booklet,
        draft_booklet=draft_booklet,
        flash=flash,
        draft_mission=draft_mission,
        other=other,
        publication=publication,
        diagnostic=diagnostic,
        draft=draft,
    )
