"""Maps (issue 12): the base layer, the server-drawn SVG, the map-layer endpoints and the pages that show them."""

import gzip
import json
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from missions.models import Mission
from mot_portal.maps import BASE_FILE, FRANCE_BBOX, MapPoint, Projection, bbox_of, map_svg
from mot_portal.publishing import Status
from projects.models import Factsheet
from tests.conftest import localized_url
from tests.factories import (
    CountryFactory,
    CrossBorderAreaFactory,
    FactsheetFactory,
    TownFactory,
    bulk_factsheets,
    bulk_missions,
    bulk_towns,
)
from towns.mapbase import map_base_build
from towns.models import Country, Locality, Partner, Town

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


# --- The base layer -------------------------------------------------------------------------------------------


def test_the_committed_base_layer_is_the_one_built_from_the_shipped_files():
    built = map_base_build(settings.TOWNS_DATA_DIR)
    assert json.loads(BASE_FILE.read_text(encoding="utf-8")) == json.loads(json.dumps(built))


def test_the_base_layer_is_small_and_holds_the_countries_and_every_land_border():
    data = BASE_FILE.read_bytes()
    assert len(data) < 80_000
    assert len(gzip.compress(data)) < 25_000
    features = json.loads(data)["features"]
    borders = {f["properties"]["iso3"] for f in features if f["properties"]["kind"] == "border"}
    assert borders == {"BEL", "LUX", "DEU", "CHE", "ITA", "MCO", "ESP", "AND", "BRA", "SUR"}
    countries = {f["properties"]["iso3"] for f in features if f["properties"]["kind"] == "country"}
    assert {"FRA", "BEL", "DEU", "CHE", "ITA", "ESP"} <= countries


# --- The server-drawn SVG -------------------------------------------------------------------------------------


def _point(layer, name, lon, lat, **kw):
    return MapPoint(layer=layer, name=name, longitude=lon, latitude=lat, **kw)


def test_the_svg_is_valid_xml_with_a_title_a_description_and_a_shape_per_layer():
    points = [
        _point("towns", "Givet", 4.825, 50.138, kind="pvd", label=True),
        _point("towns", "Fumay", 4.707, 49.99, kind="commune"),
        _point("factsheets", "Projet", 4.8, 50.0, kind="factsheet"),
        _point("missions", "Mission", 4.75, 50.05, kind="mission"),
        _point("localities", "Dinant", 4.91, 50.26, kind="locality", label=True),
        _point("areas", "Espace", 4.7, 50.1, kind="area"),
        _point("focus", "Givet", 4.825, 50.138, label=True),
    ]
    with translation.override("en"):
        svg = map_svg(points=points, title="Carte de Givet", description="Givet et ses environs", id_prefix="m")
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "m-title m-desc"
    assert root.find(f"{SVG}title").text == "Carte de Givet"
    assert root.find(f"{SVG}desc").text == "Givet et ses environs"
    groups = {g.get("class"): g for g in root.iter(f"{SVG}g")}
    assert len(groups["map-points map-points-towns"]) == 2
    assert groups["map-points map-points-towns"][0].tag == f"{SVG}circle"
    assert groups["map-points map-points-factsheets"][0].tag == f"{SVG}rect"
    for layer in ("missions", "localities", "areas", "focus"):
        assert len(groups[f"map-points map-points-{layer}"]) == 1
    # The land border near Givet is drawn, the labelled points are named, the legend names each layer.
    assert len(groups["map-borders"]) >= 1
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "map-label"]
    assert labels == ["Dinant", "Givet", "Givet"]
    legend = "".join(t.text for t in groups["map-legend"].iter(f"{SVG}text"))
    assert "PVD town" in legend
    assert "Other commune" in legend
    assert "Land border" in legend


def test_names_are_escaped_in_the_svg():
    points = [_point("towns", '<script>alert("x")</script> & Cie', 4.8, 50.1, kind="pvd", label=True)]
    svg = map_svg(points=points, title="<b>titre</b>", description="a & b")
    assert "<script>" not in svg
    assert "<b>" not in svg
    root = ET.fromstring(svg)  # still well-formed
    assert root.find(f"{SVG}title").text == "<b>titre</b>"


def test_the_svg_of_france_is_small_and_a_points_outside_the_frame_are_left_out():
    inside = _point("towns", "Dedans", 4.8, 50.1, kind="pvd")
    outside = _point("towns", "Dehors", -52.3, 4.9, kind="pvd")  # French Guiana
    svg = map_svg(points=[inside, outside], title="t", description="d", bbox=FRANCE_BBOX)
    root = ET.fromstring(svg)
    towns = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "map-points map-points-towns")
    assert len(towns) == 1
    assert len(svg.encode()) < 60_000


def test_the_projection_fits_the_frame_and_keeps_proportions():
    projection = Projection((4.0, 49.5, 5.5, 50.5), 640, 440)
    west, south, east, north = projection.bbox
    assert projection(west, north) == pytest.approx((0, 0))
    assert projection(east, south) == pytest.approx((640, 440))
    assert west <= 4.0
    assert east >= 5.5
    assert south <= 49.5
    assert north >= 50.5


def test_bbox_of_one_point_has_a_minimum_span_and_no_point_gives_france():
    west, south, east, north = bbox_of([_point("towns", "a", 4.8, 50.1)])
    assert east - west >= 0.6
    assert north - south >= 0.4
    assert bbox_of([]) == FRANCE_BBOX


def test_bbox_of_metropolitan_and_overseas_points_frames_the_metropolitan_ones():
    _west, south, east, _north = bbox_of([_point("towns", "a", 4.8, 50.1), _point("towns", "b", 55.5, -21.1)])
    assert east < 12
    assert south > 40
    assert bbox_of([_point("towns", "b", 55.5, -21.1)])[1] < -21  # overseas only: framed as they are


# --- The map-layer endpoints ----------------------------------------------------------------------------------


def _names(response):
    return sorted(f["properties"]["name"] for f in response.json()["features"])


def test_the_towns_layer_has_the_pvd_towns_by_default_and_every_commune_with_scope_all(client):
    pvd = TownFactory(name="Givet", latitude=Decimal("50.138"), longitude=Decimal("4.825"))
    other = TownFactory(name="Autre", pvd_id=None, latitude=Decimal("50.0"), longitude=Decimal("4.7"))
    TownFactory(name="Sans coordonnées", latitude=None, longitude=None)
    response = client.get(reverse("map-towns"))
    assert response.status_code == 200
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert data["count"] == 1
    assert data["truncated"] is False
    feature = data["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [4.825, 50.138]}
    assert feature["properties"] == {
        "name": "Givet",
        "kind": "pvd",
        "url": pvd.get_absolute_url(),
        "country": "BE",
        "distance": 12.5,
    }
    assert _names(client.get(reverse("map-towns"), {"scope": "all"})) == ["Autre", "Givet"]
    assert client.get(reverse("map-towns"), {"scope": "all"}).json()["features"][0]["properties"]["kind"] in {
        "pvd",
        "commune",
    }
    assert other.pvd_id is None


def test_the_towns_layer_follows_the_towns_page_filters(client):
    CountryFactory(code="CH", iso3="CHE", name_fr="Suisse", name_en="Switzerland")
    swiss = Country.objects.get(code="CH")
    TownFactory(name="Près", border_distance_km=Decimal("5"))
    TownFactory(name="Loin", border_distance_km=Decimal("50"))
    TownFactory(name="Suisse", border_country=swiss, border_distance_km=Decimal("3"), longitude=Decimal("6.5"))
    assert _names(client.get(reverse("map-towns"), {"max_border_distance": "10"})) == ["Près", "Suisse"]
    assert _names(client.get(reverse("map-towns"), {"border_country": "CH"})) == ["Suisse"]
    assert _names(client.get(reverse("map-towns"), {"bbox": "6,49,7,51"})) == ["Suisse"]
    assert client.get(reverse("map-towns"), {"bbox": "nonsense"}).status_code == 400


def test_the_towns_layer_is_capped_pvd_towns_first(client, monkeypatch):
    from towns import maps

    monkeypatch.setattr(maps, "TOWNS_MAX", 3)
    TownFactory.create_batch(3, pvd_id=None, population=90000)
    TownFactory.create_batch(2, population=10)
    data = client.get(reverse("map-towns"), {"scope": "all"}).json()
    assert data["count"] == 5
    assert data["truncated"] is True
    assert [f["properties"]["kind"] for f in data["features"]] == ["pvd", "pvd", "commune"]


def test_the_factsheets_layer_has_only_published_factsheets_placed_at_their_towns(client):
    givet = TownFactory(latitude=Decimal("50"), longitude=Decimal("4"))
    fumay = TownFactory(latitude=Decimal("51"), longitude=Decimal("5"))
    FactsheetFactory(title_fr="Publiée", towns={givet: "partner", fumay: "beneficiary"}, published=True)
    FactsheetFactory(title_fr="Brouillon", towns={givet: "partner"})
    area = CrossBorderAreaFactory(latitude=Decimal("48.5"), longitude=Decimal("7.5"))
    FactsheetFactory(title_fr="Par son espace", cross_border_area=area, published=True)
    data = client.get(reverse("map-factsheets")).json()
    by_name = {f["properties"]["name"]: f["geometry"]["coordinates"] for f in data["features"]}
    assert by_name == {"Publiée": [4.5, 50.5], "Par son espace": [7.5, 48.5]}
    assert "Brouillon" not in json.dumps(data)
    assert _names(client.get(reverse("map-factsheets"), {"town": givet.insee_code})) == ["Publiée"]


def test_the_missions_layer_has_only_published_missions(client):
    towns = bulk_towns(4)
    for i, town in enumerate(towns):
        town.latitude, town.longitude = Decimal(49 + i), Decimal(4)
        town.save()
    from projects.models import Theme

    theme = Theme.objects.create(slug="t", name_fr="T")
    missions = bulk_missions(3, towns=towns, countries=[CountryFactory()], themes=[theme])
    Mission.objects.filter(pk=missions[0].pk).update(status=Status.DRAFT)
    data = client.get(reverse("map-missions")).json()
    assert data["count"] == 2
    assert missions[0].title_fr not in json.dumps(data)
    assert all(f["properties"]["kind"] == "mission" for f in data["features"])


def test_the_areas_layer_places_an_area_at_its_centre_or_its_towns_and_draws_its_outline(client):
    town = TownFactory(latitude=Decimal("50"), longitude=Decimal("4"))
    CrossBorderAreaFactory(name_fr="Par ses villes", towns=[town])
    outline = {"type": "Polygon", "coordinates": [[[7, 48], [8, 48], [8, 49], [7, 48]]]}
    CrossBorderAreaFactory(name_fr="Avec contour", latitude=Decimal("48.5"), longitude=Decimal("7.5"), outline=outline)
    CrossBorderAreaFactory(name_fr="Nulle part")
    features = client.get(reverse("map-areas")).json()["features"]
    points = {
        f["properties"]["name"]: f["geometry"]["coordinates"] for f in features if f["geometry"]["type"] == "Point"
    }
    assert points == {"Par ses villes": [4.0, 50.0], "Avec contour": [7.5, 48.5]}
    assert [f["geometry"] for f in features if f["geometry"]["type"] == "Polygon"] == [outline]


def test_the_localities_layer_credits_geonames_and_follows_the_bounding_box(client):
    belgium = CountryFactory()
    Locality.objects.create(
        name="Dinant", country=belgium, latitude=Decimal("50.26"), longitude=Decimal("4.91"), border_distance_km=12
    )
    Locality.objects.create(
        name="Bâle", country=belgium, latitude=Decimal("47.56"), longitude=Decimal("7.59"), border_distance_km=1
    )
    data = client.get(reverse("map-localities"), {"bbox": "4.5,49.9,5.2,50.3"}).json()
    assert "GeoNames" in data["attribution"]
    assert "CC BY 4.0" in data["attribution"]
    assert [f["properties"] for f in data["features"]] == [
        {"name": "Dinant", "kind": "locality", "url": "", "country": "BE", "distance": 12.0}
    ]
    assert _names(client.get(reverse("map-localities"))) == ["Bâle", "Dinant"]


@pytest.mark.parametrize(
    ("name", "queries"),
    [("map-towns", 2), ("map-factsheets", 2), ("map-missions", 2), ("map-areas", 4), ("map-localities", 2)],
)
def test_each_layer_reads_a_constant_number_of_queries(client, django_assert_num_queries, name, queries):
    """The same number of queries for 4 records as for 20 (the filter's form reads the choices it validates)."""
    from projects.models import Theme

    theme = Theme.objects.create(slug="t", name_fr="T")
    country = CountryFactory()
    for size in (4, 20):
        Locality.objects.all().delete()
        towns = bulk_towns(size, start=size * 10)
        for i, town in enumerate(towns):
            town.latitude, town.longitude = Decimal("49.5") + Decimal(i) / 100, Decimal(4)
            town.save()
        Factsheet.objects.all().delete()
        Mission.objects.all().delete()
        Partner.objects.all().delete()
        bulk_factsheets(size, towns=towns, countries=[country], themes=[theme])
        bulk_missions(size, towns=towns, countries=[country], themes=[theme])
        Locality.objects.bulk_create(
            Locality(name=f"L{i}", country=country, latitude=50, longitude=4 + i / 100, border_distance_km=i)
            for i in range(size)
        )
        area = CrossBorderAreaFactory(towns=towns)
        area.save()
        with django_assert_num_queries(queries):
            assert client.get(reverse(name), {"scope": "all"} if name == "map-towns" else {}).status_code == 200


def test_the_layers_are_public_and_cached_with_an_etag(client, settings):
    from django.core.cache import cache

    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()
    TownFactory()
    first = client.get(reverse("map-towns"))
    assert first.status_code == 200
    assert first["ETag"]
    assert "public" in first["Cache-Control"]
    again = client.get(reverse("map-towns"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_the_layers_are_in_the_schema(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    for layer in ("towns", "factsheets", "missions", "areas", "localities"):
        assert f"/api/v1/map/{layer}/" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/map/towns/"]["get"]["parameters"]}
    assert {"scope", "border_country", "max_border_distance", "near", "bbox"} <= parameters


# --- Pages ----------------------------------------------------------------------------------------------------


def _figure(html: str) -> str:
    start = html.index('<figure class="map"')
    return html[start : html.index("</figure>", start)]


def test_the_home_map_has_its_svg_its_layers_and_its_text_alternative(client):
    TownFactory(name="Givet", latitude=Decimal("50.138"), longitude=Decimal("4.825"), border_distance_km=1)
    html = client.get(localized_url("home", "fr")).content.decode()
    figure = _figure(html)
    assert 'aria-describedby="home-map-list"' in figure
    assert 'id="home-map-list"' in html
    assert "<svg" in figure
    assert 'class="map-points map-points-towns"' in figure
    layers = json.loads(figure.split('data-map-layers="')[1].split('"')[0].replace("&quot;", '"'))
    assert [layer["key"] for layer in layers] == ["areas", "towns"]
    assert layers[1]["url"] == "/api/v1/map/towns/?max_border_distance=30"
    assert "<script>" not in html.replace('<script src="', "")


def test_the_towns_page_map_follows_the_filters(client):
    TownFactory(name="Près", border_distance_km=Decimal("5"), latitude=Decimal("50.1"))
    TownFactory(name="Loin", border_distance_km=Decimal("50"), latitude=Decimal("48.1"))
    html = client.get(localized_url("towns:town_list", "fr"), {"max_border_distance": "10", "page": "1"}).content
    figure = _figure(html.decode())
    assert "max_border_distance=10" in figure
    assert "page=" not in figure
    assert figure.count("<circle") == 1 + 1  # one town, and the legend's mark


def test_the_town_page_map_shows_the_town_its_projects_and_the_localities_across(client):
    givet = TownFactory(name="Givet", latitude=Decimal("50.138"), longitude=Decimal("4.825"))
    FactsheetFactory(title_fr="Projet publié", towns={givet: "partner"}, published=True)
    FactsheetFactory(title_fr="Projet brouillon", towns={givet: "partner"})
    Locality.objects.create(
        name="Dinant", country=CountryFactory(), latitude=Decimal("50.26"), longitude=Decimal("4.91"),
        border_distance_km=12,
    )  # fmt: skip
    html = client.get(givet.get_absolute_url()).content.decode()
    figure = _figure(html)
    assert "Projet publié" in figure
    assert "Dinant" in figure
    assert "GeoNames" in figure
    assert "Projet brouillon" not in html
    assert "map-points-focus" in figure
    assert "map-points-factsheets" in figure
    assert "map-points-localities" in figure
    assert f"town={givet.insee_code}" in figure


def test_the_town_page_map_shows_the_areas_the_town_belongs_to(client):
    chamonix = TownFactory(name="Chamonix", latitude=Decimal("45.92"), longitude=Decimal("6.87"))
    other = TownFactory(name="Ailleurs", latitude=Decimal("48.5"), longitude=Decimal("7.5"))
    CrossBorderAreaFactory(name_fr="Espace Mont-Blanc", towns=[chamonix])
    CrossBorderAreaFactory(name_fr="Autre espace", towns=[other])
    figure = _figure(client.get(chamonix.get_absolute_url()).content.decode())
    assert "map-points-areas" in figure
    assert "Espace Mont-Blanc" in figure
    assert "Autre espace" not in figure
    layers = json.loads(figure.split('data-map-layers="')[1].split('"')[0].replace("&quot;", '"'))
    url = next(layer["url"] for layer in layers if layer["key"] == "areas")
    assert url == f"/api/v1/map/areas/?town={chamonix.insee_code}"
    assert [f["properties"]["name"] for f in client.get(url).json()["features"]] == ["Espace Mont-Blanc"]


def test_the_map_static_files_exist():
    base = Path(settings.BASE_DIR) / "static"
    for path in ("vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css", "vendor/leaflet/LICENSE", "js/map.js"):
        assert (base / path).is_file()


@override_settings(MAP_TILE_URL="https://tiles.example.org/{z}/{x}/{y}.png")
def test_a_tile_server_is_passed_to_the_script_when_set(client):
    TownFactory()
    html = client.get(localized_url("home", "fr")).content.decode()
    assert 'data-map-tiles="https://tiles.example.org/{z}/{x}/{y}.png"' in html


# --- PDFs -----------------------------------------------------------------------------------------------------


def test_the_factsheet_pdf_draws_its_towns_on_the_server_drawn_map():
    from mot_portal.documents import registry
    from mot_portal.documents.rendering import render_html

    givet = TownFactory(name="Givet", latitude=Decimal("50.138"), longitude=Decimal("4.825"))
    factsheet = FactsheetFactory(title_fr="Projet", towns={givet: "partner"}, published=True)
    kind = registry.get("factsheet")
    html = render_html(kind.template, kind.context(kind.load(factsheet.pk)), language="en")
    figure = html[html.index('<figure class="pdf-map">') : html.index("</figure>", html.index('class="pdf-map"'))]
    root = ET.fromstring(figure[figure.index("<svg") : figure.index("</svg>") + 6])
    assert [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "map-label"] == ["Givet"]
    assert "Natural Earth" in figure
    assert "http" not in figure.replace("http://www.w3.org/2000/svg", "")  # nothing to fetch


def test_a_factsheet_without_a_place_has_no_map_in_its_pdf():
    from mot_portal.documents import registry
    from mot_portal.documents.rendering import render_html

    factsheet = FactsheetFactory(title_fr="Nulle part", published=True)
    kind = registry.get("factsheet")
    html = render_html(kind.template, kind.context(kind.load(factsheet.pk)), language="fr")
    assert "pdf-map" not in html


def test_the_tile_origin_is_allowed_as_an_image_source():
    from mot_portal.settings import _tile_origin

    assert _tile_origin("https://{s}.tiles.example.org/{z}/{x}/{y}.png") == "https://*.tiles.example.org"
    assert _tile_origin("") is None


def test_the_mission_area_and_partner_pages_draw_their_places(client):
    from tests.factories import PartnerFactory

    towns = bulk_towns(3)
    for i, town in enumerate(towns):
        Town.objects.filter(pk=town.pk).update(latitude=Decimal("49.4") + i, longitude=Decimal("6.3"))
    towns = list(Town.objects.filter(pk__in=[t.pk for t in towns]).order_by("pk"))
    from projects.models import Theme

    theme = Theme.objects.create(slug="t", name_fr="T")
    mission = bulk_missions(1, towns=towns, countries=[CountryFactory()], themes=[theme])[0]
    html = client.get(mission.get_absolute_url()).content.decode()
    assert 'id="mission-map"' in _figure(html)
    assert _figure(html).count("<circle") == 2 + 1  # its two towns, and the legend's mark
    area = CrossBorderAreaFactory(towns=towns[:2], latitude=Decimal("49.9"), longitude=Decimal("6.4"))
    figure = _figure(client.get(area.get_absolute_url()).content.decode())
    assert "map-points-areas" in figure
    assert figure.count("<circle") == 2 + 1
    partner = PartnerFactory(towns=towns)
    figure = _figure(client.get(partner.get_absolute_url()).content.decode())
    assert figure.count("<circle") == 3 + 1
    lonely = PartnerFactory()
    assert '<figure class="map"' not in client.get(lonely.get_absolute_url()).content.decode()
