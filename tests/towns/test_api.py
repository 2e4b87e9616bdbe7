"""The REST API contract, filters, languages, permissions and bad input, on the real data."""

import re

import pytest
from rest_framework.authtoken.models import Token

from towns.models import Partner, Town

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_data")]

TOWN_FIELDS = {
    "insee_code", "name", "department", "region", "population", "epci", "latitude", "longitude",
    "border_country", "border_distance_km", "is_pvd", "pvd_id", "pvd_signed_on",
}  # fmt: skip


def test_towns_list_is_paginated_with_the_contract_fields(client):
    body = client.get("/api/v1/towns/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 34_969
    assert body["previous"] is None
    assert "page=2" in body["next"]
    assert set(body["results"][0]) >= TOWN_FIELDS


def test_town_detail_by_insee_code(client):
    town = client.get("/api/v1/towns/57106/").json()
    assert town["insee_code"] == "57106"
    assert town["name"] == "Bouzonville"
    assert town["department"] == "57"
    assert town["region"] == "44"
    assert town["population"] == 3721
    assert town["epci"] == {"siren": "200067486", "name": "CC Bouzonvillois-Trois Frontières"}
    assert town["latitude"] == pytest.approx(49.29901)
    assert town["longitude"] == pytest.approx(6.54102)
    assert town["border_country"] == "DE"
    assert town["border_distance_km"] == pytest.approx(2.8)
    assert town["is_pvd"] is True
    assert town["pvd_id"] == "pvd-44-57-3"
    assert town["pvd_signed_on"] == "2021-06-18"


def test_town_without_epci_or_coordinates(client):
    town = Town.objects.filter(intercommunality__isnull=True, latitude__isnull=True).first()
    body = client.get(f"/api/v1/towns/{town.insee_code}/").json()
    assert body["epci"] is None
    assert body["latitude"] is None
    assert body["border_country"] is None
    assert body["is_pvd"] is False
    assert body["pvd_id"] is None


@pytest.mark.parametrize(
    ("params", "queryset"),
    [
        ({"is_pvd": "true"}, Town.objects.filter(pvd_id__isnull=False)),
        ({"is_pvd": "false"}, Town.objects.filter(pvd_id__isnull=True)),
        ({"border_country": "LU"}, Town.objects.filter(border_country__code="LU")),
        ({"max_border_distance": "5"}, Town.objects.filter(border_distance_km__lte=5)),
        ({"department": "57"}, Town.objects.filter(department__code="57")),
        ({"region": "44"}, Town.objects.filter(department__region__code="44")),
        ({"epci": "200067486"}, Town.objects.filter(intercommunality__siren="200067486")),
        ({"search": "sierck"}, Town.objects.filter(name__icontains="sierck")),
        ({"search": "57106"}, Town.objects.filter(insee_code="57106")),
        (
            {"is_pvd": "true", "border_country": "BE", "max_border_distance": "30"},
            Town.objects.filter(pvd_id__isnull=False, border_country__code="BE", border_distance_km__lte=30),
        ),
    ],
)
def test_town_filters(client, params, queryset):
    body = client.get("/api/v1/towns/", {**params, "page_size": 500}).json()
    assert body["count"] == queryset.count() > 0
    assert {t["insee_code"] for t in body["results"]} <= set(queryset.values_list("insee_code", flat=True))


def test_ordering(client):
    body = client.get("/api/v1/towns/", {"is_pvd": "true", "ordering": "-population"}).json()
    populations = [t["population"] for t in body["results"]]
    assert populations == sorted(populations, reverse=True)


def test_other_resources(client):
    epci = client.get("/api/v1/intercommunalities/200067486/").json()
    assert epci["name"] == "CC Bouzonvillois-Trois Frontières"
    assert epci["kind"] == "CC"
    assert client.get("/api/v1/intercommunalities/").json()["count"] == 1255
    departments = client.get("/api/v1/departments/", {"page_size": 200}).json()
    assert departments["count"] == 109
    moselle = next(d for d in departments["results"] if d["code"] == "57")
    assert moselle["border_countries"] == ["DE", "LU"]
    assert moselle["region"] == "44"
    countries = client.get("/api/v1/countries/").json()["results"]
    assert {c["code"] for c in countries} >= {"FR", "BE", "LU", "DE", "CH", "IT", "MC", "ES", "AD"}
    partners = {p["slug"]: p for p in client.get("/api/v1/partners/").json()["results"]}
    assert set(partners) == {"anct", "banque-des-territoires", "cc-bouzonvillois-trois-frontieres"}
    assert sorted(partners["cc-bouzonvillois-trois-frontieres"]["towns"]) == ["57106", "57650"]
    assert partners["anct"]["towns"] == []  # no source ties it to particular towns
    areas = client.get("/api/v1/cross-border-areas/", {"country": "CH"}).json()
    assert [a["slug"] for a in areas["results"]] == ["agglomeration-franco-valdo-genevoise", "espace-mont-blanc"]


@pytest.mark.parametrize(
    ("query", "header", "expected"),
    [
        ({}, {}, "Allemagne"),
        ({"lang": "en"}, {}, "Germany"),
        ({}, {"HTTP_ACCEPT_LANGUAGE": "en"}, "Germany"),
        ({"lang": "fr"}, {"HTTP_ACCEPT_LANGUAGE": "en"}, "Allemagne"),
    ],
)
def test_language_of_translated_fields(client, query, header, expected):
    body = client.get("/api/v1/countries/DE/", query, **header).json()
    assert body["name"] == expected
    assert (body["name_fr"], body["name_en"]) == ("Allemagne", "Germany")


def test_english_falls_back_to_french(client):
    partner = Partner.objects.get(slug="cc-bouzonvillois-trois-frontieres")
    partner.description_en = ""
    partner.save()
    body = client.get(f"/api/v1/partners/{partner.slug}/", {"lang": "en"}).json()
    assert body["description"] == partner.description_fr
    assert body["description_en"] in ("", None)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lang": "de"}, "lang"),
        ({"search": "Bouz\x00ville"}, "search"),
        ({"max_border_distance": "1e400"}, "max_border_distance"),
        ({"max_border_distance": "99999999999999999999999"}, "max_border_distance"),
        ({"max_border_distance": "NaN"}, "max_border_distance"),
        ({"border_country": "ZZ"}, "border_country"),
        ({"department": "\x00"}, "department"),
        ({"is_pvd": "maybe"}, "is_pvd"),
        ({"page": "0"}, "page"),
        ({"page": "abc"}, "page"),
        ({"page": "999999"}, "page"),
        ({"page_size": "100000"}, "page_size"),
    ],
)
def test_bad_input_is_a_400_with_field_errors(client, params, field):
    response = client.get("/api/v1/towns/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_bad_lookup_values_are_404_not_500(client):
    assert client.get("/api/v1/towns/5710%00/").status_code == 404
    assert client.get("/api/v1/towns/99999/").status_code == 404
    assert client.get("/api/v1/intercommunalities/12/").status_code == 404


def town_payload(**overrides) -> dict:
    return {
        "insee_code": "57999",
        "name": "Commune d'essai",
        "department": "57",
        "population": 10,
        "border_country": "LU",
        "border_distance_km": 3.5,
        **overrides,
    }


def test_anonymous_writes_are_refused(client):
    # 401 (not 403): the client is told to authenticate, with the scheme to use.
    response = client.post("/api/v1/towns/", town_payload(), content_type="application/json")
    assert (response.status_code, response["WWW-Authenticate"]) == (401, "Token")
    assert client.patch("/api/v1/towns/57106/", {"name": "X"}, content_type="application/json").status_code == 401
    assert client.delete("/api/v1/partners/cc-bouzonvillois-trois-frontieres/").status_code == 401
    assert Town.objects.get(insee_code="57106").name == "Bouzonville"


def test_staff_without_permission_cannot_write(client, staff_viewer):
    client.force_login(staff_viewer)
    response = client.post("/api/v1/towns/", town_payload(), content_type="application/json")
    assert response.status_code == 403


def test_non_staff_user_with_permission_cannot_write(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("outsider", password="a-long-test-password-3")
    user.user_permissions.add(Permission.objects.get(codename="add_town"))
    token = Token.objects.create(user=user)
    response = client.post(
        "/api/v1/towns/", town_payload(), content_type="application/json", HTTP_AUTHORIZATION=f"Token {token.key}"
    )
    assert response.status_code == 403


def test_staff_editor_writes_with_a_token(client, staff_editor):
    token = Token.objects.create(user=staff_editor)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}

    created = client.post("/api/v1/towns/", town_payload(), content_type="application/json", **auth)
    assert created.status_code == 201, created.json()
    assert Town.objects.get(insee_code="57999").border_country.code == "LU"

    updated = client.patch("/api/v1/towns/57999/", {"population": 12}, content_type="application/json", **auth)
    assert updated.status_code == 200
    assert updated.json()["population"] == 12

    partner = client.post(
        "/api/v1/partners/",
        {
            "slug": "test-partner",
            "name_fr": "Partenaire d'essai",
            "country": "LU",
            "competence_level": "municipal",
            "towns": ["57999"],
        },
        content_type="application/json",
        **auth,
    )
    assert partner.status_code == 201, partner.json()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"insee_code": "ABCDE"}, "insee_code"),
        ({"insee_code": "57106"}, "insee_code"),
        ({"border_distance_km": -1}, "border_distance_km"),
        ({"latitude": 123}, "latitude"),
        ({"department": "000"}, "department"),
        ({"name": ""}, "name"),
    ],
)
def test_staff_write_validation_errors_are_field_errors(client, staff_editor, overrides, field):
    client.force_login(staff_editor)
    response = client.post("/api/v1/towns/", town_payload(**overrides), content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Town.objects.filter(insee_code="57999").exists()


def test_schema_and_docs_are_served_without_cdn(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    town = schema["components"]["schemas"]["Town"]["properties"]
    assert set(town) >= TOWN_FIELDS
    undocumented = [
        f"{name}.{field}"
        for name, component in schema["components"]["schemas"].items()
        for field, spec in component.get("properties", {}).items()
        if not spec.get("description")
    ] + [
        f"{method.upper()} {path} ?{parameter['name']}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        for parameter in operation.get("parameters", [])
        if not parameter.get("description")
    ]
    assert undocumented == []
    for path in ("/api/v1/docs/", "/api/v1/redoc/"):
        html = client.get(path).content.decode()
        # No script, style or font from another host (a random CSRF token may well contain "cdn").
        assert not re.search(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", html, re.I)
        assert not re.search(r"https?://[^\s\"']*cdn", html, re.I)
        assert "/static/drf_spectacular_sidecar/" in html


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "²"}, "page"),
        ({"page_size": "²"}, "page_size"),
        ({"page": "1" * 5000}, "page"),
        ({"page": "-1"}, "page"),
    ],
)
def test_odd_page_numbers_are_400(client, params, field):
    response = client.get("/api/v1/towns/", params)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/partners/%00/",
        "/api/v1/cross-border-areas/a%00b/",
        "/api/v1/countries/%00/",
        "/api/v1/departments/5%007/",
    ],
)
def test_nul_bytes_in_api_paths_are_404(client, path):
    assert client.get(path).status_code == 404


def test_deleting_a_referenced_record_is_a_409(client, staff_editor):
    client.force_login(staff_editor)
    response = client.delete("/api/v1/countries/BE/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert "refer" in response.json()["detail"]
    assert client.delete("/api/v1/departments/57/").status_code == 409


def test_town_update_runs_the_model_constraints(client, staff_editor):
    client.force_login(staff_editor)
    response = client.patch("/api/v1/towns/57106/", {"border_country": None}, content_type="application/json")
    assert response.status_code == 400
    assert Town.objects.get(insee_code="57106").border_country.code == "DE"


@pytest.mark.parametrize("pvd_id", ["", "not-a-pvd-id"])
def test_pvd_id_must_be_well_formed(client, staff_editor, pvd_id):
    client.force_login(staff_editor)
    response = client.patch("/api/v1/towns/57106/", {"pvd_id": pvd_id}, content_type="application/json")
    assert response.status_code == 400
    assert "pvd_id" in response.json()
    assert Town.objects.get(insee_code="57106").pvd_id == "pvd-44-57-3"


def test_natural_keys_are_read_only_after_creation(client, staff_editor):
    client.force_login(staff_editor)
    response = client.patch("/api/v1/towns/57106/", {"insee_code": "57998"}, content_type="application/json")
    assert response.status_code == 200
    assert Town.objects.filter(insee_code="57106").exists()
    assert not Town.objects.filter(insee_code="57998").exists()


@pytest.mark.parametrize("path", ["/api/v1/countries/", "/api/v1/partners/", "/api/v1/cross-border-areas/"])
def test_french_name_is_required_through_the_api(client, staff_editor, path):
    client.force_login(staff_editor)
    payload = {"code": "NL", "iso3": "NLD", "slug": "x", "country": "BE", "competence_level": "municipal",
               "name_en": "English only"}  # fmt: skip
    response = client.post(path, payload, content_type="application/json")
    assert response.status_code == 400
    assert "name_fr" in response.json()


def test_sorted_pages_do_not_repeat_or_skip_rows(client):
    seen = []
    for page in (1, 2, 3):
        body = client.get("/api/v1/towns/", {"department": "57", "ordering": "border_country", "page": page}).json()
        seen += [t["insee_code"] for t in body["results"]]
    assert len(seen) == len(set(seen)) == 150
    nulls_last = client.get("/api/v1/towns/", {"ordering": "border_distance_km", "page_size": 5}).json()
    assert all(t["border_distance_km"] is not None for t in nulls_last["results"])


@pytest.mark.parametrize(("field", "value"), [("towns", ["57\x00106"]), ("country", "B\x00E")])
def test_nul_bytes_in_related_codes_are_field_errors(client, staff_editor, field, value):
    client.force_login(staff_editor)
    payload = {"slug": "nul", "name_fr": "Nul", "country": "BE", "competence_level": "municipal", field: value}
    response = client.post("/api/v1/partners/", payload, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()


def test_every_town_has_its_distance_to_each_neighbour_of_its_territory(client):
    givet = client.get("/api/v1/towns/08190/").json()
    assert [row["country"] for row in givet["border_distances"]][:2] == ["BE", "LU"]  # nearest first
    assert givet["border_distances"][0]["distance_km"] <= 0.5
    assert {row["country"] for row in givet["border_distances"]} == {"BE", "LU", "DE", "CH", "IT", "MC", "ES", "AD"}
    saint_louis = {
        row["country"]: row["distance_km"] for row in client.get("/api/v1/towns/68297/").json()["border_distances"]
    }
    assert saint_louis["CH"] < 5
    assert saint_louis["DE"] < 5
    guiana = client.get("/api/v1/towns/97308/").json()["border_distances"]
    assert {row["country"] for row in guiana} == {"BR", "SR"}
    assert client.get("/api/v1/towns/97411/").json()["border_distances"] == []  # Réunion: no land border
    assert givet["border_distance_km"] == 0.1  # the existing fields are unchanged


def test_near_finds_towns_close_to_a_border_that_is_not_their_nearest(client):
    """The issue's case: within 20 km of Switzerland although Germany is nearer."""
    response = client.get("/api/v1/towns/", {"near": "CH:20", "border_country": "DE", "page_size": 100})
    assert response.status_code == 200
    towns = response.json()["results"]
    assert response.json()["count"] == len(towns) > 0
    for town in towns:
        distances = {row["country"]: row["distance_km"] for row in town["border_distances"]}
        assert distances["CH"] <= 20
        assert distances["DE"] <= distances["CH"]  # DE is the nearest of the computed distances
    within = client.get("/api/v1/towns/", {"near": "ch:20", "page_size": 1}).json()["count"]
    assert within > response.json()["count"]  # lower case accepted; every nearest border counted
    assert client.get("/api/v1/towns/", {"near": "CH:20.5", "page_size": 1}).json()["count"] >= within


@pytest.mark.parametrize("value", ["Suisse", "CH", "CH:", "CH:-1", "CHE:20", "C1:20", "CH:20km"])
def test_a_malformed_near_is_a_400_naming_the_parameter(client, value):
    response = client.get("/api/v1/towns/", {"near": value})
    assert response.status_code == 400
    assert "near" in response.json()
