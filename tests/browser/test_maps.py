"""The maps in Debian's Chromium: the interactive map draws its layers and follows the filters, the server-drawn map
stands without JavaScript, the markers are reachable by keyboard, and axe finds no violation on the map pages."""

from decimal import Decimal
from pathlib import Path

import pytest

from tests.factories import CountryFactory, FactsheetFactory, bulk_towns
from towns.models import Locality, Town

pytestmark = pytest.mark.django_db(transaction=True)
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


@pytest.fixture
def towns():
    towns = bulk_towns(12)
    for i, town in enumerate(towns):
        # Along the Belgian border near Givet, 0 to 55 km from it (bulk_towns: distance i % 60).
        Town.objects.filter(pk=town.pk).update(
            latitude=Decimal("49.6") + Decimal(i) / 20, longitude=Decimal("4.2") + Decimal(i) / 10,
            border_distance_km=Decimal(i * 5),
            border_distances={town.border_country.code: float(i * 5)} if town.border_country else {},
        )  # fmt: skip
    givet = Town.objects.get(pk=towns[5].pk)
    FactsheetFactory(title_fr="Projet de Givet", towns={givet: "partner"}, published=True)
    FactsheetFactory(title_fr="Brouillon de Givet", towns={givet: "partner"})
    Locality.objects.create(
        name="Dinant", country=CountryFactory(), latitude=givet.latitude + Decimal("0.1"),
        longitude=givet.longitude, border_distance_km=8,
    )  # fmt: skip
    return [Town.objects.get(pk=t.pk) for t in towns]


def _ready(page):
    page.wait_for_selector("figure.map[data-map-state='ready']", timeout=15000)


def test_the_towns_map_draws_a_marker_per_town_and_follows_the_filters(live_server, page, towns):
    page.goto(f"{live_server.url}/fr/communes/")
    _ready(page)
    assert page.get_by_role("heading", level=2, name="12 communes").is_visible()
    assert page.locator(".leaflet-container").count() == 1
    assert page.locator(".map-marker-towns").count() == 12
    assert page.locator("figure.map .map-canvas svg").is_hidden()  # replaced, not doubled

    page.get_by_label("Distance maximale à la frontière (km)").fill("20")
    page.get_by_role("button", name="Appliquer").click()
    _ready(page)
    assert page.get_by_role("heading", level=2, name="5 communes").is_visible()
    assert page.locator(".map-marker-towns").count() == 5
    # The markers are named for screen readers and open a popup linking to the town's page.
    marker = page.locator(".map-marker-towns").first
    assert marker.get_attribute("aria-label").endswith("(Commune PVD)")
    marker.focus()
    page.keyboard.press("Enter")
    link = page.locator(".leaflet-popup-content a")
    assert link.get_attribute("href").startswith("/fr/communes/")


def test_the_town_map_shows_the_town_its_project_and_the_locality_across(live_server, page, towns):
    givet = towns[5]
    page.goto(f"{live_server.url}{givet.get_absolute_url()}")
    _ready(page)
    assert page.locator(".map-marker-focus").count() == 1
    assert page.locator(".map-marker-factsheets").count() == 1
    assert page.locator(".map-marker-localities").count() == 1
    assert page.locator(".map-marker-focus").get_attribute("aria-label").startswith(givet.name)
    assert "Brouillon" not in page.content()
    assert "GeoNames" in page.locator(".leaflet-control-attribution").inner_text()


def test_the_maps_stand_without_javascript(live_server, browser, towns):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/fr/communes/")
        figure = page.locator("figure.map")
        assert figure.locator("svg[role='img']").is_visible()
        assert figure.locator(".map-points-towns circle").count() == 12
        assert page.locator(".leaflet-container").count() == 0
        page.goto(f"{live_server.url}/fr/")
        assert page.locator("figure.map svg title").text_content().startswith("Communes PVD")
    finally:
        context.close()


@pytest.mark.parametrize(
    "path", ["/fr/", "/fr/communes/", "town", "/en/towns/?max_border_distance=20", "factsheet", "/fr/fiches-projet/"]
)
def test_axe_finds_no_violation_on_the_map_pages(live_server, page, towns, path):
    if path == "town":
        path = towns[5].get_absolute_url()
    if path == "factsheet":
        from projects.models import Factsheet

        path = Factsheet.objects.published().get().get_absolute_url()
    page.goto(f"{live_server.url}{path}")
    _ready(page)
    # Evaluated through the DevTools protocol: the page's CSP (script-src 'self') refuses an added script tag,
    # and rightly so; the page under test is unchanged.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert violations == []
    passed = {rule["id"] for rule in result["passes"]}
    assert {"image-alt", "aria-allowed-attr", "color-contrast", "svg-img-alt"} & passed  # axe did check the page


def test_axe_would_report_a_marker_without_a_name(live_server, page, towns):
    """The check above can fail: a marker stripped of its name is a violation."""
    page.goto(f"{live_server.url}/fr/communes/")
    _ready(page)
    page.evaluate(AXE.read_text(encoding="utf-8"))
    page.evaluate(
        "() => document.querySelectorAll('.map-marker').forEach(m => { m.removeAttribute('aria-label'); "
        "m.removeAttribute('title'); })"
    )
    result = page.evaluate("async () => await axe.run('figure.map', {resultTypes: ['violations']})")
    assert "aria-command-name" in {v["id"] for v in result["violations"]}
