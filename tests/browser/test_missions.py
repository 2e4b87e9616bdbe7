"""Following the thread: a work-programme action → its mission (timeline, partner matrix, roadmap) → a town it
covers → back to the mission, in French and in English."""

import pytest
from django.utils import translation

from tests.browser.test_factsheets import ARTEFACTS

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shots():
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return lambda page, name: page.screenshot(path=str(ARTEFACTS / f"missions-{name}.png"), full_page=True)


def test_from_the_work_programme_to_a_mission_and_a_town(live_server, page, missions, shots):
    with translation.override("fr"):  # whatever language an earlier test left active
        action_url = missions.action.get_absolute_url()
    page.goto(f"{live_server.url}{action_url}")
    section = page.get_by_role("region", name="Missions d'accompagnement")
    section.get_by_role("link", name="Mission flash de test").click()
    assert page.url.endswith("/fr/missions/mission-flash/")
    assert page.get_by_role("heading", level=1).inner_text() == "Mission flash de test"
    assert page.get_by_text("10–11 mai 2022").is_visible()
    matrix = page.get_by_role("table", name="Partenaires mobilisés, par niveau de compétence et par pays")
    assert matrix.get_by_role("columnheader").all_inner_texts() == [
        "Niveau de compétence",
        "France",
        "Allemagne",
        "Luxembourg",
    ]
    national = matrix.get_by_role("row").filter(has=page.get_by_role("rowheader", name="National"))
    assert national.get_by_role("cell").nth(2).inner_text().startswith("Ministère luxembourgeois")
    roadmap = page.get_by_role("region", name="Feuille de route opérationnelle")
    assert roadmap.get_by_role("heading", level=3).all_inner_texts() == [
        "Santé",
        "Mobilité et environnement",
        "Autres actions",
    ]
    shots(page, "1-mission-fr")

    page.get_by_role("navigation", name="Langue").get_by_role("link", name="English").click()
    assert page.url.endswith("/en/missions/mission-flash/")
    assert page.get_by_role("heading", level=1).inner_text() == "Test flash mission"
    assert page.get_by_text("May 10–11, 2022").is_visible()
    shots(page, "2-mission-en")

    town = missions.towns[0]
    page.get_by_role("region", name="Scope").get_by_role("link", name=town.name, exact=True).click()
    assert page.url.endswith(f"/en/towns/{town.insee_code}/")
    page.get_by_role("region", name="Support missions").get_by_role("link", name="Test flash mission").click()
    assert page.url.endswith("/en/missions/mission-flash/")
    page.go_back()
    assert page.url.endswith(f"/en/towns/{town.insee_code}/")
    shots(page, "3-town-en")
