"""Browser journeys in Debian's Chromium, driven by Playwright, against a live server."""

import pytest

from tests.factories import CrossBorderAreaFactory, PartnerFactory, bulk_towns

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def towns():
    towns = bulk_towns(30)
    PartnerFactory(slug="partner-a", name_fr="Partenaire A", name_en="Partner A", towns=towns[:3])
    CrossBorderAreaFactory(
        slug="area-a", name_fr="Espace A", name_en="Area A", description_fr="Texte seulement en français."
    )
    return towns


def test_official_filters_towns_switches_language_and_opens_a_town(live_server, page, towns, tmp_path):
    page.goto(f"{live_server.url}/fr/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Communes").click()
    assert page.url.endswith("/fr/communes/")
    assert page.get_by_role("heading", level=2, name="30 communes").is_visible()

    page.get_by_label("Distance maximale à la frontière (km)").fill("9")
    page.get_by_role("button", name="Appliquer").click()
    assert page.get_by_role("heading", level=2, name="10 communes").is_visible()
    assert "max_border_distance=9" in page.url

    # The language switcher keeps the page and its filters.
    page.get_by_role("link", name="English").click()
    assert "/en/towns/" in page.url
    assert "max_border_distance=9" in page.url
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=2, name="10 towns").is_visible()
    page.screenshot(path=str(tmp_path / "towns-en.png"), full_page=True)

    page.get_by_role("link", name=towns[0].name, exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text().startswith(towns[0].name)
    assert page.get_by_role("link", name="Partner A").is_visible()


def test_keyboard_user_reaches_content_through_the_skip_link(live_server, page, towns):
    page.goto(f"{live_server.url}/en/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")


def test_english_page_marks_french_fallback(live_server, page, towns):
    page.goto(f"{live_server.url}/en/cross-border-areas/area-a/")
    assert page.locator('p[lang="fr"]').inner_text() == "Texte seulement en français."
    assert page.get_by_text("(in French: not yet translated)").is_visible()


def test_pages_work_on_a_phone(live_server, browser, towns):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server.url}/en/towns/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone ({width}px)"
    context.close()


def test_programme_tree_collapses_and_filters(live_server, page):
    from tests.workplan.test_import import FILE
    from workplan.services import programme_import

    programme_import(path=FILE, status="published")
    page.goto(f"{live_server.url}/en/work-programme/2025/")
    line = page.get_by_text("Echanges avec Ministères et ANCT")
    assert line.is_visible()
    page.locator("#n-1-1-1 > summary .code").click()  # collapse action 1.1.1
    assert not line.is_visible()
    page.get_by_label("Cross-border Deal theme").select_option("4")
    page.get_by_role("button", name="Apply").click()
    assert page.get_by_role("heading", name="2 entries of 103 match").is_visible()
    page.get_by_role("link", name="English").click()  # already English: the link keeps the filters
    assert "deal=4" in page.url
