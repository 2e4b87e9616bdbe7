"""PDF documents, in process: content, metadata, table of contents, idempotence, security, failure, downloads."""

import base64
import dataclasses
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import TemplateSyntaxError
from pypdf import PdfReader

from missions.models import Roadmap
from mot_portal.documents import registry, selectors, services
from mot_portal.documents.models import StoredDocument
from mot_portal.documents.rendering import pdf_render
from mot_portal.documents.services import document_render, document_request, documents_refresh
from mot_portal.publishing import Status, status_change
from projects.models import Factsheet
from projects.services import factsheet_update

pytestmark = pytest.mark.django_db

State = StoredDocument.State


def _render(kind: str, object_id: int, language: str) -> StoredDocument:
    """Request a document and run its rendering here (the task's service), whatever the broker."""
    document = document_request(kind=kind, object_id=object_id, language=language)
    return document_render(document_id=document.pk)


def _pdf(document: StoredDocument) -> PdfReader:
    with document.file.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def _structure(node, role: str, found=None) -> list:
    """The structure elements of ``role`` under ``node`` (the tagged PDF's logical tree)."""
    found = [] if found is None else found
    node = node.get_object()
    if isinstance(node, dict):
        if node.get("/S") == role:
            found.append(node)
        kids = node.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object") or isinstance(kid, dict):
                _structure(kid, role, found)
    return found


def contents_entries(pages: list[str], heading: str = "Contents") -> list[tuple[str, int]]:
    """The table of contents' entries, each checked to give the page where its section starts."""
    contents_page = next(i for i, page in enumerate(pages) if heading in page)
    entries = re.findall(r"^(.*?)\s*(?:\.\s)+\.?\s*(\d+)\s*$", pages[contents_page], re.M)  # "Title . . . 3"
    for title, number in entries:
        title = title.strip(" .")
        section = next(i for i, page in enumerate(pages) if i > contents_page and title in page)
        assert section + 1 == int(number), (title, number)
    return entries


def _text(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def _photo() -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.linear_gradient("L").resize((2400, 1600)).convert("RGB").save(buffer, format="JPEG")
    return SimpleUploadedFile("health-centre.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_booklet_in_english_with_contents_pages_and_metadata(catalogue):
    fields = {"photo": _photo(), "photo_caption_en": "The health centre", "photo_credit": "Test photo"}
    factsheet_update(factsheet=catalogue.care, fields=fields)
    document = _render("booklet", catalogue.booklet.pk, "en")
    assert document.status == State.READY
    reader = _pdf(document)
    pages = _text(reader)
    assert document.page_count == len(reader.pages)
    text = "\n".join(pages)
    # The published factsheets, in English where translated; the draft is left out.
    assert "Cross-border health centre" in text
    assert "Covoiturage des travailleurs frontaliers" in text  # no English title: the French one, marked
    assert "(in French)" in text
    assert "Secret draft" not in text
    assert "Brouillon secret" not in text
    assert len(contents_entries(pages)) == 2
    # Running footer "page X / Y".
    assert f"2 / {len(pages)}" in pages[1]
    # Metadata and structure.
    assert reader.metadata.title == "The booklet"
    assert "MOT" in reader.metadata.author
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en"
    assert bool(catalog["/MarkInfo"]["/Marked"])  # a tagged PDF
    assert "/StructTreeRoot" in catalog
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    assert 'pdfuaid:part="1"' in catalog["/Metadata"].get_object().get_data().decode()
    figures = _structure(catalog["/StructTreeRoot"], "/Figure")
    assert figures  # the photo
    assert all(figure.get("/Alt") for figure in figures)  # each with its text alternative
    assert "© Test photo" in text  # under the photo, and in the credits
    assert len([page for page in pages if "Photo credits" in page]) == 1
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Cross-border health centre" in outline
    assert "Covoiturage des travailleurs frontaliers" in outline
    # Every font is the shipped one ("Portal Sans", from static/fonts), embedded in the file.
    fonts = [font.get_object() for page in reader.pages for font in page["/Resources"]["/Font"].values()]
    assert fonts
    for font in fonts:
        assert "Portal-Sans" in str(font["/BaseFont"])
        descriptor = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font)[
            "/FontDescriptor"
        ]
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys())


def test_factsheet_document_in_french(catalogue):
    document = _render("factsheet", catalogue.care.pk, "fr")
    reader = _pdf(document)
    text = "\n".join(_text(reader))
    assert "Maison de santé transfrontalière" in text
    assert "Réduire les distances vers les hôpitaux." in text
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert document.page_count <= 2


def test_unchanged_content_renders_once_and_an_edit_once_more(catalogue, django_capture_on_commit_callbacks):
    first = _render("factsheet", catalogue.care.pk, "en")
    assert first.render_count == 1
    again = document_request(kind="factsheet", object_id=catalogue.care.pk, language="en")
    assert again.status == State.READY
    document_render(document_id=again.pk)
    assert StoredDocument.objects.get(pk=first.pk).render_count == 1  # same content: nothing rendered
    with django_capture_on_commit_callbacks() as callbacks:
        factsheet_update(factsheet=catalogue.care, fields={"title_en": "Cross-border health centre, extended"})
    assert len(callbacks) == 1  # the edit hands its changes over once, after commit
    # What the queued task runs (a real worker runs it in test_documents_worker.py).
    (refreshed,) = documents_refresh(pairs=[("factsheet", catalogue.care.pk)])
    assert refreshed.status == State.QUEUED
    document_render(document_id=refreshed.pk)
    document = StoredDocument.objects.get(pk=first.pk)
    assert document.render_count == 2
    assert "extended" in "\n".join(_text(_pdf(document)))
    factsheet_update(factsheet=catalogue.care)  # saved again, unchanged
    assert documents_refresh(pairs=[("factsheet", catalogue.care.pk)])[0].status == State.READY
    assert StoredDocument.objects.get(pk=first.pk).render_count == 2


def test_drafts_have_no_document(client, catalogue):
    with pytest.raises(registry.DocumentUnavailable):
        document_request(kind="factsheet", object_id=catalogue.draft.pk, language="fr")
    assert client.get("/fr/documents/factsheet/brouillon-secret/fr/").status_code == 404
    assert client.get("/api/v1/factsheets/brouillon-secret/pdf/fr/").status_code == 404
    assert client.get("/api/v1/booklets/livret-brouillon/pdf/en/").status_code == 404
    # Asked for as a PDF, the refusal is still JSON (not an error body labelled application/pdf).
    for asked in ({"format": "pdf"}, {"HTTP_ACCEPT": "application/pdf"}):
        query, headers = ({"format": "pdf"}, {}) if "format" in asked else ({}, asked)
        refused = client.get("/api/v1/factsheets/brouillon-secret/pdf/fr/", query, **headers)
        assert refused.status_code == 404
        assert refused["Content-Type"] == "application/json"
        assert "detail" in refused.json()
    # Unpublishing keeps a stored file out of reach.
    _render("factsheet", catalogue.care.pk, "fr")
    status_change(obj=catalogue.care, status=Status.DRAFT)
    assert client.get("/fr/documents/factsheet/maison-de-sante/fr/").status_code == 404


def test_download_with_file_name_etag_and_conditional_get(client, catalogue):
    _render("booklet", catalogue.booklet.pk, "fr")
    response = client.get("/en/documents/booklet/livret/fr/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="booklet-livret-fr.pdf"'
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF") and body.rstrip().endswith(b"%%EOF")  # noqa: PT018
    etag = response["ETag"]
    assert client.get("/en/documents/booklet/livret/fr/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    api = client.get("/api/v1/booklets/livret/pdf/fr/")
    assert api.status_code == 200
    assert api["ETag"] == etag


def test_unknown_language_is_400_in_the_api_and_404_on_pages(client, catalogue):
    response = client.get("/api/v1/booklets/livret/pdf/de/")
    assert response.status_code == 400
    assert "language" in response.json()
    assert client.get("/en/documents/booklet/livret/de/").status_code == 404


def test_a_queued_document_answers_202_with_retry_after(client, catalogue):
    document = document_request(kind="booklet", object_id=catalogue.booklet.pk, language="en")
    # Whatever ran it, put it back in the queue as a worker would find it: the request must not render.
    StoredDocument.objects.filter(pk=document.pk).update(status=State.QUEUED, file="", rendered_hash="")
    response = client.get("/api/v1/booklets/livret/pdf/en/")
    assert response.status_code == 202
    assert response["Retry-After"] == "3"
    assert response.json()["status"] == "queued"
    page = client.get("/en/documents/booklet/livret/en/")
    assert page.status_code == 202
    html = page.content.decode()
    assert '<meta http-equiv="refresh" content="3">' in html
    assert "queued for rendering" in html


def test_a_template_error_marks_the_document_failed_and_says_so(client, catalogue, monkeypatch):
    broken = dataclasses.replace(registry.get("factsheet"), template="pdf/broken.html")
    monkeypatch.setitem(registry._kinds, "factsheet", broken)
    document = StoredDocument.objects.create(kind="factsheet", object_id=catalogue.care.pk, language="en")
    from mot_portal.documents.tasks import render_document

    result = render_document.apply(args=[document.pk])
    assert result.successful()  # handled: a template error is not retried
    document.refresh_from_db()
    assert document.status == State.FAILED
    assert "TemplateDoesNotExist" in document.error or "TemplateSyntaxError" in document.error
    assert document.attempts == 1
    page = client.get("/en/documents/factsheet/maison-de-sante/en/")
    assert page.status_code == 503
    assert "could not be made" in page.content.decode()
    api = client.get("/api/v1/factsheets/maison-de-sante/pdf/en/")
    assert (api.status_code, api.json()["status"]) == (503, "failed")


def test_a_syntax_error_in_a_template_is_caught_too(catalogue, monkeypatch):
    def broken_html(**kwargs):
        raise TemplateSyntaxError("Invalid block tag on line 3: 'endfor'")

    monkeypatch.setattr(services, "document_html", broken_html)
    document = StoredDocument.objects.create(kind="booklet", object_id=catalogue.booklet.pk, language="fr")
    failed = document_render(document_id=document.pk)
    assert (failed.status, failed.error) == (State.FAILED, "TemplateSyntaxError: Invalid block tag on line 3: 'endfor'")


def test_the_url_fetcher_reads_only_project_files(settings, tmp_path):
    from PIL import Image

    secret = tmp_path / "secret.txt"  # outside the static and media roots
    secret.write_text("top secret")
    media = settings.MEDIA_ROOT
    media.mkdir(parents=True, exist_ok=True)
    allowed = media / "photo.png"
    Image.new("RGB", (40, 30), "red").save(allowed)
    big = base64.b64encode(b"\x89PNG" + b"0" * 40_000).decode()
    html = f"""<html lang="en"><head><title>Probe</title>
      <link rel="attachment" href="file:///etc/hostname">
      <link rel="attachment" href="{secret.as_uri()}">
      <style>body {{ background: url("file:///etc/passwd"); }}
        p {{ background: url("../../../../../../etc/hostname"); }}</style>
      </head><body><p>Probe</p>
      <img src="file:///etc/passwd" alt=""><img src="http://127.0.0.1:9/remote.png" alt="">
      <img src="https://example.org/remote.png" alt=""><img src="{secret.as_uri()}" alt="">
      <img src="data:image/png;base64,{big}" alt="">
      <img src="{allowed.as_uri()}" alt="">
      </body></html>"""
    rendered = pdf_render(html)
    refused = set(rendered.refused)
    assert {"file:///etc/passwd", "file:///etc/hostname", "http://127.0.0.1:9/remote.png"} <= refused
    assert {"https://example.org/remote.png", secret.as_uri()} <= refused
    assert any(url.startswith("data:image/png") for url in refused)  # over the size allowed inline
    assert allowed.as_uri() not in refused
    reader = PdfReader(io.BytesIO(rendered.data))
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
    assert b"top secret" not in rendered.data
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 1  # only the project's own photo


def test_admin_lists_documents_and_renders_them_again(client, staff_editor, staff_viewer, catalogue):
    client.force_login(staff_editor)
    client.post(
        "/en/admin/projects/booklet/",
        {"action": "render_documents", "_selected_action": [catalogue.booklet.pk, catalogue.draft_booklet.pk]},
    )
    documents_ = StoredDocument.objects.filter(kind="booklet")
    assert set(documents_.values_list("object_id", "language")) == {
        (catalogue.booklet.pk, "fr"),
        (catalogue.booklet.pk, "en"),
    }  # the draft booklet has none
    listing = client.get("/en/admin/documents/storeddocument/")
    assert listing.status_code == 200
    assert "The booklet" in listing.content.decode()
    document = documents_.get(language="en")
    for pk in documents_.values_list("pk", flat=True):
        document_render(document_id=pk)  # what the queued tasks run
    count = StoredDocument.objects.get(pk=document.pk).render_count
    client.post("/en/admin/documents/storeddocument/", {"action": "render_again", "_selected_action": [document.pk]})
    document_render(document_id=document.pk, force=True)
    assert StoredDocument.objects.get(pk=document.pk).render_count == count + 1
    assert client.get(f"/en/admin/documents/storeddocument/{document.pk}/change/").status_code == 200
    client.force_login(staff_viewer)  # read only: no action
    client.post(
        "/en/admin/projects/factsheet/", {"action": "render_documents", "_selected_action": [catalogue.care.pk]}
    )
    assert not StoredDocument.objects.filter(kind="factsheet").exists()


def test_a_lost_render_is_queued_again_once_stale(catalogue, django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    document = StoredDocument.objects.create(
        kind="factsheet", object_id=catalogue.care.pk, language="fr", status=State.QUEUED, requested_at=timezone.now()
    )
    with django_capture_on_commit_callbacks() as callbacks:
        document_request(kind="factsheet", object_id=catalogue.care.pk, language="fr")  # content differs: queued
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks() as callbacks:
        document_request(kind="factsheet", object_id=catalogue.care.pk, language="fr")  # same content, queued
    assert callbacks == []
    assert selectors.pending_document(kind="factsheet", object_id=catalogue.care.pk, language="fr") is not None
    # Its message was lost (say the broker restarted): after twice the task time limit it is queued again.
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    StoredDocument.objects.filter(pk=document.pk).update(requested_at=long_ago)
    assert selectors.pending_document(kind="factsheet", object_id=catalogue.care.pk, language="fr") is None
    with django_capture_on_commit_callbacks() as callbacks:
        document_request(kind="factsheet", object_id=catalogue.care.pk, language="fr")
    assert len(callbacks) == 1


def test_roadmap_document_in_french_has_french_labels(missions):
    document = _render("roadmap", missions.flash.pk, "fr")
    text = "\n".join(_text(_pdf(document)))
    assert "Mission flash de test" in text
    assert "10–11 mai 2022" in text
    assert "Communal" in text  # competence levels, in French
    assert "Municipal" not in text
    assert "Santé" in text  # actions grouped by theme, in French
    assert "Ministère luxembourgeois" in text
    assert "Action de la version brouillon" not in text  # the draft version stays out
    assert document.page_count >= 1


def test_programme_document_has_codes_tokens_and_theme_index(missions):
    from workplan.models import Programme

    document = _render("programme", Programme.objects.get().pk, "en")
    text = "\n".join(_text(_pdf(document)))
    assert "3.1.1" in text
    assert "Token" in text
    assert "Theme index" in text
    assert "Cross-border Deal themes" in text


def test_the_download_path_applies_each_kinds_rule_of_what_is_public(client, missions):
    """A roadmap PDF is public while its mission and one of its roadmap versions are: unpublishing the version
    takes the ready file out of reach at once, before any refresh runs. Keys that name nothing are 404."""
    _render("roadmap", missions.flash.pk, "en")
    url = "/en/documents/roadmap/mission-flash/en/"
    assert client.get(url).status_code == 200
    Roadmap.objects.filter(mission=missions.flash).update(status=Status.DRAFT)  # no refresh has run yet
    assert StoredDocument.objects.get(kind="roadmap", language="en").status == State.READY
    assert client.get(url).status_code == 404
    for path in ("/en/documents/programme/99999999999/en/", "/en/documents/programme/20x5/en/"):
        assert client.get(path).status_code == 404


def test_a_document_withdrawn_while_it_renders_stays_withdrawn(catalogue, settings, monkeypatch):
    document = document_request(kind="factsheet", object_id=catalogue.care.pk, language="fr")
    StoredDocument.objects.filter(pk=document.pk).update(status=State.QUEUED, file="", rendered_hash="")
    layout = services.pdf_render

    def unpublished_meanwhile(html):
        rendered = layout(html)
        status_change(obj=Factsheet.objects.get(pk=catalogue.care.pk), status=Status.DRAFT)
        services.documents_withdraw(kind="factsheet", object_ids=[catalogue.care.pk])  # what the refresh runs
        return rendered

    monkeypatch.setattr(services, "pdf_render", unpublished_meanwhile)
    document_render(document_id=document.pk)
    withdrawn = StoredDocument.objects.get(pk=document.pk)
    assert (withdrawn.status, withdrawn.file.name) == (State.WITHDRAWN, "")
    folder = settings.MEDIA_ROOT / "documents" / "factsheet"
    assert not list(folder.glob("*.pdf"))  # the file just made is not left behind
