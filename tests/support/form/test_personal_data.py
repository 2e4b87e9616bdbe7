"""A support request's personal data never reaches a public surface: pages, API, sitemaps, robots, catalogue, PDFs."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from mot_portal.documents import registry, services
from mot_portal.documents.rendering import pdf_render
from tests.conftest import localized_url
from tests.projects.fixtures import catalogue  # noqa: F401  (a fixture)
from tests.support.form.conftest import support_request

pytestmark = pytest.mark.django_db

SECRETS = {
    "name": "Zébulon Quintessence-Marmelade",
    "email": "zebulon.marmelade.4711@example.org",
    "phone": "+33 9 87 65 43 21",
    "need": "Besoin-confidentiel-XJ42 concernant la passerelle",
    "organisation": "Organisation-Secrete-QW77",
    "internal_notes": "Note-interne-PL93",
}


def _assert_clean(url: str, body: bytes) -> None:
    text = body.decode("utf-8", errors="replace")
    for field, value in SECRETS.items():
        assert value not in text, f"{field} leaked at {url}"
        assert value.replace("@", "%40") not in text, f"{field} leaked (encoded) at {url}"


def test_no_personal_data_on_public_surfaces(client, catalogue):  # noqa: F811
    town = catalogue.towns[0]
    support_request(town, **SECRETS)
    urls = []
    for lang in ("fr", "en"):
        urls += [
            localized_url("home", lang),
            localized_url("towns:town_detail", lang, insee_code=town.insee_code),
            localized_url("towns:town_list", lang) + "?scope=all",
            localized_url("towns:intercommunality_detail", lang, siren=town.intercommunality.siren),
            localized_url("projects:factsheet_list", lang),
            localized_url("projects:factsheet_detail", lang, slug=catalogue.care.slug),
            localized_url("missions:mission_list", lang),
            localized_url("data_catalogue", lang),
            localized_url("support:request_sent", lang),
        ]
    urls += ["/robots.txt", "/sitemap.xml", "/api/v1/", "/api/v1/catalogue/", "/api/v1/schema/"]
    seen = set()
    while urls:
        url = urls.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url, HTTP_ACCEPT="application/json" if url.startswith("/api/") else "text/html")
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        _assert_clean(url, body)
        if url == "/sitemap.xml":  # every section of the sitemap, and every address they list on this site
            for section in re.findall(rb"<loc>https?://[^/]+(/sitemap-[^<]+)</loc>", body):
                urls.append(section.decode())
        elif url.startswith("/sitemap-"):
            for page in re.findall(rb"<loc>https?://[^/]+(/[^<]*)</loc>", body)[:40]:
                urls.append(page.decode())
        elif url == "/api/v1/":  # the API root lists every resource: each list endpoint, then its first record
            import json

            for endpoint in json.loads(body).values():
                path = re.sub(r"^https?://[^/]+", "", endpoint)
                urls.append(path + "?town=" + town.insee_code if "support" in path else path)
    assert any(u.startswith("/sitemap-") for u in seen)
    assert len([u for u in seen if u.startswith("/api/v1/") and u.count("/") >= 4]) >= 5
    assert not any("support-request" in u or "supportrequest" in u for u in seen)


def test_no_personal_data_in_a_factsheet_pdf(catalogue):  # noqa: F811
    town = catalogue.towns[0]  # the factsheet names this town
    support_request(town, **SECRETS)
    kind = registry.get("factsheet")
    for lang in ("fr", "en"):
        html = services.document_html(kind=kind, obj=catalogue.care, language=lang)
        assert town.name in html
        _assert_clean(f"factsheet html {lang}", html.encode())
    rendered = pdf_render(services.document_html(kind=kind, obj=catalogue.care, language="fr"))
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(rendered.data)).pages)
    assert catalogue.care.title_fr.split()[0] in text
    _assert_clean("factsheet pdf", text.encode())


def test_admin_requires_login_for_requests(client, catalogue):  # noqa: F811
    support_request(catalogue.towns[0], **SECRETS)
    response = client.get(reverse("admin:support_supportrequest_changelist"))
    assert response.status_code == 302
    _assert_clean("admin redirect", response.content)
