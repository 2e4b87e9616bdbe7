"""The programme, contact, legal notice, privacy and accessibility pages, and the footer's links on every page."""

import pytest
from django.conf import settings as django_settings

from support.accessibility import PAGE_TYPES
from tests.conftest import localized_url
from tests.factories import bulk_towns
from towns.selectors import home_figures

pytestmark = pytest.mark.django_db

FOOTER = (
    "support:offer",
    "support:about_programme",
    "support:request",
    "support:contact",
    "support:legal_notice",
    "support:privacy",
    "support:accessibility",
)
PAGES = ("home", "missions:mission_list", "towns:town_list", *FOOTER)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_page_links_to_the_offer_form_and_legal_pages(client, lang):
    for name in PAGES:
        html = client.get(localized_url(name, lang)).content.decode()
        footer = html[html.index('<footer class="site-footer">') :]
        for target in FOOTER:
            assert f'href="{localized_url(target, lang)}"' in footer, (name, target)
        assert ("Accessibility: not compliant" if lang == "en" else "Accessibilité : non conforme") in footer


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_home_page_presents_the_offer(client, lang):
    html = client.get(localized_url("home", lang)).content.decode()
    section = html[html.index('aria-labelledby="offer-title"') :]
    assert f'href="{localized_url("support:offer", lang)}"' in section
    assert f'href="{localized_url("support:request", lang)}"' in section


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_about_page_gives_the_programme_from_the_sources_and_the_portals_figures(
    client, lang, django_assert_max_num_queries
):
    bulk_towns(40)
    figures = home_figures()["figures"]
    with django_assert_max_num_queries(7):  # the home page's figures (cached per version outside tests)
        html = client.get(localized_url("support:about_programme", lang)).content.decode()
    assert f"<dd>{figures['pvd_towns']}</dd>" in html
    assert f"<dd>{figures['pvd_near_border']}</dd>" in html
    for fact in ("20", "ANCT", "Banque des Territoires", "ANAH", "Ademe", "Cerema"):
        assert fact in html
    # (French once the lead applies the translations batch; English words stand in until then.)
    assert "October 2020" in html or "octobre 2020" in html
    assert "partenaire dans l'action" in html.replace("&#x27;", "'")  # the source's words, in both languages
    assert "partner" in html or "partenaire" in html
    assert "beneficiary" in html or "bénéficiaire" in html
    sources = html[html.index('id="sources-title"') :]
    assert "October 2020" in sources or "octobre 2020" in sources
    assert "March 2021" in sources or "mars 2021" in sources


def test_contact_page_without_settings_shows_only_the_form(client, settings, django_assert_max_num_queries):
    settings.MOT_CONTACT = {"address": "", "phone": "", "email": ""}
    with django_assert_max_num_queries(0):
        html = client.get(localized_url("support:contact", "en")).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert localized_url("support:request", "en") in main
    assert "mailto:" not in main
    assert "tel:" not in main
    assert "Address" not in main
    assert "Devillard" not in main


def test_contact_page_shows_the_settings(client, settings):
    settings.MOT_CONTACT = {
        "address": "1 rue de l'Exemple\n75000 Paris",
        "phone": "+33 1 00 00 00 00",
        "email": "x@example.org",
    }
    html = client.get(localized_url("support:contact", "en")).content.decode()
    assert "1 rue de l&#x27;Exemple<br>75000 Paris" in html
    assert 'href="tel:+33100000000"' in html
    assert 'href="mailto:x@example.org"' in html


def test_legal_notice_shows_what_settings_give_and_nothing_else(client, settings):
    settings.MOT_CONTACT = {"address": "", "phone": "", "email": ""}
    settings.MOT_LEGAL = {"publication_director": "", "host": "", "host_address": ""}
    html = client.get(localized_url("support:legal_notice", "en")).content.decode()
    assert "Mission Opérationnelle Transfrontalière (MOT), an association under the French law of 1901" in html
    # The legal form is a public fact the seeds do not give: its sources are cited.
    assert 'href="https://www.espaces-transfrontaliers.org/en/a-propos/lamot"' in html
    assert 'href="https://transfrontier.eu/members/mot-mission-operationnelle-transfrontaliere/"' in html
    assert "Publication director" not in html
    assert "Hosting" not in html
    assert "https://www.etalab.gouv.fr/licence-ouverte-open-licence/" in html
    assert localized_url("credits", "en") in html
    settings.MOT_LEGAL = {"publication_director": "Jeanne Exemple", "host": "Hébergeur Exemple", "host_address": ""}
    html = client.get(localized_url("support:legal_notice", "en")).content.decode()
    assert "Jeanne Exemple" in html
    assert "Hébergeur Exemple" in html


def test_privacy_page_states_the_retention_setting(client, settings):
    settings.SUPPORT_REQUEST_RETENTION_DAYS = 90
    html = client.get(localized_url("support:privacy", "en")).content.decode()
    assert "deleted 90 days later" in html
    for collected in ("town", "organisation", "role", "name and e-mail", "phone", "service", "need", "consent"):
        assert collected in html
    assert "CNIL" in html
    assert "CSRF" in html
    del settings.SUPPORT_REQUEST_RETENTION_DAYS
    assert not hasattr(django_settings, "SUPPORT_REQUEST_RETENTION_DAYS")
    assert "deleted 365 days later" in client.get(localized_url("support:privacy", "en")).content.decode()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_accessibility_statement_in_the_rgaa_form(client, lang, django_assert_max_num_queries):
    with django_assert_max_num_queries(0):
        html = client.get(localized_url("support:accessibility", lang)).content.decode()
    assert ("not compliant" if lang == "en" else "non conforme") in html
    assert "axe-core 4.10.3" in html
    assert "defenseurdesdroits.fr" in html
    assert "WAI-ARIA" in html
    assert localized_url("support:request", lang) in html
    tested = html[html.index('id="tested-pages"') :]
    tested = tested[: tested.index("</ul>")]
    # The pages whose URL exists are listed (the diagnostic arrives with its own work).
    listed = tested.count("<li>")
    assert listed >= len(PAGE_TYPES) - 1
