"""An official finds a factsheet, reads it in English, visits a town taking part, and comes back."""

import os
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db(transaction=True)

# Screenshots are kept as test artefacts (CI keeps test-results/), to be looked at by a person.
ARTEFACTS = Path(os.environ.get("TEST_ARTEFACTS_DIR", settings.BASE_DIR / "test-results")) / "screenshots"


@pytest.fixture
def shots():
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return lambda page, name: page.screenshot(path=str(ARTEFACTS / f"factsheets-{name}.png"), full_page=True)


def test_official_searches_filters_reads_in_english_and_visits_a_town(live_server, page, catalogue, shots):
    page.goto(f"{live_server.url}/fr/")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Fiches projet").click()
    assert page.url.endswith("/fr/fiches-projet/")
    assert page.get_by_role("heading", level=2, name="2 fiches projet").is_visible()
    shots(page, "1-list-fr")

    page.get_by_label("Recherche", exact=True).fill("santé")
    page.get_by_role("button", name="Appliquer").click()
    assert page.get_by_role("heading", level=2, name="1 fiche projet").is_visible()
    assert "search=sant%C3%A9" in page.url

    page.get_by_label("Pays voisin").select_option("BE")
    page.get_by_label("Thème", exact=True).select_option("health")
    page.get_by_role("button", name="Appliquer").click()
    assert "country=BE" in page.url
    assert "theme=health" in page.url
    assert page.get_by_role("heading", level=2, name="1 fiche projet").is_visible()
    # The facets show their counts, and the active filters can be removed one by one.
    assert page.get_by_label("Pays voisin").locator("option:checked").inner_text() == "Belgique (1)"
    assert page.get_by_role("navigation", name="Filtres actifs").get_by_role("link").count() == 3
    shots(page, "2-filtered-fr")

    page.get_by_role("link", name="Maison de santé transfrontalière").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Maison de santé transfrontalière"
    shots(page, "3-factsheet-fr")

    page.get_by_role("navigation", name="Langue").get_by_role("link", name="English").click()
    assert page.url.endswith(f"/en/factsheets/{catalogue.care.slug}/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Cross-border health centre"
    assert page.get_by_text("beneficiary", exact=True).is_visible()
    shots(page, "4-factsheet-en")

    town = catalogue.towns[1]
    page.get_by_role("link", name=town.name, exact=True).click()
    assert page.url.endswith(f"/en/towns/{town.insee_code}/")
    projects = page.get_by_role("region", name="Cross-border projects")
    assert projects.get_by_role("link", name="Cross-border health centre").is_visible()
    shots(page, "5-town-en")

    page.go_back()
    assert page.url.endswith(f"/en/factsheets/{catalogue.care.slug}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Cross-border health centre"


def test_english_factsheet_marks_what_is_still_in_french(live_server, page, catalogue, shots):
    page.goto(f"{live_server.url}/en/factsheets/{catalogue.carpool.slug}/")
    assert page.get_by_role("note").inner_text().startswith("This factsheet is not yet fully translated")
    assert page.locator('h1[lang="fr"]').inner_text() == "Covoiturage des travailleurs frontaliers"
    shots(page, "6-fallback-en")
