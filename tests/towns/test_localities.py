"""The GeoNames localities across the border: import (counts, atomicity, idempotence), the nearest-localities
selector, the town and area pages, the API and the credits page."""

import pytest
from django.utils import translation

from tests.conftest import DATA_DIR
from tests.conftest import localized_url as url
from tests.towns.importing import rewrite
from towns import selectors
from towns.geometry import geodesic_km
from towns.models import Country, CrossBorderArea, DataImport, Locality, Town
from towns.services import DataFileError, area_update, towns_import

pytestmark = pytest.mark.django_db

COUNTS = {"BE": 493, "DE": 324, "CH": 323, "IT": 297, "ES": 219, "LU": 128, "AD": 15, "MC": 12}
LOCALITIES = "localites_transfrontalieres_geonames_30km.csv"


def locality_rows() -> list[tuple]:
    return list(
        Locality.objects.order_by("pk").values_list(
            "pk", "country__code", "name", "admin1", "admin2", "latitude", "longitude", "border_distance_km"
        )
    )


# --- Import ---------------------------------------------------------------------------------------------------


def test_import_loads_every_locality_by_country():
    result = towns_import(data_dir=DATA_DIR)

    assert Locality.objects.count() == 1_811 == sum(COUNTS.values())
    for code, count in COUNTS.items():
        assert Locality.objects.filter(country__code=code).count() == count, code
        assert result.counts[f"localities_{code}"] == count
    assert result.counts["localities"] == 1_811
    assert DataImport.objects.latest().counts["localities_BE"] == 493
    pas = Locality.objects.get(name="Pas de la Casa")
    assert (pas.country_id, pas.admin1, pas.admin2) == (Country.objects.get(code="AD").pk, "Encamp", "")
    assert (str(pas.latitude), str(pas.longitude), str(pas.border_distance_km)) == ("42.54277", "1.73361", "1.1")


def test_reimport_is_a_no_op_and_a_forced_one_keeps_every_row(django_assert_max_num_queries):
    towns_import(data_dir=DATA_DIR)
    before = locality_rows()

    with django_assert_max_num_queries(5):
        assert towns_import(data_dir=DATA_DIR).skipped
    assert not towns_import(data_dir=DATA_DIR, force=True).skipped

    assert locality_rows() == before  # same primary keys: updated in place, not deleted and recreated


def test_changed_file_updates_adds_and_deletes(data_dir):
    towns_import(data_dir=data_dir)
    chimay = Locality.objects.get(name="Chimay")

    def change(lines):
        kept = [line for line in lines if not line.startswith("Pas de la Casa,")]
        kept = [line.replace(",Chimay,", ",Chimay,") for line in kept]
        kept = [line.replace(",7.7\n", ",7.6\n") if line.startswith("Chimay,") else line for line in kept]
        return [*kept, "Nouvelle Place,BE,Wallonia,Province de Namur,50.10000,4.90000,5.0\n"]

    rewrite(data_dir / LOCALITIES, change)
    result = towns_import(data_dir=data_dir)

    assert result.counts["localities"] == 1_811
    assert not Locality.objects.filter(name="Pas de la Casa").exists()
    assert Locality.objects.filter(name="Nouvelle Place", country__code="BE").count() == 1
    chimay_after = Locality.objects.get(name="Chimay")
    assert chimay_after.pk == chimay.pk
    assert str(chimay_after.border_distance_km) == "7.6"


MALFORMED = {
    "unknown country": (lambda lines: [lines[0], lines[1].replace(",AD,", ",XX,", 1), *lines[2:]], 2, "unknown country 'XX'"),  # noqa: E501
    "France is not across the border": (
        lambda lines: [lines[0], lines[1].replace(",AD,", ",FR,", 1), *lines[2:]],
        2,
        "unknown country 'FR'",
    ),
    "bad latitude": (lambda lines: [lines[0], lines[1].replace("42.54277", "142.54277"), *lines[2:]], 2, "lat 142.54277 out of range"),  # noqa: E501
    "bad coordinate": (lambda lines: [lines[0], lines[1].replace("1.73361", "1,7"), *lines[2:]], 2, "expected 7 columns"),  # noqa: E501
    "missing coordinates": (lambda lines: [lines[0], lines[1].replace("1.73361", ""), *lines[2:]], 2, "missing coordinates"),  # noqa: E501
    "missing name": (lambda lines: [lines[0], lines[1].replace("Pas de la Casa", ""), *lines[2:]], 2, "empty nom"),
    "duplicate place": (lambda lines: [*lines[:3], lines[1], *lines[3:]], 4, "duplicate place 'Pas de la Casa (AD) at 42.54277, 1.73361' (first seen on line 2)"),  # noqa: E501
    "distance beyond 30 km": (lambda lines: [lines[0], lines[1].replace(",1.1\n", ",31.5\n"), *lines[2:]], 2, "dist_frontiere_fr_km 31.5 out of range"),  # noqa: E501
    "missing column": (lambda lines: [lines[0].replace("admin2", "admin_2"), *lines[1:]], 1, "missing column(s): admin2"),  # noqa: E501
}  # fmt: skip


@pytest.mark.parametrize("case", MALFORMED.keys())
def test_a_malformed_localities_file_stops_the_import_and_changes_nothing(case, data_dir):
    towns_import(data_dir=data_dir)
    before, imports, towns = locality_rows(), DataImport.objects.count(), Town.objects.count()
    transform, line, reason = MALFORMED[case]
    # A change elsewhere too, so that the import would write if the localities file did not stop it.
    rewrite(data_dir / "regions_france_2026.csv", lambda lines: [lines[0], lines[1].replace(",", ",X", 1), *lines[2:]])
    rewrite(data_dir / "regions_france_2026.csv", lambda lines: [lines[0], lines[1].replace(",X", ",", 1), *lines[2:]])
    rewrite(data_dir / LOCALITIES, transform)

    with pytest.raises(DataFileError) as error:
        towns_import(data_dir=data_dir)

    assert error.value.file == LOCALITIES
    assert error.value.line == line
    assert reason in error.value.reason
    assert locality_rows() == before
    assert DataImport.objects.count() == imports
    assert Town.objects.count() == towns


# --- Selectors -------------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("real_data")
class TestNearest:
    @pytest.mark.parametrize(("code", "first"), [("08190", "Agimont"), ("02381", "Momignies")])
    def test_givet_and_hirson_see_belgian_localities(self, code, first, django_assert_num_queries):
        town = Town.objects.get(insee_code=code)
        with django_assert_num_queries(1):
            nearest = selectors.town_nearest_localities(town=town)
        assert len(nearest) == 8
        assert nearest[0].name == first
        assert all(n.country_code == "BE" for n in nearest[:3])
        assert [n.distance_km for n in nearest] == sorted(n.distance_km for n in nearest)
        assert all(n.distance_km <= 30 for n in nearest)

    def test_matches_a_brute_force_geodesic_search(self):
        """The box prefilter loses nothing: the same 8 as measuring every locality (Sierck-les-Bains, Menton)."""
        rows = list(Locality.objects.values_list("name", "latitude", "longitude"))
        for code in ("57650", "06083", "74056", "64024"):
            town = Town.objects.get(insee_code=code)
            distances = geodesic_km(
                float(town.latitude), float(town.longitude), [float(r[1]) for r in rows], [float(r[2]) for r in rows]
            )
            expected = sorted((round(float(d), 1), r[0]) for d, r in zip(distances, rows, strict=True) if d <= 30)[:8]
            got = [(n.distance_km, n.name) for n in selectors.town_nearest_localities(town=town)]
            assert [d for d, _ in got] == [d for d, _ in expected], code
            assert {n for _, n in got} <= {n for _, n in expected} | {n for d, n in got if d == got[-1][0]}

    def test_a_town_far_from_the_border_or_without_coordinates_has_none(self, django_assert_num_queries):
        paris = Town.objects.get(insee_code="75056")
        with django_assert_num_queries(1):
            assert selectors.town_nearest_localities(town=paris) == []
        paris.latitude = None
        with django_assert_num_queries(0):
            assert selectors.town_nearest_localities(town=paris) == []


# --- Pages ---------------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("real_data")
class TestPages:
    @pytest.mark.parametrize(
        ("lang", "title", "credit", "country"),
        [
            ("fr", "De l'autre côté de la frontière", "Localités : GeoNames (geonames.org), licence CC BY 4.0", "Belgique"),  # noqa: E501
            ("en", "Across the border", "Localities: GeoNames (geonames.org), licence CC BY 4.0", "Belgium"),
        ],
    )  # fmt: skip
    def test_givet_page_lists_belgian_localities_with_the_credit(self, client, lang, title, credit, country):
        html = client.get(url("towns:town_detail", lang, insee_code="08190")).content.decode()
        assert title in html.replace("&#x27;", "'")
        assert "Agimont" in html
        assert f"Province de Namur, Wallonia, {country})" in html
        assert credit in html
        assert f'href="{url("credits", lang)}"' in html
        # After the land borders row, before the intercommunality.
        assert html.index("Agimont") < html.index('id="epci-title"')

    def test_a_town_without_localities_has_no_section(self, client):
        html = client.get(url("towns:town_detail", "en", insee_code="75056")).content.decode()
        assert "Across the border" not in html
        assert "GeoNames" not in html

    @pytest.mark.parametrize("lang", ["fr", "en"])
    def test_area_page_lists_members_with_border_distance_and_nearby_localities(self, client, lang):
        html = client.get(url("towns:area_detail", lang, slug="espace-mont-blanc")).content.decode()
        assert "Chamonix-Mont-Blanc" in html
        assert "Bourg-Saint-Maurice" in html
        assert "Martigny-Combe" in html
        assert "GeoNames (geonames.org)" in html
        near = {"fr": "à moins de 15 km d'une commune membre", "en": "within 15 km of a member town"}[lang]
        assert near in html.replace("&#x27;", "'")
        chamonix = Town.objects.select_related("border_country").get(insee_code="74056")
        distance = f"{chamonix.border_distance_km:.1f}".replace(".", "," if lang == "fr" else ".")
        country = chamonix.border_country.name_fr if lang == "fr" else chamonix.border_country.name_en
        expected = {"fr": f"{distance} km de la frontière ({country})", "en": f"{distance} km from {country}"}[lang]
        assert expected in html

    def test_area_without_members_has_no_localities_section(self, client):
        html = client.get(url("towns:area_detail", "en", slug="eurodistrict-pamina")).content.decode()
        assert "GeoNames" not in html

    def test_area_with_an_outline_lists_what_is_inside(self, client):
        area = CrossBorderArea.objects.get(slug="eurodistrict-pamina")
        # A square around Wissembourg reaching into the Palatinate.
        square = [[7.8, 49.0], [8.2, 49.0], [8.2, 49.2], [7.8, 49.2], [7.8, 49.0]]
        area_update(area=area, fields={"outline": {"type": "Polygon", "coordinates": [square]}})
        try:
            html = client.get(url("towns:area_detail", "fr", slug="eurodistrict-pamina")).content.decode()
            inside = [
                n
                for n, lat, lon in Locality.objects.values_list("name", "latitude", "longitude")
                if 49.0 <= lat <= 49.2 and 7.8 <= lon <= 8.2
            ]
            assert inside
            for name in inside:
                assert name in html
            assert "à l'intérieur du contour" in html.replace("&#x27;", "'")
        finally:
            area_update(area=area, fields={"outline": None})

    @pytest.mark.parametrize("lang", ["fr", "en"])
    def test_credits_page_says_where_and_how(self, client, lang):
        html = client.get(url("credits", lang)).content.decode()
        assert {"fr": "ellipsoïde WGS 84", "en": "WGS 84 ellipsoid"}[lang] in html
        assert "/api/v1/localities/" in html

    def test_town_page_queries_do_not_grow_with_localities(self, client, django_assert_max_num_queries):
        with django_assert_max_num_queries(14):  # with the map
            assert client.get(url("towns:town_detail", "en", insee_code="08190")).status_code == 200


# --- API -------------------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("real_data")
class TestApi:
    def test_list_filters_by_country_and_search(self, client, django_assert_max_num_queries):
        with django_assert_max_num_queries(3):  # the country code, the count, the page
            data = client.get("/api/v1/localities/?country=LU&page_size=500").json()
        assert data["count"] == 128
        assert {row["country"] for row in data["results"]} == {"LU"}
        chimay = client.get("/api/v1/localities/?search=chimay").json()["results"]
        assert [(r["name"], r["country"], r["admin2"]) for r in chimay] == [("Chimay", "BE", "Province du Hainaut")]

    def test_near_filter(self, client):
        data = client.get("/api/v1/localities/?near=50.14223,4.83479,8").json()
        assert {r["name"] for r in data["results"]} == {"Agimont", "Doische", "Winenne"}
        assert client.get("/api/v1/localities/?near=95,4,8").status_code == 400

    def test_read_only(self, client, staff_editor):
        client.force_login(staff_editor)
        response = client.get("/api/v1/localities/")
        assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
        assert client.post("/api/v1/localities/", {"name": "X"}, content_type="application/json").status_code in (
            403,
            405,
        )
        assert not Locality.objects.filter(name="X").exists()

    def test_schema_credits_geonames(self, client):
        schema = client.get("/api/v1/schema/?format=json").json()
        assert "GeoNames (geonames.org)" in schema["paths"]["/api/v1/localities/"]["get"]["description"]
        assert "CC BY 4.0" in schema["paths"]["/api/v1/localities/"]["get"]["description"]

    def test_area_exposes_its_centre(self, client):
        genevois = client.get("/api/v1/cross-border-areas/agglomeration-franco-valdo-genevoise/").json()
        assert genevois["latitude"] is None
        assert genevois["outline"] is None
        assert genevois["centre"]["derived"] is True
        assert 46.0 < genevois["centre"]["latitude"] < 46.4
        assert len(genevois["towns"]) == 117
        assert client.get("/api/v1/cross-border-areas/eurodistrict-pamina/").json()["centre"] is None


# --- Area outlines, centres and members --------------------------------------------------------------------------

SQUARE = [[7.8, 49.0], [8.2, 49.0], [8.2, 49.2], [7.8, 49.2], [7.8, 49.0]]


@pytest.mark.parametrize(
    ("outline", "message"),
    [
        ({"type": "Point", "coordinates": [7.8, 49.0]}, "Polygon or MultiPolygon"),
        ("not a geometry", "Polygon or MultiPolygon"),
        ({"type": "Polygon", "coordinates": [SQUARE[:-1]]}, "closed"),
        ({"type": "Polygon", "coordinates": [[[7.8, 49.0], [8.2, 49.0], [7.8, 49.0]]]}, "at least four positions"),
        ({"type": "Polygon", "coordinates": [[[49.0, 187.8], *SQUARE[1:4], [49.0, 187.8]]]}, "longitude from -180"),
        ({"type": "MultiPolygon", "coordinates": [[[["a", 1], *SQUARE[1:]]]]}, "[longitude, latitude] positions"),
        ({"type": "MultiPolygon", "coordinates": []}, "[longitude, latitude] positions"),
    ],
)
def test_a_bad_outline_is_a_field_error(outline, message):
    from django.core.exceptions import ValidationError

    area = CrossBorderArea.objects.create(slug="test-area", name_fr="Test")
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            area_update(area=area, fields={"outline": outline})
        assert list(error.value.message_dict) == ["outline"]
        assert message in error.value.message_dict["outline"][0]
    area.refresh_from_db()
    assert area.outline is None


def test_a_good_outline_and_centre_are_kept():
    area = CrossBorderArea.objects.create(slug="test-area", name_fr="Test")
    multi = {"type": "MultiPolygon", "coordinates": [[SQUARE], [[[x + 1, y] for x, y in SQUARE]]]}
    area_update(area=area, fields={"outline": multi, "latitude": "49.1", "longitude": "8.0"})
    area.refresh_from_db()
    assert area.outline == multi
    assert area.map_centre == (49.1, 8.0)


def test_the_centre_is_derived_from_member_towns_when_no_source_gives_one(client):
    from tests.factories import TownFactory

    area = CrossBorderArea.objects.create(slug="test-area", name_fr="Test")
    assert area.map_centre is None
    towns = [
        TownFactory(insee_code="99001", latitude="49.00000", longitude="7.00000"),
        TownFactory(insee_code="99002", latitude="49.20000", longitude="7.40000"),
    ]
    area.towns.set([*towns, TownFactory(insee_code="99003", latitude=None, longitude=None)])
    assert area.map_centre == (49.1, 7.2)


@pytest.mark.usefixtures("real_data")
class TestAreaMembers:
    def test_members_come_from_the_sourced_intercommunalities(self):
        genevois = CrossBorderArea.objects.get(slug="agglomeration-franco-valdo-genevoise")
        sirens = set(genevois.towns.values_list("intercommunality__siren", flat=True))
        assert sirens == {"200011773", "200067551", "240100750", "240100891", "247400690", "247400583", "200000172",
                          "247400724"}  # fmt: skip
        assert genevois.towns.count() == 117
        lille = CrossBorderArea.objects.get(slug="eurometropole-lille-kortrijk-tournai")
        assert set(lille.towns.values_list("intercommunality__siren", flat=True)) == {"200093201"}
        assert "https://lillemetropole.fr/" in lille.source
        mont_blanc = CrossBorderArea.objects.get(slug="espace-mont-blanc")
        assert mont_blanc.towns.count() == 4 + 10 + 3
        assert set(mont_blanc.countries.values_list("code", flat=True)) == {"FR", "CH", "IT"}
        assert "espaces-transfrontaliers.org" in mont_blanc.source
        for slug in ("eurodistrict-pamina", "nord-lorrain-luxembourg", "alpes-du-sud-riviera"):
            area = CrossBorderArea.objects.get(slug=slug)
            assert not area.towns.exists(), slug
            assert area.latitude is None
            assert area.outline is None

    def test_every_area_siren_is_in_the_epci_file(self):
        import csv
        import json

        from tests.conftest import CONTENT_FILE

        with (DATA_DIR / "epci_france_2026.csv").open(encoding="utf-8") as handle:
            known = {row["epci_siren"] for row in csv.DictReader(handle)}
        areas = json.loads(CONTENT_FILE.read_text(encoding="utf-8"))["cross_border_areas"]
        sirens = [s for area in areas for s in area.get("intercommunalities", [])]
        assert len(sirens) == 11
        assert set(sirens) <= known
        for area in areas:
            if area.get("intercommunalities") or area.get("towns"):
                assert "http" in area["source"], area["slug"]

    def test_loading_again_completes_an_area_that_lacks_members_but_keeps_staff_edits(self, tmp_path):
        import json

        from tests.conftest import CONTENT_FILE
        from towns.services import content_load

        lille = CrossBorderArea.objects.get(slug="eurometropole-lille-kortrijk-tournai")
        members = list(lille.towns.all())
        old_source = lille.source.split("; members:")[0]
        area_update(area=lille, fields={"source": old_source}, towns=[])
        mont_blanc = CrossBorderArea.objects.get(slug="espace-mont-blanc")
        mont_blanc_towns = mont_blanc.towns.count()
        try:
            result = content_load(path=CONTENT_FILE)
            lille.refresh_from_db()
            assert result == {"cross_border_areas_completed": 1}
            assert lille.towns.count() == len(members) == 95
            assert "lillemetropole.fr" in lille.source
            assert mont_blanc.towns.count() == mont_blanc_towns
            # An unknown SIREN stops the load.
            content = json.loads(CONTENT_FILE.read_text(encoding="utf-8"))
            content["cross_border_areas"][0]["intercommunalities"] = ["999999999"]
            bad = tmp_path / "towns.json"
            bad.write_text(json.dumps(content), encoding="utf-8")
            with pytest.raises(DataFileError, match="unknown intercommunality"):
                content_load(path=bad)
        finally:
            area_update(area=lille, fields={}, towns=members)


@pytest.mark.usefixtures("real_data")
def test_town_detail_api_lists_the_nearest_localities_but_the_list_does_not(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        data = client.get("/api/v1/towns/02381/?lang=en").json()
    first = data["nearest_localities"][0]
    assert (first["name"], first["country"], first["country_name"], first["distance_km"]) == (
        "Momignies",
        "BE",
        "Belgium",
        10.3,
    )
    assert len(data["nearest_localities"]) == 8
    assert "nearest_localities" not in client.get("/api/v1/towns/?page_size=3").json()["results"][0]
    assert client.get("/api/v1/towns/75056/").json()["nearest_localities"] == []
