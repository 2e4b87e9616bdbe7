"""Public pages of missions: list with facets, mission page (timeline, matrix, groups, roadmap), traceability
from the work programme, towns and factsheets, and drafts kept out of every public page."""

import re

import pytest
from django.utils import translation

from tests.conftest import localized_url

pytestmark = pytest.mark.django_db


def _titles(response) -> list[str]:
    return re.findall(r'<h3 id="mission-\d+"><a [^>]*>([^<]+)</a>', response.content.decode())


def _facet(response, name: str) -> dict[str, int]:
    html = response.content.decode()
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return {value: int(count) for value, count in re.findall(r'<option value="([^"]+)"[^>]*>[^<]*\((\d+)\)', select)}


def _matrix(html: str) -> dict[tuple[str, str], str]:
    """{(competence level, country code): cell HTML} of the partner matrix."""
    table = re.search(r'<table class="partner-matrix">.*?</table>', html, re.S).group(0)
    countries = re.findall(r'<th scope="col" data-country="(\w+)">', table)
    cells = {}
    for level, row in re.findall(r'<tr data-level="(\w+)">(.*?)</tr>', table, re.S):
        for country, cell in zip(countries, re.findall(r"<td>(.*?)</td>", row, re.S), strict=True):
            cells[(level, country)] = cell
    return cells


def test_list_shows_published_missions_with_facet_counts(client, missions):
    response = client.get(localized_url("missions:mission_list", "fr"))
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == "/fr/missions/"
    assert _titles(response) == ["Mission flash de test", "Webinaires"]  # latest years first
    assert "Mission secrète" not in response.content.decode()
    assert _facet(response, "kind") == {"flash_mission": 1, "webinar": 1}
    assert _facet(response, "year") == {"2022": 1, "2020": 1}
    assert _facet(response, "country") == {"DE": 1, "LU": 1}
    assert _facet(response, "theme") == {"health": 1, "mobility": 1}
    assert _facet(response, "town") == {missions.towns[0].insee_code: 1, missions.towns[1].insee_code: 1}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "webinar"}, ["Webinaires"]),  # no English title: the French one stands in
        ({"year": "2022"}, ["Test flash mission"]),
        ({"year": "2021"}, []),
        ({"country": "LU"}, ["Test flash mission"]),
        ({"theme": "mobility"}, ["Test flash mission"]),
        ({"workplan_action": "3.1.1"}, ["Test flash mission"]),
        ({"workplan_action": "3"}, ["Test flash mission", "Webinaires"]),  # an axis takes in its actions
        ({"search": "flash"}, ["Test flash mission"]),
        ({"sort": "title"}, ["Test flash mission", "Webinaires"]),
    ],
)
def test_list_filters(client, missions, params, expected):
    assert _titles(client.get("/en/missions/", params)) == expected


def test_town_filter_takes_in_the_intercommunality(client, missions):
    # The third town is not named by the mission, but its intercommunality is.
    response = client.get("/en/missions/", {"town": missions.towns[2].insee_code})
    assert _titles(response) == ["Test flash mission"]
    # The selected town stays listed (with 0: the mission names it only through its intercommunality).
    assert _facet(response, "town")[missions.towns[2].insee_code] == 0


def test_bad_filters_are_field_errors(client, missions):
    response = client.get("/en/missions/", {"year": "2022.5", "kind": "nope"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Some filters are not valid" in html
    assert _titles(response) == []


def test_mission_page_in_both_languages(client, missions):
    html = client.get(localized_url("missions:mission_detail", "fr", slug="mission-flash")).content.decode()
    assert "10–11 mai 2022" in html
    assert "12 mai 2022" in html
    assert "environ 40 participants" in html
    assert "(état en juin 2022)" in html  # the progress date shows its month only
    html = client.get("/en/missions/mission-flash/").content.decode()
    assert "Test flash mission" in html
    assert "May 10–11, 2022" in html
    assert "about 40 participants" in html
    assert "Completed" in html
    assert "as of June 2022" in html
    assert "not yet fully translated" in html  # objectives have no English
    # Scope links to the towns and the intercommunality; the work-programme action and published factsheet too.
    with translation.override("en"):
        links = [
            missions.towns[0].get_absolute_url(),
            missions.towns[0].intercommunality.get_absolute_url(),
            missions.action.get_absolute_url(),
            missions.care.get_absolute_url(),
        ]
    for link in links:
        assert link in html
    assert "fiche-brouillon" not in html
    assert "Draft sheet" not in html


def test_participants_by_country(client, missions):
    html = client.get("/en/missions/mission-flash/").content.decode()
    table = re.search(r'aria-labelledby="participants-title">.*?</table>', html, re.S).group(0)
    rows = re.findall(r'<th scope="row">([^<]+)</th><td>(.*?)</td>', table)
    assert rows[0] == ("France", "8")  # 5 + 3, France first
    assert rows[1][0] == "Luxembourg"
    assert "number not recorded" in rows[1][1]


def test_partner_matrix_puts_each_partner_in_its_cell(client, missions):
    html = client.get("/en/missions/mission-flash/").content.decode()
    cells = _matrix(html)
    # France first, then the neighbouring countries: every level × country cell is drawn.
    assert re.findall(r'data-country="(\w+)"', html)[:3] == ["FR", "DE", "LU"]
    assert len(cells) == 6 * 3
    assert "Luxembourg ministry" in cells[("national", "LU")]
    assert "contributor" in cells[("national", "LU")].lower()
    assert "Mairie de test" in cells[("municipal", "FR")]
    assert sum("Luxembourg ministry" in cell for cell in cells.values()) == 1
    assert "—" in cells[("regional", "DE")]  # empty cells render, marked as empty
    assert 'aria-label="none recorded"' in cells[("european", "FR")]


def test_roadmap_grouped_by_theme_then_group_then_the_rest(client, missions):
    html = client.get("/en/missions/mission-flash/").content.decode()
    roadmap = html[html.index('id="roadmap-title"') :]
    groups = re.findall(r'<h3 id="roadmap-group-\d+">([^<]+)</h3>', roadmap)
    assert groups == ["Health", "Mobility and environment", "Other actions"]
    assert "Open a health desk" in roadmap
    assert "Short term" in roadmap
    assert "High" in roadmap
    assert "Proposed" in roadmap
    assert "Land de Sarre" in roadmap
    # The draft version 2 and its action stay out of public pages; a link leads to no other public version.
    assert "Action de la version brouillon" not in html
    assert "version 2" not in html.lower()


def test_roadmap_version_pages(client, missions):
    assert client.get("/en/missions/mission-flash/roadmap/1/").status_code == 200
    assert client.get("/en/missions/mission-flash/roadmap/2/").status_code == 404  # draft version
    assert client.get("/fr/missions/mission-flash/feuille-de-route/1/").status_code == 200
    assert client.get("/en/missions/mission-secrete/roadmap/1/").status_code == 404  # draft mission


def test_a_bare_mission_renders_well(client, missions):
    for lang in ("fr", "en"):
        response = client.get(localized_url("missions:mission_detail", lang, slug="webinaires"))
        html = response.content.decode()
        assert response.status_code == 200
        assert "None" not in html
        assert ("No roadmap has been published" if lang == "en" else "Aucune feuille de route") in html
        assert 'class="partner-matrix"' in html


def test_traceability_from_the_work_programme(client, missions):
    html = client.get(missions.action.get_absolute_url()).content.decode()
    assert "/missions/mission-flash/" in html
    assert "mission-secrete" not in html
    axis = client.get("/fr/programme-de-travail/2025/3/").content.decode()
    assert "/missions/mission-flash/" in axis
    assert "/missions/webinaires/" in axis


def test_traceability_from_a_town(client, missions):
    named = client.get(missions.towns[0].get_absolute_url()).content.decode()
    assert "/missions/mission-flash/" in named
    assert "mission-secrete" not in named
    through_epci = client.get(missions.towns[2].get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "/missions/mission-flash/" in through_epci


def test_traceability_from_a_factsheet(client, missions):
    html = client.get("/en/factsheets/maison-de-sante/").content.decode()
    assert "/en/missions/mission-flash/" in html
    assert "Open a health desk" in html
    assert "/en/missions/mission-flash/roadmap/1/" in html
    assert "Secret mission" not in html
    assert "Action cachée" not in html  # its roadmap is published, but its mission is a draft


def test_drafts_stay_out_of_pages_and_sitemap(client, missions):
    assert client.get("/en/missions/mission-secrete/").status_code == 404
    sitemap = client.get("/sitemap-missions.xml").content.decode()
    assert "/missions/mission-flash/" in sitemap
    assert "mission-secrete" not in sitemap


def test_preview_is_for_staff_with_the_view_permission(client, missions, staff_viewer, django_user_model):
    url = localized_url("missions:mission_preview", "en", slug="mission-secrete")
    assert client.get(url).status_code == 302  # to the admin login
    outsider = django_user_model.objects.create_user("outsider", password="a-long-test-password-3", is_staff=True)
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    client.force_login(staff_viewer)
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert "Secret mission" in response.content.decode()
    # The preview shows the draft version of a roadmap too.
    preview = client.get(localized_url("missions:mission_preview", "en", slug="mission-flash")).content.decode()
    assert "Action de la version brouillon" in preview
