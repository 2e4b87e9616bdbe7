"""Public pages in French and English, on the real data."""

import re

import pytest
from django.utils.html import escape

from tests.conftest import localized_url as url
from towns.models import CrossBorderArea, Town

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_data")]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("home", {}),
        ("credits", {}),
        ("towns:town_list", {}),
        ("towns:town_detail", {"insee_code": "57106"}),
        ("towns:intercommunality_detail", {"siren": "200067486"}),
        ("towns:partner_list", {}),
        ("towns:partner_detail", {"slug": "cc-bouzonvillois-trois-frontieres"}),
        ("towns:area_list", {}),
        ("towns:area_detail", {"slug": "eurodistrict-pamina"}),
    ],
)
def test_every_page_renders_in_both_languages(client, name, kwargs, lang):
    path = url(name, lang, **kwargs)
    assert path.startswith(f"/{lang}/")

    response = client.get(path)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert '<main id="main"' in html
    assert "<nav" in html
    assert "<h1" in html
    # The language switcher links to this same page in the other language.
    other = "en" if lang == "fr" else "fr"
    assert f'href="{url(name, other, **kwargs)}" hreflang="{other}"' in html


def test_french_urls_are_translated():
    assert url("towns:town_list", "fr") == "/fr/communes/"
    assert url("towns:town_list", "en") == "/en/towns/"
    assert url("credits", "fr") == "/fr/donnees-et-credits/"


def test_home_figures_come_from_the_data(client):
    html = client.get("/en/").content.decode()
    pvd = Town.objects.pvd().count()
    near = Town.objects.pvd().filter(border_distance_km__lte=30).count()
    assert pvd == 1645
    assert "1,645" in html
    assert f">{near:,}</dd>" in html
    belgium = Town.objects.pvd().filter(border_distances__BE__lte=30).count()
    assert belgium > Town.objects.pvd().filter(border_distance_km__lte=30, border_country__code="BE").count()
    assert re.search(rf"Belgium</a></th><td class=\"num\">{belgium}</td>", html)


def _home_figures(html: str) -> list[tuple[str, str, int]]:
    """(label, link, figure) of each figure of the home page: the key figures and the table by country."""
    figures = [
        (label, href, int(re.sub(r"\D", "", number)))
        for href, label, number in re.findall(r'<dt><a href="([^"]+)">([^<]+)</a></dt><dd>([^<]+)</dd>', html)
    ]
    figures += [
        (label, href, int(re.sub(r"\D", "", number)))
        for href, label, number in re.findall(
            r'<tr><th scope="row"><a href="([^"]+)">([^<]+)</a></th><td class="num">([^<]+)</td></tr>', html
        )
    ]
    return figures


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_each_home_figure_is_the_count_of_the_list_it_links_to(client, lang):
    """The issue's "36 vs 62": every figure links to the towns list with the same filters, which counts the same."""
    figures = _home_figures(client.get(url("home", lang)).content.decode())
    assert len(figures) == 3 + 10  # three key figures, ten neighbouring countries with PVD towns within 30 km
    counted = {}
    for label, href, figure in figures:
        href = href.replace("&amp;", "&")
        assert href.startswith(url("towns:town_list", lang))
        response = client.get(href)
        assert response.status_code == 200
        assert response.context["page"].paginator.count == figure, (label, href)
        counted[label] = figure
    if lang == "en":
        assert counted["PVD laureate towns"] == 1645
        assert counted["French communes in the data"] == 34969
        assert counted["PVD towns within 30 km of a land border"] == 169
        assert counted["Belgium"] == Town.objects.pvd().filter(border_distances__BE__lte=30).count() == 43
        assert counted["Switzerland"] == 42


def test_home_is_french_with_french_figures(client):
    html = client.get("/fr/").content.decode()
    assert "Communes lauréates PVD</a></dt><dd>1\xa0645</dd>" in html  # French label, French digit grouping


def test_root_redirects_to_a_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"] == "/en/"


def test_town_list_filters_by_country_and_distance(client):
    response = client.get("/en/towns/", {"border_country": "LU", "max_border_distance": "30"})
    expected = Town.objects.pvd().filter(border_country__code="LU", border_distance_km__lte=30)
    assert response.context["page"].paginator.count == expected.count() > 0
    html = response.content.decode()
    for town in expected:
        assert town.name in html
    assert "Bouzonville" not in html  # nearest border is Germany


def test_town_list_searches_by_name_and_insee_code(client):
    by_name = client.get("/fr/communes/", {"search": "sierck"})
    assert [t.insee_code for t in by_name.context["page"]] == ["57650"]
    by_code = client.get("/fr/communes/", {"search": "57106"})
    assert [t.name for t in by_code.context["page"]] == ["Bouzonville"]


def test_town_list_defaults_to_pvd_and_can_show_all_communes(client):
    assert client.get("/en/towns/").context["page"].paginator.count == 1645
    assert client.get("/en/towns/", {"scope": "all"}).context["page"].paginator.count == 34_969


def test_town_list_sorts_and_paginates(client):
    response = client.get("/en/towns/", {"sort": "-population", "page": "2"})
    towns = list(response.context["page"])
    populations = [t.population for t in towns]
    assert populations == sorted(populations, reverse=True)
    assert response.context["page"].number == 2
    first_page_min = min(t.population for t in client.get("/en/towns/", {"sort": "-population"}).context["page"])
    assert max(populations) <= first_page_min


def test_town_list_facet_counts_keep_the_other_filters(client):
    response = client.get("/en/towns/", {"department": "57"})
    facets = {f["country"].code: f["count"] for f in response.context["country_facets"]}
    assert facets["DE"] == Town.objects.pvd().filter(department__code="57", border_country__code="DE").count() > 0
    assert facets["LU"] == Town.objects.pvd().filter(department__code="57", border_country__code="LU").count()
    assert facets["ES"] == 0


def test_town_list_shows_field_errors_for_bad_filters(client):
    response = client.get("/en/towns/", {"max_border_distance": "far", "border_country": "XX", "page": "abc"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a number." in html
    assert "Select a valid choice" in html
    assert response.context["page"].paginator.count == 0


def test_town_page_shows_epci_neighbours_border_and_partner(client):
    html = client.get("/en/towns/57106/").content.decode()
    assert "CC Bouzonvillois-Trois Frontières" in html
    assert "Sierck-les-Bains" in html  # the other PVD town of the EPCI
    assert "Germany, 2.8 km" in html
    assert "Bouzonvillois Three Borders Community of Municipalities" in html
    assert "pvd-44-57-3" in html


def test_town_page_of_a_town_with_empty_fields(client):
    # A restored commune without coordinates nor population: the page still renders.
    town = Town.objects.filter(latitude__isnull=True, intercommunality__isnull=True).first()
    assert town is not None
    for lang, sentence in (
        ("en", "This commune belongs to no intercommunality."),
        ("fr", "Cette commune n'appartient à aucune intercommunalité."),
    ):
        response = client.get(url("towns:town_detail", lang, insee_code=town.insee_code))
        assert response.status_code == 200
        assert sentence in response.content.decode()


def test_unknown_town_is_404(client):
    assert client.get("/en/towns/99999/").status_code == 404
    assert client.get("/en/partners/nobody/").status_code == 404


def test_english_page_says_when_it_falls_back_to_french(client):
    area = CrossBorderArea.objects.get(slug="espace-mont-blanc")
    area.description_en = ""
    area.save()

    html = client.get("/en/cross-border-areas/espace-mont-blanc/").content.decode()

    assert f'<p lang="fr">{escape(area.description_fr)}' in html
    assert "(in French: not yet translated)" in html
    french = client.get("/fr/espaces-transfrontaliers/espace-mont-blanc/").content.decode()
    assert "pas encore traduit" not in french


def test_credits_page_lists_every_source_and_licence(client):
    html = client.get("/en/data-and-credits/").content.decode()
    for credit in ("ANCT", "Licence Ouverte", "INSEE", "Natural Earth", "GeoNames", "CC BY 4.0", "IGN", "ISC"):
        assert credit in html


def test_static_files_and_no_cdn(client):
    html = client.get("/en/").content.decode()
    assert "/static/css/portal.css" in html
    assert not re.search(r"(src|href)=\"https?://", html)


@pytest.mark.parametrize("path", ["/fr/communes/?page=²", "/fr/communes/?page=" + "9" * 5000, "/en/partners/?page=²"])
def test_odd_page_numbers_show_the_first_page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.context["page"].number == 1


@pytest.mark.parametrize("path", ["/fr/communes/%00/", "/fr/intercommunalites/%00/", "/en/towns/5710%00/"])
def test_nul_bytes_in_page_paths_are_404(client, path):
    assert client.get(path).status_code == 404


def test_sorting_by_distance_puts_unknown_last_and_is_stable(client):
    response = client.get("/en/towns/", {"scope": "all", "sort": "distance", "department": "75"})
    towns = list(response.context["page"])
    assert towns  # Paris: no border distance computed, still listed, by name
    assert [t.name for t in towns] == sorted(t.name for t in towns)


@pytest.mark.parametrize(("lang", "text"), [("fr", "Page introuvable"), ("en", "Page not found")])
def test_404_page_is_translated_and_styled(client, settings, lang, text):
    settings.DEBUG = False
    response = client.get(f"/{lang}/towns/99999/" if lang == "en" else "/fr/communes/99999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert text in html
    assert "/static/css/portal.css" in html


def test_town_page_marks_names_in_french_on_english_pages(client):
    html = client.get("/en/towns/57106/").content.decode()
    assert 'lang="en">Bouzonvillois Three Borders Community of Municipalities</a>' in html
    assert 'lang="en">Eurodistrict PAMINA' not in html  # not a member: areas list only the town's own


def test_a_town_page_lists_the_land_borders_within_100_km(client):
    page = client.get("/en/towns/08190/").content.decode()
    assert "Land borders within 100 km" in page
    assert "Belgium 0.1 km · Luxembourg" in page
    french = client.get("/fr/communes/08190/").content.decode()
    assert "Frontières terrestres à moins de 100 km" in french
    assert "Belgique 0,1 km · Luxembourg" in french
    assert "Land borders within" not in client.get("/en/towns/97411/").content.decode()  # Réunion


def test_the_towns_page_keeps_the_near_filter(client):
    response = client.get("/en/towns/", {"scope": "all", "near": "CH:20", "border_country": "DE"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count > 0
    assert '<input type="hidden" name="near" value="CH:20"' in response.content.decode()
    bad = client.get("/en/towns/", {"near": "Switzerland"})
    assert bad.status_code == 200
    assert "Give a country code and a distance in km" in bad.content.decode()


@pytest.mark.parametrize(
    ("lang", "says"),
    [("en", "Near a border: Belgium, 30 km or less"), ("fr", "Près d'une frontière : Belgique, 30 km au plus")],
)
def test_the_list_says_which_border_a_home_figure_counts(client, lang, says):
    """near= has no box of its own on the page: the list says it is on, with a link that takes it off."""
    response = client.get(url("towns:town_list", lang), {"near": "BE:30"})
    html = response.content.decode()
    assert says in html
    assert response.context["page"].paginator.count == 43
    without = client.get(url("towns:town_list", lang), {"near": "BE:30", "scope": "all"}).content.decode()
    assert 'href="?scope=all"' in without
    assert says not in client.get(url("towns:town_list", lang)).content.decode()


def test_town_page_shows_the_nearest_border_only_when_there_is_one(client):
    givet = client.get(url("towns:town_detail", "en", insee_code="08190")).content.decode()
    assert "<dt>Nearest land border</dt><dd>Belgium, 0.1 km</dd>" in givet
    inland = client.get(url("towns:town_detail", "en", insee_code="63335")).content.decode()  # Saint-Diéry
    assert "<dt>Nearest land border</dt><dd>Switzerland, 237.8 km</dd>" in inland
    reunion = client.get(url("towns:town_detail", "en", insee_code="97411")).content.decode()
    assert "Nearest land border" not in reunion  # no land border: absent, not "not computed"
