"""Sources and the original publication date on the public pages, in the API, the PDF, the sitemap and the feed;
the seed documents' file names (the staff-only internal reference and the old provenance field) never leave the
admin."""

import datetime
import json

import pytest
from django.utils import timezone

from editorial.models import Source
from mot_portal.documents import registry
from mot_portal.documents.services import document_html
from projects.models import Factsheet
from projects.services import factsheet_update
from tests.conftest import localized_url
from tests.factories import FactsheetFactory

pytestmark = pytest.mark.django_db

FILE_NAME = "000_b0d5d02b040f975c.txt"


@pytest.fixture
def sourced():
    source = Source.objects.create(
        title="Taking account of border towns in the national programme “Small Towns of Tomorrow”",
        publisher="Mission Opérationnelle Transfrontalière (MOT)",
        date=datetime.date(2021, 3, 1),
        date_precision="month",
        language="en",
        note_en="MOT news item.",
        note_fr="Actualité de la MOT.",
        internal_reference=FILE_NAME,
    )
    factsheet = FactsheetFactory(
        published=True,
        title_en="Cross-border car-sharing",
        summary_en="<p>Car-sharing across the border.</p>",
        source_document=f"{FILE_NAME} (MOT, March 2021)",
        first_published_on=datetime.date(2021, 3, 1),
        first_published_precision="month",
    )
    return factsheet_update(factsheet=factsheet, sources=[source])


@pytest.fixture
def unsourced():
    return FactsheetFactory(published=True, title_en="Without a source")


@pytest.mark.parametrize(("lang", "month"), [("fr", "mars 2021"), ("en", "March 2021")])
def test_the_page_cites_the_source_and_the_original_date_never_the_file(client, sourced, lang, month):
    html = client.get(localized_url("projects:factsheet_detail", lang, slug=sourced.slug)).content.decode()
    assert 'id="sources-title"' in html
    assert (
        '<cite lang="en">Taking account of border towns in the national programme “Small Towns of Tomorrow”</cite>'
        in html
    )
    assert f'<time datetime="2021-03-01">{month}</time>' in html
    # The portal's own date is labelled as such (today, not the document's).
    today = timezone.localdate().isoformat()
    assert f'<time datetime="{today}">' in html
    assert ".txt" not in html


def test_a_record_without_sources_has_no_sources_block_and_only_the_portal_date(client, unsourced):
    html = client.get(localized_url("projects:factsheet_detail", "en", slug=unsourced.slug)).content.decode()
    assert 'id="sources-title"' not in html
    assert "Originally published" not in html
    assert "On the portal since" in html


def test_the_api_adds_the_sources_and_first_published_on_and_keeps_source_document_public(client, sourced):
    response = client.get(f"/api/v1/factsheets/{sourced.slug}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    data = response.json()
    assert data["first_published_on"] == "2021-03-01"
    assert data["first_published_precision"] == "month"
    assert data["published_at"]  # unchanged: the portal's publication
    assert [s["title"] for s in data["sources"]] == [sourced.sources.get().title]
    assert data["sources"][0]["date"] == "2021-03-01"
    assert data["sources"][0]["date_precision"] == "month"
    assert data["sources"][0]["publisher"] == "Mission Opérationnelle Transfrontalière (MOT)"
    assert "internal_reference" not in data["sources"][0]
    assert data["source_document"].startswith("“Taking account of border towns")
    assert FILE_NAME not in response.content.decode()
    listing = client.get("/api/v1/factsheets/").content.decode()
    assert FILE_NAME not in listing
    assert '"first_published_on":"2021-03-01"' in listing.replace(" ", "")


def test_the_api_list_reads_the_sources_in_a_constant_number_of_queries(client, sourced, django_assert_max_num_queries):
    client.get("/api/v1/factsheets/")  # warm the caches of the first request (content types, versions)
    for _n in range(3):
        factsheet_update(factsheet=FactsheetFactory(published=True), sources=list(Source.objects.all()))
    with django_assert_max_num_queries(20) as captured:
        client.get("/api/v1/factsheets/?nocache=1")
    assert sum("editorial_source" in q["sql"] for q in captured.captured_queries) <= 1


@pytest.mark.parametrize(("lang", "month"), [("fr", "mars 2021"), ("en", "March 2021")])
def test_the_pdf_cites_the_source_and_the_original_date_never_the_file(sourced, unsourced, lang, month):
    kind = registry.get("factsheet")
    html = document_html(kind=kind, obj=Factsheet.objects.get(pk=sourced.pk), language=lang)
    assert '<cite lang="en">Taking account of border towns' in html
    assert month in html
    assert ".txt" not in html
    bare = document_html(kind=kind, obj=Factsheet.objects.get(pk=unsourced.pk), language=lang)
    assert 'id="sources-title"' not in bare


def test_sitemap_lastmod_and_feed_pubdate_give_the_original_publication(client, sourced, unsourced):
    sitemap = client.get("/sitemap-factsheets.xml").content.decode()
    entry = sitemap.split(f"/{sourced.slug}/")[1].split("</url>")[0]
    assert "<lastmod>2021-03-01</lastmod>" in entry
    unsourced_entry = sitemap.split(f"/{unsourced.slug}/")[1].split("</url>")[0]
    assert f"<lastmod>{timezone.localtime(unsourced.updated_at).date().isoformat()}</lastmod>" in unsourced_entry
    feed = client.get("/en/factsheets/feed/").content.decode()
    item = feed.split("<title>Cross-border car-sharing</title>")[1].split("</item>")[0]
    assert "<pubDate>Mon, 01 Mar 2021 00:00:00 +0000</pubDate>" in item


def test_an_edit_after_the_portal_published_it_is_the_sitemaps_lastmod(client, sourced):
    edited = sourced.published_at + datetime.timedelta(days=3)
    Factsheet.objects.filter(pk=sourced.pk).update(updated_at=edited)
    sitemap = client.get("/sitemap-factsheets.xml").content.decode()
    entry = sitemap.split(f"/{sourced.slug}/")[1].split("</url>")[0]
    assert f"<lastmod>{timezone.localtime(edited).date().isoformat()}</lastmod>" in entry


def test_the_admin_shows_the_internal_reference_to_staff_only(admin_client, client, sourced):
    source = sourced.sources.get()
    page = admin_client.get(f"/en/admin/editorial/source/{source.pk}/change/").content.decode()
    assert FILE_NAME in page
    listing = admin_client.get("/en/admin/editorial/source/?q=border").content.decode()
    assert "March 2021" in listing
    assert client.get(f"/en/admin/editorial/source/{source.pk}/change/").status_code == 302
    assert json.dumps(FILE_NAME) not in client.get("/api/v1/factsheets/").content.decode()


def test_correcting_a_source_refreshes_the_pdfs_and_pages_that_cite_it(client, sourced, unsourced, tasks):
    from editorial.sources import source_update
    from tests.documents import pdf_text, store

    store(("factsheet", sourced.pk), ("factsheet", unsourced.pk))
    page = localized_url("projects:factsheet_detail", "en", slug=sourced.slug)
    assert "Small Towns of Tomorrow" in client.get(page).content.decode()  # cached now
    with tasks() as log:
        source_update(source=sourced.sources.get(), fields={"title": "Border towns in Small Towns of Tomorrow"})
    assert ("factsheet", sourced.pk) in log.refreshed()
    assert ("factsheet", unsourced.pk) not in log.refreshed()
    assert "Border towns in Small Towns of Tomorrow" in pdf_text("factsheet", sourced.pk, "en")
    assert "Border towns in Small Towns of Tomorrow" in client.get(page).content.decode()
