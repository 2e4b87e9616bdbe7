"""Find my town in Debian's Chromium: suggestions as you type (JavaScript), the plain form (JavaScript off), and the
towns list on a 390 px phone."""

from decimal import Decimal

import pytest

from tests.factories import CountryFactory, DepartmentFactory, TownFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def towns():
    """Made-up communes (the real data set takes too long to load for each browser test)."""
    moselle, nord = DepartmentFactory(code="57", name="Moselle"), DepartmentFactory(code="59", name="Nord")
    germany = CountryFactory(code="DE", iso3="DEU", name_fr="Allemagne", name_en="Germany")
    common = {"intercommunality": None, "border_country": germany}
    return {
        "laureate": TownFactory(
            insee_code="57901", name="Saint-Essai-lès-Bains", postal_codes="57999", department=moselle,
            border_distance_km=Decimal("2.1"), **common,
        ),
        "other": TownFactory(
            insee_code="57902", name="Essai-Village", postal_codes="57998", department=moselle, pvd_id=None, **common
        ),
        "homonyms": [
            TownFactory(insee_code="57903", name="Homonyme", postal_codes="57997", department=moselle, **common),
            TownFactory(insee_code="59903", name="Homonyme", postal_codes="59997", department=nord, **common),
        ],
        "long": TownFactory(
            insee_code="59904", name="Villeneuve-Saint-Essai-de-la-Longue-Frontière-lès-Bains", department=nord,
            border_distance_km=Decimal("1234.5"), **common,
        ),
    }  # fmt: skip


def test_header_box_suggests_towns_as_you_type(live_server, page, towns):
    page.goto(f"{live_server.url}/en/data-and-credits/")
    box = page.get_by_role("combobox", name="Town name or postal code")
    assert box.get_attribute("aria-expanded") == "false"

    box.press_sequentially("saint essai les", delay=30)
    listbox = page.get_by_role("listbox")
    listbox.get_by_role("option").first.wait_for()
    options = listbox.get_by_role("option")
    assert options.count() == 2
    assert options.first.inner_text().startswith("Saint-Essai-lès-Bains")  # the laureate first
    assert "Moselle (57) · 57999" in options.first.inner_text()
    assert box.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("status").inner_text() == "Suggestions: 2"  # said by screen readers

    page.keyboard.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    assert options.first.get_attribute("aria-selected") == "true"
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/towns/57901/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Saint-Essai-lès-Bains")


def test_escape_closes_the_suggestions_and_enter_then_searches(live_server, page, towns):
    page.goto(f"{live_server.url}/fr/donnees-et-credits/")
    box = page.get_by_role("combobox", name="Nom de la commune ou code postal")
    box.press_sequentially("homonyme", delay=30)
    page.get_by_role("listbox").get_by_role("option").first.wait_for()
    assert page.get_by_role("listbox").get_by_role("option").count() == 2
    page.keyboard.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")  # no suggestion chosen: the form's search, two homonyms
    page.wait_for_url("**/fr/communes/?*")
    assert page.get_by_role("heading", level=2, name="2 communes").is_visible()


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900}, locale="en-GB")
    yield context.new_page()
    context.close()


def test_the_search_works_without_javascript(live_server, no_js_page, towns):
    page = no_js_page
    page.goto(f"{live_server.url}/en/data-and-credits/")
    box = page.get_by_label("Town name or postal code")
    assert box.get_attribute("role") is None  # not enhanced: a plain search box
    box.fill("HOMONYME")
    box.press("Enter")
    page.wait_for_url("**/en/towns/?*")
    assert "scope=all" in page.url
    assert "search=HOMONYME" in page.url
    assert page.get_by_role("heading", level=2, name="2 towns").is_visible()
    assert page.get_by_role("link", name="Homonyme").count() == 2

    # A name that names one town goes straight to it.
    page.goto(f"{live_server.url}/en/")
    page.get_by_label("Town name or postal code").fill("saint essai les bains")
    page.get_by_role("search", name="Find my town").get_by_role("button", name="Search").click()
    page.wait_for_url("**/en/towns/57901/")


@pytest.mark.parametrize("width", [390, 1280])
def test_towns_list_shows_name_department_border_and_distance_on_screen(live_server, browser, towns, width, tmp_path):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/en/towns/?scope=all&sort=-population")
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
        rows = page.locator("table.town-table tbody tr")
        assert rows.count() == 5
        for index in range(rows.count()):
            row = rows.nth(index)
            for cell in (row.get_by_role("rowheader"), row.locator(".col-department"), row.locator(".col-border"),
                         row.locator(".col-distance")):  # fmt: skip
                assert cell.is_visible()
                box = cell.bounding_box()
                assert box["x"] >= 0
                assert box["x"] + box["width"] <= width, (index, cell.inner_text(), box)
        long = rows.filter(has_text="Longue-Frontière")
        assert "1234.5 km" in long.locator(".col-distance").inner_text()
        assert "Germany" in long.locator(".col-border").inner_text()
        assert long.locator(".col-insee").is_visible() == (width > 640)  # the code is left to the town page
        page.screenshot(path=str(tmp_path / f"towns-{width}.png"), full_page=True)
    finally:
        context.close()
