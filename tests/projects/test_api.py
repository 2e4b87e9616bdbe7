"""The factsheets, booklets and themes API: the contract, filters, roles, drafts and staff writes."""

import pytest
from rest_framework.test import APIClient

from mot_portal.publishing import Status
from projects.models import Factsheet, FactsheetTown

pytestmark = pytest.mark.django_db

CONTRACT = {
    "slug",
    "title",
    "title_fr",
    "title_en",
    "summary",
    "territorial_issue",
    "objectives",
    "actions",
    "results",
    "countries",
    "themes",
    "towns",
    "partners",
    "start_year",
    "end_year",
    "published_at",
}


@pytest.fixture
def api():
    return APIClient()


def _slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["results"]]


def test_factsheet_contract(api, catalogue):
    response = api.get("/api/v1/factsheets/maison-de-sante/", {"lang": "en"})
    assert response.status_code == 200
    data = response.json()
    assert set(data) >= CONTRACT
    assert data["title"] == "Cross-border health centre"
    assert data["title_fr"] == "Maison de santé transfrontalière"
    assert data["countries"] == ["BE"]
    assert data["themes"] == ["health"]
    first, second = catalogue.towns[0], catalogue.towns[1]
    assert sorted(data["towns"], key=lambda t: t["insee_code"]) == [
        {"insee_code": first.insee_code, "name": first.name, "role": "partner"},
        {"insee_code": second.insee_code, "name": second.name, "role": "beneficiary"},
    ]
    assert data["partners"] == [{"slug": "hopital-mons", "name": "Mons hospital", "country": "BE", "role": "lead"}]
    assert (data["start_year"], data["end_year"]) == (2019, 2022)
    assert data["published_at"] is not None
    assert data["url"].endswith("/en/factsheets/maison-de-sante/")
    assert response["Content-Language"] == "en"


def test_untranslated_title_falls_back_to_french(api, catalogue):
    data = api.get("/api/v1/factsheets/covoiturage/", {"lang": "en"}).json()
    assert data["title"] == "Covoiturage des travailleurs frontaliers"
    assert data["title_en"] in ("", None)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["covoiturage", "maison-de-sante"]),
        ({"country": "BE"}, ["maison-de-sante"]),
        ({"theme": "mobility"}, ["covoiturage"]),
        ({"role": "beneficiary"}, ["maison-de-sante"]),
        ({"year": "2021"}, ["maison-de-sante"]),
        ({"year": "2030"}, []),
        ({"search": "covoiturage"}, ["covoiturage"]),
        ({"search": "healthcare"}, ["maison-de-sante"]),
        ({"search": "confidentiel"}, []),
        ({"ordering": "-title_fr"}, ["maison-de-sante", "covoiturage"]),
    ],
)
def test_factsheet_filters(api, catalogue, params, expected):
    assert _slugs(api.get("/api/v1/factsheets/", params)) == expected


def test_town_and_role_filters(api, catalogue):
    first, second = catalogue.towns[0].insee_code, catalogue.towns[1].insee_code
    assert _slugs(api.get("/api/v1/factsheets/", {"town": first})) == ["maison-de-sante"]
    assert _slugs(api.get("/api/v1/factsheets/", {"town": second})) == ["covoiturage", "maison-de-sante"]
    assert _slugs(api.get("/api/v1/factsheets/", {"town": second, "role": "partner"})) == ["covoiturage"]
    assert _slugs(api.get("/api/v1/factsheets/", {"town": first, "role": "beneficiary"})) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"theme": "nope"}, "theme"),
        ({"town": "99999"}, "town"),
        ({"role": "funder"}, "role"),
        ({"year": "1800"}, "year"),
        ({"year": "2020.5"}, "year"),
        ({"search": "x" * 101}, "search"),
        ({"lang": "de"}, "lang"),
    ],
)
def test_bad_filters_are_field_errors(api, catalogue, params, field):
    response = api.get("/api/v1/factsheets/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_booklets_list_their_published_factsheets_in_order(api, catalogue):
    response = api.get("/api/v1/booklets/", {"lang": "en"})
    assert _slugs(response) == ["livret"]
    booklet = api.get("/api/v1/booklets/livret/", {"lang": "en"}).json()
    assert booklet["title"] == "The booklet"
    assert [(f["position"], f["slug"]) for f in booklet["factsheets"]] == [(1, "covoiturage"), (2, "maison-de-sante")]
    assert booklet["factsheets"][1]["title"] == "Cross-border health centre"


def test_themes(api, catalogue):
    data = api.get("/api/v1/themes/", {"lang": "en"}).json()
    assert [(t["slug"], t["name"]) for t in data["results"]] == [("health", "Health"), ("mobility", "Mobility")]


def test_staff_with_view_permission_see_drafts(api, catalogue, staff_viewer):
    api.force_authenticate(staff_viewer)
    assert "brouillon-secret" in _slugs(api.get("/api/v1/factsheets/"))
    assert api.get("/api/v1/factsheets/brouillon-secret/").json()["status"] == Status.DRAFT


def test_writes_need_staff_with_permission(api, catalogue, staff_viewer):
    payload = {"slug": "nouvelle", "title_fr": "Nouvelle fiche"}
    assert api.post("/api/v1/factsheets/", payload, format="json").status_code == 401  # anonymous
    api.force_authenticate(staff_viewer)
    assert api.post("/api/v1/factsheets/", payload, format="json").status_code == 403
    assert not Factsheet.objects.filter(slug="nouvelle").exists()


def test_reviewer_creates_and_updates_a_factsheet_with_roles(api, catalogue, staff_reviewer):
    """A reviewer may create it published (an editor may not: tests/editorial/test_workflow.py)."""
    api.force_authenticate(staff_reviewer)
    first, second = catalogue.towns[0], catalogue.towns[1]
    payload = {
        "slug": "nouvelle",
        "title_fr": "Nouvelle fiche",
        "summary_fr": "<p>Un résumé<script>alert(1)</script></p>",
        "countries": ["BE", "DE"],
        "themes": ["health"],
        "towns": [{"insee_code": first.insee_code, "role": "partner"}, {"insee_code": first.insee_code, "role": ""}],
        "partners": [{"partner": "hopital-mons", "role": "funder"}],
        "start_year": 2020,
        "status": "published",
    }
    response = api.post("/api/v1/factsheets/", payload, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["summary_fr"] == "<p>Un résumé</p>"
    assert data["countries"] == ["BE", "DE"]
    assert data["partners"] == [{"slug": "hopital-mons", "name": "Hôpital de Mons", "country": "BE", "role": "funder"}]
    assert data["status"] == "published"
    assert data["published_at"] is not None
    response = api.patch(
        "/api/v1/factsheets/nouvelle/",
        {"towns": [{"insee_code": second.insee_code, "role": "beneficiary"}], "title_en": "New factsheet"},
        format="json",
    )
    assert response.status_code == 200, response.content
    roles = list(FactsheetTown.objects.filter(factsheet__slug="nouvelle").values_list("town__insee_code", "role"))
    assert roles == [(second.insee_code, "beneficiary")]
    factsheet = Factsheet.objects.get(slug="nouvelle")
    assert factsheet.title_en == "New factsheet"
    assert list(factsheet.themes.values_list("slug", flat=True)) == ["health"]  # untouched by the PATCH


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"slug": "x"}, "title_fr"),
        ({"slug": "x", "title_fr": ""}, "title_fr"),
        ({"slug": "x", "title_fr": "X", "start_year": 2020, "end_year": 2019}, "end_year"),
        ({"slug": "x", "title_fr": "X", "start_year": 1800}, "start_year"),
        ({"slug": "x", "title_fr": "X", "countries": ["ZZ"]}, "countries"),
        ({"slug": "x", "title_fr": "X", "towns": [{"insee_code": "99999", "role": "partner"}]}, "towns"),
        ({"slug": "x", "title_fr": "X", "towns": [{"insee_code": "59000", "role": "owner"}]}, "towns"),
        ({"slug": "x", "title_fr": "X", "partners": [{"partner": "hopital-mons", "role": "boss"}]}, "partners"),
        ({"slug": "x", "title_fr": "X", "status": "archived"}, "status"),
        ({"slug": "x", "title_fr": "X", "website": "not a url"}, "website"),
        ({"slug": "maison-de-sante", "title_fr": "X"}, "slug"),
        ({"slug": "x", "title_fr": "X\x00"}, "title_fr"),
    ],
)
def test_invalid_writes_are_field_errors_and_change_nothing(api, catalogue, staff_editor, payload, field):
    api.force_authenticate(staff_editor)
    before = Factsheet.objects.count()
    response = api.post("/api/v1/factsheets/", payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Factsheet.objects.count() == before


def test_duplicate_town_roles_are_a_field_error(api, catalogue, staff_editor):
    api.force_authenticate(staff_editor)
    town = catalogue.towns[0].insee_code
    payload = {"slug": "x", "title_fr": "X", "towns": [{"insee_code": town, "role": "partner"}] * 2}
    response = api.post("/api/v1/factsheets/", payload, format="json")
    assert response.status_code == 400
    assert "towns" in response.json()


def test_editor_orders_a_booklet(api, catalogue, staff_editor):
    api.force_authenticate(staff_editor)
    payload = {"slug": "autre", "title_fr": "Autre livret", "factsheet_slugs": ["maison-de-sante", "covoiturage"]}
    response = api.post("/api/v1/booklets/", payload, format="json")
    assert response.status_code == 201, response.content
    assert [f["slug"] for f in response.json()["factsheets"]] == ["maison-de-sante", "covoiturage"]
    assert api.get("/api/v1/booklets/autre/").status_code == 200  # staff see the draft
    api.force_authenticate(None)
    assert api.get("/api/v1/booklets/autre/").status_code == 404  # the public does not
    api.force_authenticate(staff_editor)
    response = api.patch("/api/v1/booklets/autre/", {"factsheet_slugs": ["covoiturage", "covoiturage"]}, format="json")
    assert response.status_code == 400
    assert "factsheet_slugs" in response.json()


@pytest.mark.parametrize(
    ("rows", "field"),
    [
        ({"towns": [{"role": "partner"}]}, ("towns", "insee_code")),  # the 500 (KeyError) of issue 11
        ({"towns": [{"insee_code": "59001"}]}, ("towns", "role")),
        ({"towns": [{}]}, ("towns", "insee_code", "role")),
        ({"partners": [{"role": "partner"}]}, ("partners", "partner")),  # a partner row without its key
        ({"partners": [{"partner": "hopital-mons"}]}, ("partners", "role")),
    ],
)
def test_a_patch_with_half_a_row_is_a_field_error_and_changes_nothing(api, catalogue, staff_reviewer, rows, field):
    api.force_authenticate(staff_reviewer)
    before = list(catalogue.care.town_roles.values_list("town__insee_code", "role"))
    response = api.patch(f"/api/v1/factsheets/{catalogue.care.slug}/", rows, format="json")
    assert response.status_code == 400, response.content
    name, *row_fields = field
    assert response.json()[name] == {"0": {row_field: ["Ce champ est obligatoire."] for row_field in row_fields}}
    assert list(catalogue.care.town_roles.values_list("town__insee_code", "role")) == before
    assert catalogue.care.partner_roles.count() == 1


def test_a_patch_with_whole_rows_still_replaces_them(api, catalogue, staff_reviewer):
    api.force_authenticate(staff_reviewer)
    town = catalogue.towns[2].insee_code
    payload = {"towns": [{"insee_code": town, "role": ""}], "partners": []}
    response = api.patch(f"/api/v1/factsheets/{catalogue.care.slug}/", payload, format="json")
    assert response.status_code == 200, response.content
    assert list(catalogue.care.town_roles.values_list("town__insee_code", "role")) == [(town, "")]
    assert catalogue.care.partner_roles.count() == 0
