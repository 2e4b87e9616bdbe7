"""The generated diagnostic of a town: sections and their figures, nothing invented, drafts absent, API, queries,
and the admin action that starts an expert diagnostic."""

from decimal import Decimal

import pytest
from django.urls import reverse

from missions.models import Mission, NationalProgramme
from mot_portal.publishing import Status
from projects.models import Factsheet
from tests.conftest import localized_url
from tests.factories import (
    CountryFactory,
    CrossBorderAreaFactory,
    DepartmentFactory,
    FactsheetFactory,
    IntercommunalityFactory,
    PartnerFactory,
    RegionFactory,
    ThemeFactory,
    TownFactory,
)
from towns.diagnostic import diagnostic_build
from towns.models import Locality, Partner, Town
from workplan.models import DealTheme, Programme, WorkItem

pytestmark = pytest.mark.django_db


def _mission(slug, title, *, published=True, towns=(), epcis=(), themes=()):
    mission = Mission.objects.create(
        slug=slug,
        title_fr=title,
        title_en=f"{title} (en)",
        kind=Mission.Kind.FLASH_MISSION,
        status=Status.PUBLISHED if published else Status.DRAFT,
        published_at="2022-06-01T00:00:00Z" if published else None,
    )
    mission.towns.set(towns)
    mission.intercommunalities.set(epcis)
    mission.themes.set(themes)
    return mission


@pytest.fixture
def rich():
    """A Bouzonville-like town: near Germany and Luxembourg, in an area, with partners, projects, missions, work
    programme items and PVD peers; and drafts that must never show."""
    germany = CountryFactory(code="DE", iso3="DEU", name_fr="Allemagne", name_en="Germany")
    luxembourg = CountryFactory(code="LU", iso3="LUX", name_fr="Luxembourg", name_en="Luxembourg")
    france = CountryFactory(code="FR", iso3="FRA", name_fr="France", name_en="France", borders_france=False)
    moselle = DepartmentFactory(code="57", name="Moselle", region=RegionFactory(code="44", name="Grand Est"))
    epci = IntercommunalityFactory(name="CC Bouzonvillois-Trois Frontières")
    common = {"department": moselle, "border_country": germany}
    town = TownFactory(
        insee_code="57106",
        name="Bouzonville",
        intercommunality=epci,
        latitude=Decimal("49.29"),
        longitude=Decimal("6.53"),
        border_distance_km=Decimal("2.8"),
        border_distances={"DE": 2.8, "LU": 22.5, "BE": 60.6},
        pvd_id="pvd-44-57-1",
        **common,
    )
    sister = TownFactory(
        insee_code="57650", name="Sierck-les-Bains", intercommunality=epci, latitude=Decimal("49.44"),
        longitude=Decimal("6.36"), border_distance_km=Decimal("1.0"), pvd_id="pvd-44-57-2", **common,
    )  # fmt: skip
    far_peer = TownFactory(
        insee_code="57300", name="Creutzwald", latitude=Decimal("49.20"), longitude=Decimal("6.69"),
        border_distance_km=Decimal("3.0"), pvd_id="pvd-44-57-3", **common,
    )  # fmt: skip
    neighbour = TownFactory(
        insee_code="57101", name="Voisine", latitude=Decimal("49.30"), longitude=Decimal("6.60"), pvd_id=None,
        **common,
    )  # fmt: skip
    Locality.objects.create(
        name="Wallerfangen", country=germany, admin1="Saarland", latitude=Decimal("49.33"),
        longitude=Decimal("6.72"), border_distance_km=Decimal("3.0"),
    )  # fmt: skip
    area = CrossBorderAreaFactory(slug="saar-moselle", name_fr="Eurodistrict SaarMoselle", towns=[town])
    area.countries.set([germany, france])
    near_area = CrossBorderAreaFactory(slug="near-area", name_fr="Espace voisin", towns=[neighbour])
    PartnerFactory(
        slug="cc-b3f", name_fr="CC B3F", country=france, competence_level=Partner.CompetenceLevel.INTERMUNICIPAL,
        intercommunality=epci,
    )  # fmt: skip
    PartnerFactory(
        slug="landkreis", name_fr="Landkreis Saarlouis", country=germany,
        competence_level=Partner.CompetenceLevel.DISTRICT, towns=[town],
    )  # fmt: skip
    deal = DealTheme.objects.create(number=4, name="Santé")
    health = ThemeFactory(slug="health", name_fr="Santé", name_en="Health", deal_theme=deal)
    mobility = ThemeFactory(slug="mobility", name_fr="Mobilité", name_en="Mobility")
    own = FactsheetFactory(slug="own", title_fr="Projet de Bouzonville", towns={town: "partner"}, published=True)
    own.themes.set([mobility])
    border = FactsheetFactory(
        slug="border", title_fr="Projet frontalier", title_en="Border project", countries=[france, luxembourg],
        published=True,
    )  # fmt: skip
    in_area = FactsheetFactory(slug="in-area", title_fr="Projet de l'espace", title_en="Area project", published=True)
    Factsheet.objects.filter(pk=in_area.pk).update(cross_border_area=area)
    themed = FactsheetFactory(
        slug="themed",
        title_fr="Projet santé ailleurs",
        title_en="Health project elsewhere",
        themes=[health],
        published=True,
    )
    draft = FactsheetFactory(
        slug="draft", title_fr="Fiche brouillon secrète", title_en="Secret draft sheet", towns={town: "partner"},
        countries=[luxembourg], themes=[health],
    )  # fmt: skip
    _mission("flash", "Mission flash Bouzonville", towns=[town], themes=[health])
    _mission("epci-mission", "Mission de l'intercommunalité", epcis=[epci])
    _mission("dept-mission", "Mission en Moselle", towns=[far_peer])
    _mission("draft-mission", "Mission brouillon secrète", published=False, towns=[town])
    programme = Programme.objects.create(year=2025, title="Programme 2025", status=Programme.Status.PUBLISHED)
    axis = WorkItem.objects.create(programme=programme, kind="axis", code="3", text="Axe", position=1)
    WorkItem.objects.create(
        programme=programme, kind="action", code="3.1", parent=axis, text="Accompagnement PVD - Petites villes",
        position=2,
    )  # fmt: skip
    themed_action = WorkItem.objects.create(
        programme=programme, kind="action", code="3.2", parent=axis, text="Santé transfrontalière", position=3
    )
    themed_action.deal_themes.set([deal])
    draft_programme = Programme.objects.create(year=2026, title="Brouillon", status=Programme.Status.DRAFT)
    draft_axis = WorkItem.objects.create(programme=draft_programme, kind="axis", code="1", text="Axe", position=1)
    WorkItem.objects.create(
        programme=draft_programme, kind="action", code="1.1", parent=draft_axis, text="Programme PVD brouillon"
    )
    return {
        "town": town, "sister": sister, "far_peer": far_peer, "area": area, "near_area": near_area, "own": own,
        "border": border, "in_area": in_area, "themed": themed, "draft": draft,
    }  # fmt: skip


@pytest.fixture
def empty_town():
    """A commune in Cantal, far from every border, with no record about it."""
    cantal = DepartmentFactory(code="15", name="Cantal", region=RegionFactory(code="84", name="Auvergne"))
    spain = CountryFactory(code="ES", iso3="ESP", name_fr="Espagne", name_en="Spain")
    return TownFactory(
        insee_code="15001",
        name="Lointaine",
        department=cantal,
        intercommunality=IntercommunalityFactory(name="CC du Cantal"),
        latitude=Decimal("45.1"),
        longitude=Decimal("2.5"),
        border_country=spain,
        border_distance_km=Decimal("262.0"),
        border_distances={"ES": 262.0, "AD": 263.0},
        pvd_id=None,
    )


def _build(town: Town):
    return diagnostic_build(town=Town.objects.with_relations().get(pk=town.pk))


def test_rich_town_sections(rich):
    d = _build(rich["town"])
    assert [(n.country.code, n.distance_km) for n in d.neighbours] == [("DE", 2.8), ("LU", 22.5), ("BE", 60.6)][:2]
    assert [loc.name for loc in d.localities] == ["Wallerfangen"]
    assert [(e.area.slug, e.relation) for e in d.areas] == [("saar-moselle", "town"), ("near-area", "near")]
    assert d.areas[1].via_town == "Voisine"
    assert 0 < d.areas[1].distance_km <= 15
    groups = {(g.country.code, g.level): [e.partner.slug for e in g.partners] for g in d.partner_groups}
    assert groups == {("FR", "intermunicipal"): ["cc-b3f"], ("DE", "district"): ["landkreis"]}
    assert [g.country.code for g in d.partner_groups] == ["FR", "DE"]  # France first
    assert {t.slug for t in d.themes} == {"health", "mobility"}
    assert [e.factsheet.slug for e in d.own_factsheets] == ["own"]
    assert {e.factsheet.slug for e in d.border_factsheets} == {"border", "in-area"}
    assert [e.factsheet.slug for e in d.theme_factsheets] == ["themed"]
    assert [(e.mission.slug, e.relation) for e in d.missions] == [
        ("flash", "town"),
        ("epci-mission", "epci"),
        ("dept-mission", "department"),
    ]
    assert [(e.item.code, e.small_towns, e.themes) for e in d.work_items] == [
        ("3.1", True, ()),
        ("3.2", False, ("Santé",)),
    ]
    assert [t.name for t in d.epci_pvd_towns] == ["Sierck-les-Bains"]
    assert [p.town.name for p in d.border_peers] == ["Creutzwald", "Sierck-les-Bains"]  # nearest first
    assert d.border_peers[0].distance_km < d.border_peers[1].distance_km


def test_page_shows_figures_and_sources_and_no_draft(client, rich):
    response = client.get(localized_url("towns:town_diagnostic", "en", insee_code="57106"))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Bouzonville", "Germany: land border at 2.8 km", "Luxembourg: land border at 22.5 km", "Wallerfangen",
        "Eurodistrict SaarMoselle", "Espace voisin", "Landkreis Saarlouis", "Border project",
        "Area project", "Health project elsewhere", "Mission flash Bouzonville (en)", "Mission en Moselle (en)",
        "Creutzwald",
        "Sierck-les-Bains", "Natural Earth", "GeoNames", "ANCT", "Petites villes de demain laureate",
        "/documents/diagnostic/57106/fr/", "/documents/diagnostic/57106/en/", "?town=57106",
    ):  # fmt: skip
        assert text in html, text
    assert "Secret draft sheet" not in html
    assert "Mission brouillon secrète" not in html
    assert "Programme PVD brouillon" not in html
    assert "Nothing known yet" not in html.split("Cross-border areas")[1].split("Partners")[0]


def test_empty_commune_says_nothing_is_known(client, empty_town):
    d = _build(empty_town)
    assert not any(
        [d.neighbours, d.localities, d.areas, d.partner_groups, d.themes, d.factsheets, d.missions, d.work_items,
         d.epci_pvd_towns, d.border_peers]
    )  # fmt: skip
    html = client.get(localized_url("towns:town_diagnostic", "en", insee_code="15001")).content.decode()
    assert html.count("Nothing known yet") == 10  # one per section and sub-section
    assert "The nearest one is with Spain, 262.0 km away." in html
    assert "the town has no themes" in html
    assert "no other Petites villes de demain laureate in CC du Cantal" in html
    assert "the town is more than 100 km from any land border" in html
    french = client.get(localized_url("towns:town_diagnostic", "fr", insee_code="15001"))
    assert french.status_code == 200


def test_unknown_town_is_404(client, empty_town):
    assert client.get("/en/towns/99999/diagnostic/").status_code == 404
    assert client.get("/api/v1/towns/99999/diagnostic/").status_code == 404


def test_town_page_links_to_diagnostic_and_support(client, empty_town):
    html = client.get(localized_url("towns:town_detail", "en", insee_code="15001")).content.decode()
    diagnostic = reverse("towns:town_diagnostic", kwargs={"insee_code": "15001"})
    assert html.count(f'href="{diagnostic}"') == 2  # near the top and at the end
    assert html.count(f"{reverse('support:request')}?town=15001") == 2


def test_api_shape_and_no_draft(client, rich):
    data = client.get("/api/v1/towns/57106/diagnostic/?lang=en").json()
    assert data["insee_code"] == "57106"
    assert data["is_pvd"] is True
    assert data["neighbours"][0] == {"code": "DE", "name": "Germany", "distance_km": 2.8}
    assert data["nearest_localities"][0]["name"] == "Wallerfangen"
    assert data["areas"][0]["slug"] == "saar-moselle"
    assert data["areas"][0]["relation"] == "town"
    assert {p["slug"] for p in data["partners"]} == {"cc-b3f", "landkreis"}
    slugs = {f["slug"] for f in data["factsheets"]}
    assert slugs == {"own", "border", "in-area", "themed"}
    assert [m["relation"] for m in data["missions"]] == ["town", "epci", "department"]
    assert data["epci_pvd_towns"] == ["57650"]
    assert [p["insee_code"] for p in data["border_peers"]] == ["57300", "57650"]
    assert data["url"].endswith("/towns/57106/diagnostic/")
    assert "secrète" not in str(data)
    assert "brouillon" not in str(data).lower()


def test_query_count_is_constant(client, rich, empty_town, django_assert_max_num_queries):
    url = localized_url("towns:town_diagnostic", "en", insee_code="57106")
    empty_url = localized_url("towns:town_diagnostic", "en", insee_code="15001")
    with django_assert_max_num_queries(35):
        client.get(url)
    with django_assert_max_num_queries(35):
        client.get(empty_url)
    with django_assert_max_num_queries(25):
        client.get("/api/v1/towns/57106/diagnostic/")
    # More factsheets, missions and towns on the same border: the same number of queries.
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    town = rich["town"]
    for i in range(6):
        FactsheetFactory(slug=f"more-{i}", towns={town: "partner"}, countries=[town.border_country], published=True)
        _mission(f"more-{i}", f"Encore {i}", towns=[town])
        TownFactory(
            insee_code=f"57{400 + i}", department=town.department, border_country=town.border_country,
            latitude=Decimal("49.25"), longitude=Decimal(f"6.{50 + i}"),
        )  # fmt: skip
    assert count() == before


def test_admin_action_creates_draft_diagnostic_missions(client, rich, empty_town, staff_editor, django_user_model):
    NationalProgramme.objects.create(slug="petites-villes-de-demain", name="Petites villes de demain")
    client.force_login(staff_editor)
    url = reverse("admin:towns_town_changelist")
    town = rich["town"]
    response = client.post(url, {"action": "start_expert_diagnostic", "_selected_action": [town.pk]})
    mission = Mission.objects.get(kind=Mission.Kind.DIAGNOSTIC)
    assert response.status_code == 302
    assert response.url == reverse("admin:missions_mission_change", args=[mission.pk])
    assert mission.status == Status.DRAFT
    assert mission.slug == "diagnostic-57106"
    assert mission.title_fr == "Diagnostic des opportunités transfrontalières — Bouzonville"
    assert mission.title_en == "Diagnostic of cross-border opportunities — Bouzonville"
    assert list(mission.towns.all()) == [town]
    assert list(mission.intercommunalities.all()) == [town.intercommunality]
    assert {c.code for c in mission.countries.all()} == {"DE", "LU"}  # BE is not a country in these tests
    assert [a.slug for a in mission.cross_border_areas.all()] == ["saar-moselle"]
    assert mission.national_programme.slug == "petites-villes-de-demain"
    # Two towns: one mission each, a message with links; the slug stays unique.
    response = client.post(
        url, {"action": "start_expert_diagnostic", "_selected_action": [town.pk, empty_town.pk]}, follow=True
    )
    created = Mission.objects.filter(kind=Mission.Kind.DIAGNOSTIC).order_by("pk")
    assert [m.slug for m in created] == ["diagnostic-57106", "diagnostic-57106-2", "diagnostic-15001"]
    assert created[2].national_programme is None
    assert not created[2].countries.exists()
    assert "3 draft diagnostic" not in response.content.decode()
    assert "2 draft diagnostic missions created" in response.content.decode()
    # Never public while draft.
    client.logout()
    assert client.get("/api/v1/missions/diagnostic-57106/").status_code == 404


def test_admin_action_needs_the_permission_to_add_missions(client, rich, staff_viewer):
    client.force_login(staff_viewer)
    url = reverse("admin:towns_town_changelist")
    page = client.get(url).content.decode()
    assert "start_expert_diagnostic" not in page
    client.post(url, {"action": "start_expert_diagnostic", "_selected_action": [rich["town"].pk]})
    assert not Mission.objects.filter(kind=Mission.Kind.DIAGNOSTIC).exists()
