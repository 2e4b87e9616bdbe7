"""The missions and roadmaps API: the contract's fields, filters, the partner matrix, drafts kept out."""

import pytest

pytestmark = pytest.mark.django_db

CONTRACT = {
    "slug",
    "title",
    "kind",
    "status",
    "start_date",
    "end_date",
    "towns",
    "intercommunalities",
    "cross_border_areas",
    "countries",
    "themes",
    "workplan_actions",
    "factsheets",
    "events",
    "thematic_groups",
    "partner_matrix",
    "roadmaps",
}


def _slugs(response) -> list[str]:
    return [record["slug"] for record in response.json()["results"]]


def test_list_and_detail_carry_the_contract(client, missions):
    response = client.get("/api/v1/missions/", {"lang": "en"})
    assert response.status_code == 200
    assert _slugs(response) == ["mission-flash", "webinaires"]
    record = client.get("/api/v1/missions/mission-flash/", {"lang": "en"}).json()
    assert set(record) >= CONTRACT
    assert record["title"] == "Test flash mission"
    assert (record["kind"], record["status"]) == ("flash_mission", "completed")
    assert (record["start_date"], record["end_date"]) == ("2022-05-10", None)
    assert record["towns"] == [{"insee_code": t.insee_code, "name": t.name} for t in missions.towns[:2]]
    assert record["intercommunalities"][0]["siren"] == missions.towns[0].intercommunality.siren
    assert record["countries"] == ["DE", "LU"]
    assert record["themes"] == ["health", "mobility"]
    assert record["workplan_actions"] == ["3.1.1"]
    assert record["workplan_action_details"][0]["year"] == 2025
    assert record["factsheets"] == ["maison-de-sante"]  # the draft factsheet is left out
    interviews, workshop = record["events"]
    assert (interviews["start_date"], interviews["end_date"]) == ("2022-05-10", "2022-05-11")
    assert interviews["participants_by_country"] == [{"country": "FR", "count": 5}, {"country": "LU", "count": None}]
    assert (workshop["participants_total"], workshop["participants_approximate"]) == (40, True)
    group = record["thematic_groups"][0]
    assert (group["name"], group["themes"], group["event"]) == ("Mobility and environment", ["mobility"], 2)


def test_partner_matrix_in_the_api(client, missions):
    matrix = client.get("/api/v1/missions/mission-flash/", {"lang": "en"}).json()["partner_matrix"]
    assert matrix["countries"] == ["FR", "DE", "LU"]
    assert matrix["competence_levels"][0] == "municipal"
    assert len(matrix["cells"]) == len(matrix["countries"]) * len(matrix["competence_levels"])
    filled = {(c["competence_level"], c["country"]): c["partners"] for c in matrix["cells"] if c["partners"]}
    assert filled == {
        ("municipal", "FR"): [{"slug": "mairie", "name": "Mairie de test", "role": "beneficiary"}],
        ("national", "LU"): [{"slug": "ministere-lu", "name": "Luxembourg ministry", "role": "contributor"}],
    }


def test_roadmaps_published_only_with_ordered_actions(client, missions):
    roadmaps = client.get("/api/v1/missions/mission-flash/").json()["roadmaps"]
    assert [(r["version"], r["is_current"]) for r in roadmaps] == [(1, True)]
    roadmap = client.get(roadmaps[0]["url"], {"lang": "en"}).json()
    assert roadmap["mission"] == "mission-flash"
    assert [a["position"] for a in roadmap["actions"]] == [1, 2, 3]
    health = roadmap["actions"][1]
    assert health["title"] == "Open a health desk"
    assert (health["theme"], health["horizon"], health["priority"], health["status"]) == (
        "health",
        "short",
        "high",
        "proposed",
    )
    assert health["lead"] == {"slug": "ministere-lu", "name": "Luxembourg ministry", "country": "LU"}
    assert [p["slug"] for p in health["partners"]] == ["land-sarre"]
    assert health["factsheets"] == ["maison-de-sante"]
    assert roadmap["actions"][0]["thematic_group"] == missions.group.pk
    listed = client.get("/api/v1/roadmaps/").json()["results"]
    assert [r["id"] for r in listed] == [missions.roadmap.pk]
    assert client.get(f"/api/v1/roadmaps/{missions.draft_roadmap.pk}/").status_code == 404
    assert client.get(f"/api/v1/roadmaps/{missions.hidden_roadmap.pk}/").status_code == 404  # draft mission


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "webinar"}, ["webinaires"]),
        ({"year": 2022}, ["mission-flash"]),
        ({"year": 2020}, ["webinaires"]),
        ({"country": "LU"}, ["mission-flash"]),
        ({"theme": "health"}, ["mission-flash"]),
        ({"workplan_action": "3.4.2"}, ["webinaires"]),
        ({"workplan_action": "3.1"}, ["mission-flash"]),
        ({"status": "planned"}, ["webinaires"]),
    ],
)
def test_filters(client, missions, params, expected):
    assert _slugs(client.get("/api/v1/missions/", params)) == expected


def test_town_filter(client, missions):
    assert _slugs(client.get("/api/v1/missions/", {"town": missions.towns[2].insee_code})) == ["mission-flash"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "nope"}, "kind"),
        ({"year": "2022.5"}, "year"),
        ({"country": "ZZ"}, "country"),
        ({"town": "00000"}, "town"),
        ({"workplan_action": "3.x"}, "workplan_action"),
    ],
)
def test_bad_filters_are_field_errors(client, missions, params, field):
    response = client.get("/api/v1/missions/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_drafts_are_hidden_from_the_public_and_shown_to_staff(client, missions, staff_viewer):
    assert client.get("/api/v1/missions/mission-secrete/").status_code == 404
    assert "mission-secrete" not in _slugs(client.get("/api/v1/missions/"))
    client.force_login(staff_viewer)
    assert "mission-secrete" in _slugs(client.get("/api/v1/missions/"))
    roadmaps = client.get("/api/v1/missions/mission-flash/").json()["roadmaps"]
    assert [(r["version"], r["is_current"]) for r in roadmaps] == [(2, True), (1, False)]


def test_the_api_is_read_only(client, missions, staff_editor):
    client.force_login(staff_editor)
    assert client.post("/api/v1/missions/", {"slug": "x"}, content_type="application/json").status_code == 405
    response = client.delete("/api/v1/missions/mission-flash/")
    assert response.status_code == 405
