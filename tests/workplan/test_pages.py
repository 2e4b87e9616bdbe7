"""Public pages of the work programme, in French and English."""

import pytest

from tests.conftest import localized_url as url
from workplan.models import Programme, WorkItem

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("workplan:programme", {"year": 2025}),
        ("workplan:node", {"year": 2025, "code": "3.1.1"}),
        ("workplan:node", {"year": 2025, "code": "1.3"}),
        ("workplan:node", {"year": 2025, "code": "3.0.1"}),
        ("workplan:theme_list", {}),
        ("workplan:deal_theme", {"number": 4}),
        ("workplan:transversal_theme", {"slug": "montagne"}),
    ],
)
def test_pages_render_in_both_languages(client, programme, name, kwargs, lang):
    response = client.get(url(name, lang, **kwargs))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    other = "en" if lang == "fr" else "fr"
    assert f'href="{url(name, other, **kwargs)}" hreflang="{other}"' in html


def test_latest_redirects_to_the_newest_published_programme(client, programme):
    response = client.get("/fr/programme-de-travail/")
    assert response.status_code == 302
    assert response["Location"] == "/fr/programme-de-travail/2025/"


def test_the_whole_tree_in_order_collapsible_without_javascript(client, programme):
    html = client.get("/en/work-programme/2025/").content.decode()
    codes = list(WorkItem.objects.nodes().order_by("position").values_list("code", flat=True))
    positions = [html.index(f'<span class="code">{code}</span>') for code in codes]
    assert positions == sorted(positions)
    assert html.count('<details class="node') == len(codes)
    assert 'id="n-3-1-1"' in html
    assert "Building and delivering cross-border projects" in html
    assert "103 entries" in html
    for line in WorkItem.objects.lines():
        assert f'id="{line.anchor}"' in html


def test_badges_and_token_markers(client, programme):
    html = client.get("/en/work-programme/2025/3.0.1/").content.decode()
    assert 'class="tag tag-token"' in html
    html = client.get("/en/work-programme/2025/2.1.1/").content.decode()
    assert html.count('href="/en/work-programme/deal-themes/3/"') >= 1
    assert 'href="/en/work-programme/deal-themes/5/"' in html
    assert 'href="/en/work-programme/transversal-themes/benchmark-des-groupements-transfrontaliers/"' in html


@pytest.mark.parametrize(
    ("params", "matching", "codes"),
    [
        ({"deal": "3"}, 3, {"2.1.1", "3.4.2"}),
        ({"deal": "8"}, 1, {"3.1.2"}),
        ({"transversal": "montagne"}, 5, {"1.3", "2.1.3", "3.1.3"}),
        ({"token": "on"}, 7, {"2.1.2", "3.0.1", "3.0.2", "3.4.1"}),
        ({"axis": "1", "q": "BRIDGEforEU"}, 2, {"1.1.1", "1.1.2"}),
        ({"q": "petites villes de demain"}, 4, {"3.1.1"}),
    ],
)
def test_filters_prune_the_tree_and_count(client, programme, params, matching, codes):
    response = client.get("/en/work-programme/2025/", params)
    view = response.context["view"]
    assert view.matching == matching
    assert view.total == 103

    def leaves(nodes):
        for node in nodes:
            if node.lines or (not node.children and node.match_count):
                yield node.item.code
            yield from leaves(node.children)

    assert set(leaves(view.axes)) == codes


def test_facet_counts(client, programme):
    response = client.get("/en/work-programme/2025/", {"axis": "2"})
    deal = dict((theme.number, count) for theme, count in response.context["deal_facets"])
    assert deal == {1: 1, 2: 0, 3: 1, 4: 2, 5: 1, 6: 0, 7: 1, 8: 0, 9: 1}
    axis = dict((a.code, count) for a, count in response.context["axis_facets"])
    assert axis == {"1": 31, "2": 42, "3": 30}
    assert response.context["token_count"] == 1


def test_bad_filter_values_show_errors_not_500(client, programme):
    response = client.get("/en/work-programme/2025/", {"deal": "99", "axis": "\x00", "q": "x" * 500})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_theme_page_lists_every_line_across_axes(client, programme):
    response = client.get("/en/work-programme/deal-themes/4/")
    items = list(response.context["items"])
    assert [i.code for i in items] == ["2.1.1", "2.1.3"]
    html = response.content.decode()
    assert "Mobility and cross-border public transport" in html
    assert client.get("/en/work-programme/deal-themes/42/").status_code == 404


def test_node_page_deep_link(client, programme):
    response = client.get("/fr/programme-de-travail/2025/3.1.1/")
    html = response.content.decode()
    assert "Accompagnement du programme PVD - Petites villes de demain" in html
    assert html.count('<li id="l-') == 4
    assert client.get("/fr/programme-de-travail/2025/3.9.9/").status_code == 404
    assert client.get("/fr/programme-de-travail/1999/").status_code == 404


def test_draft_programme_stays_private(client, programme):
    Programme.objects.filter(pk=programme.pk).update(status=Programme.Status.DRAFT)
    assert client.get("/en/work-programme/2025/").status_code == 404
    assert client.get("/en/work-programme/2025/3.1.1/").status_code == 404
    assert client.get("/en/work-programme/").status_code == 404
    assert client.get("/en/work-programme/deal-themes/4/").context["items"].count() == 0
    assert client.get("/api/v1/programmes/2025/").status_code == 404
    assert client.get("/api/v1/activity-lines/").json()["count"] == 0


def test_home_and_navigation_link_to_the_programme(client, programme):
    for lang, path in (("fr", "/fr/programme-de-travail/"), ("en", "/en/work-programme/")):
        html = client.get(f"/{lang}/").content.decode()
        assert html.count(f'href="{path}"') >= 2


def test_programme_page_queries_do_not_grow_with_the_tree(client, programme, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        client.get("/en/work-programme/2025/", {"deal": "3", "token": "on"})
    with django_assert_max_num_queries(8):
        client.get("/en/work-programme/2025/3.1.1/")


def test_one_bad_filter_keeps_the_others(client, programme):
    response = client.get("/en/work-programme/2025/", {"deal": "abc", "q": "Strasbourg"})
    assert response.context["view"].matching == 5
    assert "Select a valid choice" in response.content.decode()


def test_search_ignores_accents_and_case(client, programme):
    plain = client.get("/en/work-programme/2025/", {"q": "societe des grands projets"}).context["view"]
    accented = client.get("/en/work-programme/2025/", {"q": "Société des Grands Projets"}).context["view"]
    assert plain.matching == accented.matching == 1


def test_choices_show_their_counts(client, programme):
    html = client.get("/en/work-programme/2025/", {"axis": "2"}).content.decode()
    assert "4. Mobility and cross-border public transport (2)</option>" in html
    assert "Only work under the tokens of the modular offer (1)" in html


def test_tree_headings_and_links_outside_summaries(client, programme):
    html = client.get("/en/work-programme/2025/").content.decode()
    assert '<summary><h3 class="node-heading"><span class="code">1</span>' in html
    assert '<summary><h5 class="node-heading"><span class="code">1.1.1</span>' in html
    summaries = html.split("<summary>")[1:]
    assert all("<a " not in part.split("</summary>")[0].split('<a class="tag')[0] for part in summaries)
