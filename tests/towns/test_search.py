"""Find my town (issue 12 §3): one folding for the stored key and the query, the towns page and the API search,
the best matches first (PVD laureates first), the straight-to-the-town search, the suggestions endpoint."""

import re

import pytest

from tests.conftest import localized_url as url
from towns.models import Town
from towns.search import fold, search_key
from towns.services import town_create, town_update

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_data")]


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Sierck-les-Bains", "sierck les bains"),
        ("SIERCK  lès   BAINS", "sierck les bains"),
        ("Saint-Dié-des-Vosges", "saint die des vosges"),
        ("L'Hôpital", "l hopital"),
        ("L’Hôpital", "l hopital"),  # typographic apostrophe
        ("Saint\u2010Dié \u2013 des Vosges", "saint die des vosges"),  # Unicode hyphen, en dash
        ("Vandœuvre-lès-Nancy", "vandoeuvre les nancy"),
        ("VANDŒUVRE", "vandoeuvre"),
        ("Lætitia", "laetitia"),
        ("St. Dié", "saint die"),  # an abbreviated Saint, followed by another word
        ("Ste-Marie aux Mines", "sainte marie aux mines"),
        ("st", "st"),  # a last word stays as typed (Strasbourg while typing)
        ("  -'’.  ", ""),
        ("57480", "57480"),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_the_import_fills_the_search_key():
    assert Town.objects.get(insee_code="57650").search_key == "sierck les bains | 57480"
    assert Town.objects.get(insee_code="57463").search_key.startswith("metz | 57000")
    assert not Town.objects.filter(search_key="").exists()


def test_the_services_keep_the_search_key_in_step(trial_town):
    town = trial_town
    assert town.search_key == "commune d essai | 57999"
    town_update(town=town, fields={"name": "Saint-Essai-lès-Bains"})
    town.refresh_from_db()
    assert town.search_key == search_key("Saint-Essai-lès-Bains", "57999") == "saint essai les bains | 57999"


@pytest.fixture
def trial_town():
    department = Town.objects.get(insee_code="57650").department
    return town_create(
        fields={"insee_code": "57999", "name": "Commune d'Essai", "department": department, "postal_codes": "57999"}
    )


SIERCK = "Sierck-les-Bains"


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("sierck les bains", SIERCK),
        ("Sierck-lès-Bains", SIERCK),
        ("SIERCK", SIERCK),
        ("sierck", SIERCK),
        ("57480", SIERCK),  # postal code (also the INSEE code of Montigny-lès-Metz: found too, after the PVD town)
        ("saint-die", "Saint-Dié-des-Vosges"),
        ("saint die", "Saint-Dié-des-Vosges"),
        ("st die", "Saint-Dié-des-Vosges"),
        ("SAINT-DIÉ", "Saint-Dié-des-Vosges"),
        ("l'hopital", "L'Hôpital"),
        ("L’HÔPITAL", "L'Hôpital"),
        ("vandoeuvre", "Vandœuvre-lès-Nancy"),
        ("metz", "Metz"),
        ("57106", "Bouzonville"),  # the INSEE code, as before
    ],
)
def test_search_variants_on_the_page_and_in_the_api(client, query, first):
    page = client.get(url("towns:town_list", "en"), {"scope": "all", "search": query})
    assert page.status_code == 200
    assert page.context["page"].object_list[0].name == first

    api = client.get("/api/v1/towns/", {"search": query}).json()
    assert api["results"][0]["name"] == first
    assert api["count"] == page.context["page"].paginator.count


def test_postal_code_finds_every_commune_sharing_it(client):
    body = client.get("/api/v1/towns/", {"search": "57480", "page_size": 100}).json()
    sharing = set(Town.objects.filter(postal_codes__contains="57480").values_list("insee_code", flat=True))
    assert len(sharing) > 10
    assert sharing | {"57480"} == {t["insee_code"] for t in body["results"]}  # and the commune whose INSEE code it is


@pytest.mark.parametrize("query", ["sierck", "ierck", "bains", "Saint-Louis", "574", "lès-"])
def test_the_former_search_results_are_all_still_found(client, query):
    """Name contains the query (case-insensitively), or postal codes do, or the INSEE code is it: as before."""
    before = set(
        Town.objects.filter(name__icontains=query).values_list("insee_code", flat=True)
        | Town.objects.filter(postal_codes__icontains=query).values_list("insee_code", flat=True)
        | Town.objects.filter(insee_code=query).values_list("insee_code", flat=True)
    )
    found = set()
    page = 1
    while True:
        body = client.get("/api/v1/towns/", {"search": query, "page_size": 500, "page": page}).json()
        found |= {t["insee_code"] for t in body["results"]}
        if not body["next"]:
            break
        page += 1
    assert before
    assert before <= found


def test_pvd_laureates_come_first_then_the_best_matches(client):
    towns = client.get("/api/v1/towns/", {"search": "Saint-Louis", "page_size": 100}).json()["results"]
    names = [(t["name"], t["is_pvd"]) for t in towns]
    assert names[0] == ("Port-Saint-Louis-du-Rhône", True)  # the laureate first, although its name only contains
    assert [n for n, _ in names[1:5]] == ["Saint-Louis"] * 4  # then the exact names, the larger town first
    populations = [t["population"] for t in towns[1:5]]
    assert populations == sorted(populations, reverse=True)

    bains = client.get("/api/v1/towns/", {"search": "bains", "page_size": 100}).json()["results"]
    pvd = [t["is_pvd"] for t in bains]
    assert pvd.index(False) == pvd.count(True) > 5  # every laureate before the first other commune

    # A query found only inside words comes after the matches at the start of a word, laureates or not.
    die = [t["name"] for t in client.get("/api/v1/towns/", {"search": "saint die", "page_size": 100}).json()["results"]]
    assert "Saint-Didier-en-Velay" in die  # a laureate: "die" only inside "Didier"
    assert die.index("Saint-Dié-des-Vosges") < die.index("Saint-Didier-en-Velay")


def test_an_explicit_api_ordering_wins_over_relevance(client):
    towns = client.get("/api/v1/towns/", {"search": "sierck", "ordering": "insee_code"}).json()["results"]
    codes = [t["insee_code"] for t in towns]
    assert codes == sorted(codes)


@pytest.mark.parametrize(
    ("query", "target"),
    [("sierck les bains", "57650"), ("SIERCK-LÈS-BAINS", "57650"), ("metz", "57463"), ("givet", "08190")],
)
def test_find_my_town_goes_straight_to_the_town_it_names(client, query, target):
    response = client.get(url("towns:town_list", "fr"), {"scope": "all", "find": "1", "search": query})
    assert response.status_code == 302
    assert response["Location"] == url("towns:town_detail", "fr", insee_code=target)


@pytest.mark.parametrize(
    ("query", "count"),
    [("Saint-Louis", 10), ("57480", 21), ("sierck", 4), ("57650", 4)],
)
def test_find_my_town_lists_homonyms_and_partial_matches(client, query, count):
    """Four communes are named Saint-Louis; 57480 is a postal code (and another commune's INSEE code)."""
    response = client.get(url("towns:town_list", "en"), {"scope": "all", "find": "1", "search": query})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == count
    assert f"{count} towns" in response.content.decode()


def test_the_towns_page_filter_form_does_not_jump_to_a_town(client):
    response = client.get(url("towns:town_list", "en"), {"scope": "all", "search": "metz"})
    assert response.status_code == 200
    assert response.context["page"].object_list[0].name == "Metz"


def test_search_combines_with_the_other_filters(client):
    response = client.get(url("towns:town_list", "en"), {"scope": "pvd", "search": "bains", "near": "CH:30"})
    towns = response.context["page"].object_list
    assert {t.name for t in towns} >= {"Divonne-les-Bains", "Évian-les-Bains"}
    assert all(t.is_pvd and t.border_distances["CH"] <= 30 for t in towns)


def test_search_box_in_the_header_and_on_the_home_page(client):
    credits = client.get(url("credits", "fr")).content.decode()
    form = re.search(r'<form class="find-town find-town-header"[^>]*>.*?</form>', credits, re.S)[0]
    assert f'action="{url("towns:town_list", "fr")}"' in form
    assert 'method="get"' in form
    assert 'role="search"' in form
    assert '<input type="hidden" name="scope" value="all">' in form
    assert 'name="search"' in form
    assert '<label for="find-town-header" class="visually-hidden">Nom de la commune ou code postal</label>' in form
    assert "<script" not in form  # the suggestions come from static/js/find-town.js
    assert '<script src="/static/js/find-town.js" defer></script>' in credits

    home = client.get(url("home", "en")).content.decode()
    assert 'id="find-town-home"' in home
    assert 'id="find-town-header"' not in home  # the home page's own box replaces the header's
    assert '<h2 id="find-town-home-title">Find my town</h2>' in home


# --- Suggestions endpoint -------------------------------------------------------------------------------------------


def test_suggestions(client):
    response = client.get("/api/v1/towns/suggest/", {"q": "sierck", "lang": "en"})
    assert response.status_code == 200
    body = response.json()
    assert body[0] == {
        "insee_code": "57650",
        "name": SIERCK,
        "department": "57",
        "department_name": "Moselle",
        "postal_codes": "57480",
        "is_pvd": True,
        "url": "http://testserver/en/towns/57650/",
    }
    assert {t["name"] for t in body} == {SIERCK, "Kerling-lès-Sierck", "Beyren-lès-Sierck", "Kirsch-lès-Sierck"}
    french = client.get("/api/v1/towns/suggest/", {"q": "sierck", "lang": "fr"}).json()
    assert french[0]["url"] == "http://testserver/fr/communes/57650/"


def test_suggestions_are_the_best_eight(client):
    body = client.get("/api/v1/towns/suggest/", {"q": "saint die"}).json()
    assert len(body) == 8
    assert body[0]["name"] == "Saint-Dié-des-Vosges"
    everything = client.get("/api/v1/towns/", {"search": "saint die", "page_size": 8}).json()["results"]
    assert [t["insee_code"] for t in body] == [t["insee_code"] for t in everything]


@pytest.mark.parametrize("query", ["s", "sa", "saint", "sierck les bains", "57", "zzzz"])
def test_suggestions_take_one_query(client, django_assert_num_queries, query):
    with django_assert_num_queries(1):
        response = client.get("/api/v1/towns/suggest/", {"q": query})
    assert response.status_code == 200
    assert len(response.json()) <= 8


@pytest.mark.parametrize(
    ("params", "status", "body"),
    [
        ({}, 200, []),
        ({"q": ""}, 200, []),
        ({"q": "   "}, 200, []),
        ({"q": "-'’%_"}, 200, []),  # nothing left once folded; LIKE wildcards are not wildcards
        ({"q": "a" * 1000}, 400, None),
        ({"q": "sier\x00ck"}, 400, None),
        ({"q": "x" * 100}, 200, []),
        ({"q": " ".join(["sa"] * 30)}, 200, None),  # words beyond the eighth are ignored
        ({"q": "sierck", "lang": "xx"}, 400, None),
    ],
)
def test_suggestions_refuse_bad_input_cleanly(client, params, status, body):
    response = client.get("/api/v1/towns/suggest/", params)
    assert response.status_code == status
    if body is not None:
        assert response.json() == body
    if status == 400:
        assert response.json()  # says which parameter


@pytest.mark.parametrize("query", ["a" * 1000, "sier\x00ck"])
def test_bad_search_on_the_page_and_the_api_is_a_field_error(client, query):
    assert client.get("/api/v1/towns/", {"search": query}).status_code == 400
    page = client.get(url("towns:town_list", "en"), {"scope": "all", "search": query, "find": "1"})
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 0
    assert 'class="field-error"' in page.content.decode()


def test_search_queries_stay_constant(client, django_assert_max_num_queries):
    for query in ("a", "sierck", "saint die des vosges"):
        with django_assert_max_num_queries(9):
            assert client.get(url("towns:town_list", "en"), {"scope": "all", "search": query}).status_code == 200
        with django_assert_max_num_queries(2):
            assert client.get("/api/v1/towns/", {"search": query}).status_code == 200
