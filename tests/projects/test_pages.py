"""Public pages of factsheets and booklets: facets, search, roles, translation notice, previews."""

import re

import pytest
from django.urls import reverse

from projects.models import Factsheet
from tests.conftest import localized_url

pytestmark = pytest.mark.django_db


def _titles(response) -> list[str]:
    return re.findall(r'<h3 id="factsheet-\d+"><a [^>]*>([^<]+)</a>', response.content.decode())


def _facet(response, name: str) -> dict[str, int]:
    """{value: count} of a facet select on the list page."""
    html = response.content.decode()
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return {value: int(count) for value, count in re.findall(r'<option value="([^"]+)"[^>]*>[^<]*\((\d+)\)', select)}


def test_list_shows_published_factsheets_with_facet_counts(client, catalogue):
    response = client.get(localized_url("projects:factsheet_list", "fr"))
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == "/fr/fiches-projet/"
    assert _titles(response) == ["Covoiturage des travailleurs frontaliers", "Maison de santé transfrontalière"]
    assert "Brouillon secret" not in response.content.decode()
    assert _facet(response, "country") == {"BE": 1, "DE": 1}
    assert _facet(response, "theme") == {"health": 1, "mobility": 1}
    towns = catalogue.towns
    assert _facet(response, "town") == {towns[0].insee_code: 1, towns[1].insee_code: 2}
    assert _facet(response, "department") == {"59": 2}
    assert _facet(response, "role") == {"partner": 2, "beneficiary": 1}
    assert _facet(response, "year") == {"2022": 1, "2021": 1, "2020": 1, "2019": 1}


def test_facet_counts_keep_the_other_filters(client, catalogue):
    response = client.get("/en/factsheets/", {"country": "BE"})
    assert _titles(response) == ["Cross-border health centre"]
    # The country facet ignores the country filter itself; the others apply it.
    assert _facet(response, "country") == {"BE": 1, "DE": 1}
    assert _facet(response, "theme") == {"health": 1}
    assert _facet(response, "role") == {"partner": 1, "beneficiary": 1}
    response = client.get("/en/factsheets/", {"country": "BE", "theme": "mobility"})
    assert _titles(response) == []
    assert "No factsheet matches these filters." in response.content.decode()
    # A selected value stays listed, with 0, and stays selected.
    assert _facet(response, "theme") == {"mobility": 0, "health": 1}
    assert re.search(r'<option value="mobility" selected>', response.content.decode())


def test_town_and_role_filter_together(client, catalogue):
    first, second = catalogue.towns[0].insee_code, catalogue.towns[1].insee_code
    assert _titles(client.get("/en/factsheets/", {"town": first, "role": "beneficiary"})) == []
    assert _titles(client.get("/en/factsheets/", {"town": second, "role": "beneficiary"})) == [
        "Cross-border health centre"
    ]
    assert len(_titles(client.get("/en/factsheets/", {"town": second, "role": "partner"}))) == 1
    assert len(_titles(client.get("/en/factsheets/", {"role": "partner"}))) == 2
    assert _titles(client.get("/en/factsheets/", {"year": "2020"})) == ["Cross-border health centre"]
    assert _titles(client.get("/en/factsheets/", {"year": "2023"})) == []


def test_search_in_both_languages_and_sorting(client, catalogue):
    assert _titles(client.get("/fr/fiches-projet/", {"search": "covoiturage"})) == [
        "Covoiturage des travailleurs frontaliers"
    ]
    assert _titles(client.get("/fr/fiches-projet/", {"search": "healthcare"})) == ["Maison de santé transfrontalière"]
    assert _titles(client.get("/fr/fiches-projet/", {"search": "confidentiel"})) == []
    response = client.get("/en/factsheets/", {"sort": "-start_year"})
    assert _titles(response)[0] == "Cross-border health centre"  # the only one with a start year comes first


def test_invalid_filters_are_field_errors(client, catalogue):
    response = client.get("/en/factsheets/", {"year": "twenty", "country": "XX"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Some filters are not valid" in html
    assert _titles(response) == []


def test_factsheet_page_shows_every_field_roles_and_links(client, catalogue):
    care = catalogue.care
    response = client.get(localized_url("projects:factsheet_detail", "fr", slug=care.slug))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in html
    assert "Maison de santé transfrontalière" in html
    first = catalogue.towns[0]
    assert f'<a href="{first.get_absolute_url()}">{first.name}</a>' in html
    assert "<strong>partenaire</strong>" in html
    assert "<strong>bénéficiaire</strong>" in html
    assert "Hôpital de Mons" in html
    assert "<strong>chef de file</strong>" in html
    assert "Réduire les distances vers les hôpitaux." in html
    assert "2019–2022" in html
    assert "Le livret" in html  # the booklet it belongs to
    assert "Budget" not in html  # empty fields are left out, not shown empty


def test_english_page_says_what_is_not_yet_translated(client, catalogue):
    html = client.get(f"/en/factsheets/{catalogue.carpool.slug}/").content.decode()
    assert "not yet fully translated into English" in html
    assert '<h1 id="factsheet-title" lang="fr">Covoiturage des travailleurs frontaliers</h1>' in html
    translated = client.get(f"/en/factsheets/{catalogue.care.slug}/").content.decode()
    assert "not yet translated" not in translated
    assert '<h1 id="factsheet-title" lang="en">Cross-border health centre</h1>' in translated


def test_the_language_switcher_keeps_the_factsheet(client, catalogue):
    html = client.get(f"/fr/fiches-projet/{catalogue.care.slug}/").content.decode()
    assert f'href="/en/factsheets/{catalogue.care.slug}/" hreflang="en"' in html


def test_rich_text_is_sanitised_at_display_too(client, catalogue):
    # Written around save() (a bulk update), the page still strips the script and the remote image.
    Factsheet.objects.filter(pk=catalogue.care.pk).update(
        summary_fr='<p>Texte<script>alert(1)</script><img src="http://evil.example/x.png"></p>'
    )
    html = client.get(f"/fr/fiches-projet/{catalogue.care.slug}/").content.decode()
    assert "<p>Texte</p>" in html
    assert "alert(1)" not in html
    assert "evil.example" not in html


def test_booklet_pages_list_published_factsheets_in_order(client, catalogue):
    response = client.get(localized_url("projects:booklet_list", "fr"))
    html = response.content.decode()
    assert response.request["PATH_INFO"] == "/fr/plaquettes/"
    assert "Le livret" in html
    assert "Livret en préparation" not in html
    assert "2 fiches projet" in html
    html = client.get(catalogue.booklet.get_absolute_url()).content.decode()
    titles = re.findall(r'<h3 id="factsheet-\d+"><a [^>]*>([^<]+)</a>', html)
    assert titles == ["Covoiturage des travailleurs frontaliers", "Maison de santé transfrontalière"]
    assert client.get(catalogue.draft_booklet.get_absolute_url()).status_code == 404


def test_town_page_lists_its_factsheets_by_role(client, catalogue):
    second = catalogue.towns[1]
    html = client.get(f"/en/towns/{second.insee_code}/").content.decode()
    section = html.split('id="projects-title"')[1].split("</section>")[0]
    partner_part, beneficiary_part = section.split("As beneficiary")
    assert "As partner" in partner_part
    assert "Covoiturage des travailleurs frontaliers" in partner_part
    assert "Cross-border health centre" in beneficiary_part
    first = catalogue.towns[0]
    html = client.get(f"/en/towns/{first.insee_code}/").content.decode()
    assert "Secret draft" not in html
    assert "Brouillon secret" not in html


def test_previews_are_for_staff_only(client, catalogue, staff_viewer, django_user_model):
    draft = catalogue.draft
    url = reverse("projects:factsheet_preview", kwargs={"slug": draft.slug})
    response = client.get(url)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    no_permission = django_user_model.objects.create_user("bare", password="a-long-test-password-3", is_staff=True)
    client.force_login(no_permission)
    assert client.get(url).status_code == 403
    client.force_login(staff_viewer)
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Secret draft" in html
    assert "preview-banner" in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    booklet_url = reverse("projects:booklet_preview", kwargs={"slug": catalogue.booklet.slug})
    assert "Secret draft" in client.get(booklet_url).content.decode()  # the preview shows drafts too


def test_admin_links_a_draft_to_its_preview(admin_client, catalogue):
    html = admin_client.get(reverse("admin:projects_factsheet_change", args=[catalogue.draft.pk])).content.decode()
    assert reverse("projects:factsheet_preview", kwargs={"slug": catalogue.draft.slug}) in html
    html = admin_client.get(reverse("admin:projects_factsheet_change", args=[catalogue.care.pk])).content.decode()
    assert catalogue.care.get_absolute_url() in html


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_draft_anywhere_public(client, catalogue, lang):
    """Every public surface, with a draft factsheet and a draft booklet in the database."""
    draft, draft_booklet = catalogue.draft, catalogue.draft_booklet
    secrets = ("Brouillon secret", "Secret draft", "brouillon-secret", "Livret en préparation", "livret-brouillon")
    surfaces = [
        localized_url("home", lang),
        localized_url("projects:factsheet_list", lang),
        localized_url("projects:factsheet_list", lang) + "?search=confidentiel",
        localized_url("projects:factsheet_list", lang) + "?search=brouillon",
        localized_url("projects:booklet_list", lang),
        catalogue.booklet.get_absolute_url(),
        localized_url("projects:factsheet_feed", lang),
        localized_url("towns:town_detail", lang, insee_code=catalogue.towns[0].insee_code),
        f"/api/v1/factsheets/?lang={lang}",
        f"/api/v1/factsheets/?search=confidentiel&lang={lang}",
        f"/api/v1/booklets/?lang={lang}",
        f"/api/v1/booklets/{catalogue.booklet.slug}/?lang={lang}",
        "/sitemap.xml",
        "/sitemap-factsheets.xml",
        "/sitemap-booklets.xml",
    ]
    for url in surfaces:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert not any(secret in body for secret in secrets), url
    for url in (
        localized_url("projects:factsheet_detail", lang, slug=draft.slug),
        localized_url("projects:booklet_detail", lang, slug=draft_booklet.slug),
        f"/api/v1/factsheets/{draft.slug}/",
        f"/api/v1/booklets/{draft_booklet.slug}/",
    ):
        assert client.get(url).status_code == 404, url


def test_sitemap_and_feed_list_published_factsheets_in_both_languages(client, catalogue):
    sitemap = client.get("/sitemap-factsheets.xml").content.decode()
    assert f"/fr/fiches-projet/{catalogue.care.slug}/" in sitemap
    assert f"/en/factsheets/{catalogue.care.slug}/" in sitemap
    assert 'hreflang="en"' in sitemap
    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-factsheets.xml" in index
    assert "sitemap-towns.xml" in index
    feed = client.get("/en/factsheets/feed/").content.decode()
    assert "<title>Cross-border health centre</title>" in feed
    assert "Healthcare for the inhabitants" in feed
    assert "Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").content.decode()
