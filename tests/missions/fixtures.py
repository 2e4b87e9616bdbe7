"""A small, controlled set of missions: one published with everything, one published bare, one draft."""

import datetime
from types import SimpleNamespace

import pytest

from missions.models import (
    EventParticipation,
    Mission,
    MissionEvent,
    MissionPartner,
    Roadmap,
    RoadmapAction,
    ThematicGroup,
)
from missions.services import mission_publication_change
from mot_portal.publishing import Status, status_change
from tests.factories import CountryFactory, FactsheetFactory, PartnerFactory, ThemeFactory, bulk_towns
from tests.workplan.test_import import FILE
from towns.models import Partner
from workplan.models import WorkItem
from workplan.services import programme_import


def publish(mission: Mission) -> Mission:
    return mission_publication_change(mission=mission, status=Status.PUBLISHED)


@pytest.fixture
def missions(db):
    france = CountryFactory(code="FR", iso3="FRA", name_fr="France", name_en="France", borders_france=False)
    germany = CountryFactory(code="DE", iso3="DEU", name_fr="Allemagne", name_en="Germany")
    luxembourg = CountryFactory(code="LU", iso3="LUX", name_fr="Luxembourg", name_en="Luxembourg")
    health = ThemeFactory(slug="health", name_fr="Santé", name_en="Health", position=1)
    mobility = ThemeFactory(slug="mobility", name_fr="Mobilité", name_en="Mobility", position=2)
    towns = bulk_towns(3)  # one intercommunality for the three
    programme = programme_import(path=FILE, status="published").programme
    action = WorkItem.objects.nodes().get(programme=programme, code="3.1.1")
    other_action = WorkItem.objects.nodes().get(programme=programme, code="3.4.2")
    town_hall = PartnerFactory(
        slug="mairie", name_fr="Mairie de test", country=france, competence_level=Partner.CompetenceLevel.MUNICIPAL
    )
    ministry = PartnerFactory(
        slug="ministere-lu",
        name_fr="Ministère luxembourgeois",
        name_en="Luxembourg ministry",
        country=luxembourg,
        competence_level=Partner.CompetenceLevel.NATIONAL,
    )
    land = PartnerFactory(
        slug="land-sarre", name_fr="Land de Sarre", country=germany, competence_level=Partner.CompetenceLevel.REGIONAL
    )
    care = FactsheetFactory(
        slug="maison-de-sante", title_fr="Maison de santé", title_en="Health centre", published=True
    )
    draft_factsheet = FactsheetFactory(slug="fiche-brouillon", title_fr="Fiche brouillon", title_en="Draft sheet")

    flash = Mission.objects.create(
        slug="mission-flash",
        title_fr="Mission flash de test",
        title_en="Test flash mission",
        kind=Mission.Kind.FLASH_MISSION,
        progress=Mission.Progress.COMPLETED,
        progress_as_of=datetime.date(2022, 6, 1),
        start_date=datetime.date(2022, 5, 10),
        summary_fr="<p>Un accompagnement de test.</p>",
        summary_en="<p>A test support mission.</p>",
        objectives_fr="<p>Dialoguer.</p>",
    )
    flash.towns.set(towns[:2])
    flash.intercommunalities.set([towns[0].intercommunality])
    flash.countries.set([germany, luxembourg])
    flash.themes.set([health, mobility])
    flash.workplan_actions.set([action])
    flash.factsheets.set([care, draft_factsheet])
    interviews = MissionEvent.objects.create(
        mission=flash,
        kind=MissionEvent.Kind.INTERVIEWS,
        title_fr="Entretiens",
        title_en="Interviews",
        start_date=datetime.date(2022, 5, 10),
        end_date=datetime.date(2022, 5, 11),
        position=1,
    )
    EventParticipation.objects.create(event=interviews, country=france, count=5)
    EventParticipation.objects.create(event=interviews, country=luxembourg, count=None)
    workshop = MissionEvent.objects.create(
        mission=flash,
        kind=MissionEvent.Kind.WORKSHOP,
        title_fr="Ateliers",
        title_en="Workshops",
        start_date=datetime.date(2022, 5, 12),
        participants_total=40,
        participants_approximate=True,
        position=2,
    )
    EventParticipation.objects.create(event=workshop, country=france, count=3)
    group = ThematicGroup.objects.create(
        mission=flash, event=workshop, name_fr="Mobilité et environnement", name_en="Mobility and environment"
    )
    group.themes.set([mobility])
    MissionPartner.objects.create(mission=flash, partner=town_hall, role=MissionPartner.Role.BENEFICIARY)
    MissionPartner.objects.create(mission=flash, partner=ministry, role=MissionPartner.Role.CONTRIBUTOR)
    roadmap = Roadmap.objects.create(mission=flash, version=1, summary_fr="<p>Feuille de route.</p>")
    first = RoadmapAction.objects.create(
        roadmap=roadmap,
        position=2,
        title_fr="Créer une permanence santé",
        title_en="Open a health desk",
        theme=health,
        lead=ministry,
        horizon=RoadmapAction.Horizon.SHORT,
        priority=RoadmapAction.Priority.HIGH,
    )
    first.partners.set([land])
    first.factsheets.set([care, draft_factsheet])
    RoadmapAction.objects.create(
        roadmap=roadmap, position=1, title_fr="Étudier une ligne de bus", thematic_group=group, horizon="long"
    )
    RoadmapAction.objects.create(roadmap=roadmap, position=3, title_fr="Se réunir chaque année")
    status_change(obj=roadmap, status=Status.PUBLISHED)
    draft_roadmap = Roadmap.objects.create(mission=flash, version=2)
    RoadmapAction.objects.create(roadmap=draft_roadmap, position=1, title_fr="Action de la version brouillon")
    publish(flash)

    bare = publish(
        Mission.objects.create(
            slug="webinaires",
            title_fr="Webinaires",
            title_en="",
            kind=Mission.Kind.WEBINAR,
            progress=Mission.Progress.PLANNED,
            progress_as_of=datetime.date(2020, 10, 1),
        )
    )
    bare.workplan_actions.set([other_action])

    draft = Mission.objects.create(
        slug="mission-secrete",
        title_fr="Mission secrète",
        title_en="Secret mission",
        kind=Mission.Kind.FLASH_MISSION,
        start_date=datetime.date(2022, 1, 1),
    )
    draft.towns.set([towns[0]])
    draft.workplan_actions.set([action])
    draft.factsheets.set([care])
    draft.countries.set([germany])
    hidden = Roadmap.objects.create(mission=draft, version=1)
    status_change(obj=hidden, status=Status.PUBLISHED)
    hidden_action = RoadmapAction.objects.create(roadmap=hidden, title_fr="Action cachée")
    hidden_action.factsheets.set([care])
    return SimpleNamespace(
        france=france,
        germany=germany,
        luxembourg=luxembourg,
        health=health,
        mobility=mobility,
        towns=towns,
        action=action,
        other_action=other_action,
        town_hall=town_hall,
        ministry=ministry,
        land=land,
        care=care,
        draft_factsheet=draft_factsheet,
        flash=flash,
        roadmap=roadmap,
        draft_roadmap=draft_roadmap,
        group=group,
        bare=bare,
        draft=draft,
        hidden_roadmap=hidden,
    )
