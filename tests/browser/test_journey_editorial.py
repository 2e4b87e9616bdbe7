"""The editorial journey of issue 14, in a real browser: an editor writes a factsheet with the rich-text editor
(bold, a list, a link, two paragraphs) and submits it; a reviewer sends it back with a comment; the editor fixes it
and submits it again; the reviewer publishes it. The public page and both PDFs show the formatting; the history
shows the four steps and the differences; restoring the first version brings its text back on the page and in the
PDF. The clicks and the time are counted and printed (the closing note reports them)."""

import io
import time

import pytest
from django.core import mail
from django.utils import translation
from pypdf import PdfReader

from editorial.models import WorkflowEvent
from mot_portal.celery import app
from mot_portal.publishing import Status
from projects.models import Factsheet
from tests.browser.editor import type_in_prose_editor

pytestmark = pytest.mark.django_db(transaction=True)

FIRST = "La passerelle relie les deux rives depuis le printemps."
SECOND = "Les habitants la traversent pour aller au marché."
SECOND_FIXED = "Les habitants des deux pays la traversent chaque samedi pour aller au marché."
BOLD = "Un projet commun"
BULLETS = ["Une étude partagée", "Un comité de suivi"]
LINK = ("le site du projet", "https://example.org/passerelle")


class Journey:
    """The browser pages of the journey, counting the clicks (and the form fills) each person makes."""

    def __init__(self, browser, live_server):
        self.browser, self.url, self.clicks, self.started = browser, live_server.url, 0, time.monotonic()

    def person(self, username: str, password: str):
        context = self.browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        page = context.new_page()
        page.goto(f"{self.url}/fr/admin/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        self.click(page.locator("input[type=submit]"), navigates=True, page=page)
        return page

    def click(self, locator, *, navigates: bool = False, page=None) -> None:
        self.clicks += 1
        if navigates:
            with page.expect_navigation():
                locator.click()
        else:
            locator.click()


@pytest.fixture
def eager(settings):
    """The PDFs render in this process (as on the embedded default), even where a broker is configured (CI): the
    worker pipeline has its own tests. Celery's flag is read before the settings change (it loads lazily)."""
    previous = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.EDITORIAL_REVIEW_RECIPIENTS = []
    yield
    app.conf.task_always_eager = previous


def _pdf(page, href: str) -> PdfReader:
    response = page.request.get(href)
    assert response.status == 200, href
    assert response.headers["content-type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.body()))


def _pdf_text(reader: PdfReader) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


def _bold_runs(reader: PdfReader) -> str:
    """The text the PDF draws in a bold font."""
    runs = []

    def visit(text, cm, tm, font, size):
        if font and "bold" in str(font.get("/BaseFont", "")).lower():
            runs.append(text)

    for p in reader.pages:
        p.extract_text(visitor_text=visit)
    return " ".join("".join(runs).split())


def _links(reader: PdfReader) -> set[str]:
    found = set()
    for p in reader.pages:
        for annotation in p.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action and "/URI" in action:
                found.add(str(action["/URI"]))
    return found


def _submit(journey, page, target: str, comment: str = "") -> None:
    if comment:
        page.fill("#id__transition_comment", comment)
    journey.click(page.locator(f'button[name="_transition"][value="{target}"]'), navigates=True, page=page)
    page.wait_for_selector(".messagelist .success")


def test_write_review_send_back_fix_publish_compare_and_restore(
    live_server, browser, eager, staff_editor, staff_reviewer, catalogue
):
    staff_editor.email = "autrice@example.org"
    staff_editor.save()
    journey = Journey(browser, live_server)

    # 1. The editor writes the factsheet with the editor's toolbar, saves it and submits it.
    editor = journey.person("editor", "a-long-test-password-1")
    editor.goto(f"{journey.url}/fr/admin/projects/factsheet/add/")
    editor.fill("#id_title_fr", "Une passerelle entre deux rives")
    type_in_prose_editor(editor, "id_summary_fr", paragraphs=[FIRST, SECOND], bold=BOLD, bullets=BULLETS, link=LINK)
    journey.clicks += 2 + 1 + 1 + 3  # the toolbar: bold on and off, the list, the link button and its dialog
    journey.click(editor.locator('input[name="_continue"]'), navigates=True, page=editor)
    assert editor.locator(".errornote").count() == 0, editor.locator(".errorlist").all_inner_texts()
    factsheet = Factsheet.objects.get(slug="une-passerelle-entre-deux-rives")  # the address made from the title
    stored = factsheet.summary_fr
    assert f"<p>{FIRST}</p><p>{SECOND}</p>" in stored
    assert f"<strong>{BOLD}</strong>" in stored
    assert "<ul><li><p>Une étude partagée</p></li>" in stored or "<ul><li>Une étude partagée</li>" in stored
    assert f'<a href="{LINK[1]}"' in stored
    _submit(journey, editor, "in_review", "Prête pour la relecture.")
    assert Factsheet.objects.get(pk=factsheet.pk).status == Status.IN_REVIEW
    # Only a reviewer publishes: the editor has no such button.
    assert editor.locator('button[name="_transition"][value="published"]').count() == 0

    # 2. The reviewer sends it back with a comment; the author is told.
    reviewer = journey.person("reviewer", "a-long-test-password-3")
    change = f"{journey.url}/fr/admin/projects/factsheet/{factsheet.pk}/change/"
    reviewer.goto(change)
    _submit(journey, reviewer, "draft", "Précisez qui traverse la passerelle.")
    assert Factsheet.objects.get(pk=factsheet.pk).status == Status.DRAFT
    assert mail.outbox[-1].to == ["autrice@example.org"]
    assert "Précisez qui traverse la passerelle." in mail.outbox[-1].body

    # 3. The editor reads the comment on the form, fixes the text and submits again (one click: saves, submits).
    editor.goto(change)
    assert "Précisez qui traverse la passerelle." in editor.locator(".workflow-events").inner_text()
    type_in_prose_editor(
        editor, "id_summary_fr", paragraphs=[FIRST, SECOND_FIXED], bold=BOLD, bullets=BULLETS, link=LINK
    )
    journey.clicks += 2 + 1 + 1 + 3
    _submit(journey, editor, "in_review")
    assert SECOND_FIXED in Factsheet.objects.get(pk=factsheet.pk).summary_fr

    # 4. The reviewer publishes.
    reviewer.goto(change)
    _submit(journey, reviewer, "published")
    assert Factsheet.objects.get(pk=factsheet.pk).status == Status.PUBLISHED
    elapsed = time.monotonic() - journey.started
    print(f"\nEditorial journey (write, submit, send back, fix, publish): {journey.clicks} clicks, {elapsed:.1f} s")

    # The public page and both PDFs show the formatting.
    with translation.override("fr"):
        public = f"{journey.url}{Factsheet.objects.get(pk=factsheet.pk).get_absolute_url()}"
    visitor = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR").new_page()
    visitor.goto(public)
    lead = visitor.locator(".lead")
    assert lead.locator("strong", has_text=BOLD).count() == 1
    assert lead.locator("ul li").count() == 2
    assert lead.locator(f'a[href="{LINK[1]}"]').count() == 1
    assert lead.locator("p", has_text=SECOND_FIXED).count() == 1
    pdfs = {}
    for lang in ("fr", "en"):
        href = visitor.locator(f".pdf-links a[hreflang='{lang}']").get_attribute("href")
        pdfs[lang] = reader = _pdf(visitor, f"{journey.url}{href}")
        text = _pdf_text(reader)
        assert SECOND_FIXED in text, lang
        assert "Une étude partagée" in text
        assert BOLD in _bold_runs(reader), lang
        assert LINK[1] in _links(reader), lang

    # The history: the four steps with their comments, and the differences of the fix.
    reviewer.goto(f"{journey.url}/fr/admin/history/projects/factsheet/{factsheet.pk}/")
    history = reviewer.locator(".history-table").inner_text()
    for words in ("Soumettre à la relecture", "Prête pour la relecture.", "Renvoyer à l'auteur", "Publier"):
        assert words in history, words
    assert history.count("Soumettre à la relecture") == 2
    steps = list(
        WorkflowEvent.objects.filter(object_id=factsheet.pk).order_by("pk").values_list("to_status", flat=True)
    )
    assert steps == ["in_review", "draft", "in_review", "published"]
    rows = reviewer.locator(".history-table tbody tr")
    fix_row = rows.filter(has_text="Soumettre à la relecture").first  # newest first: the second submission
    journey.click(
        fix_row.get_by_role("link", name="Différences avec la version précédente"), navigates=True, page=reviewer
    )
    compare = reviewer.locator("#content-main").inner_text()
    assert "chaque samedi" in compare
    assert reviewer.locator("ins", has_text="chaque").count() >= 1

    # Restore the first submitted version: its text is back on the page and in the PDF; the record stays published.
    reviewer.goto(f"{journey.url}/fr/admin/history/projects/factsheet/{factsheet.pk}/")
    first_row = reviewer.locator(".history-table tbody tr").filter(has_text="Prête pour la relecture.")
    journey.click(first_row.locator("a.history-restore"), navigates=True, page=reviewer)
    journey.click(reviewer.locator('input[type="submit"].default'), navigates=True, page=reviewer)
    restored = Factsheet.objects.get(pk=factsheet.pk)
    assert f"<p>{SECOND}</p>" in restored.summary_fr
    assert restored.status == Status.PUBLISHED
    visitor.goto(public)
    assert visitor.locator(".lead p", has_text=SECOND).count() == 1
    assert "chaque samedi" not in visitor.locator(".lead").inner_text()
    href = visitor.locator(".pdf-links a[hreflang='fr']").get_attribute("href")
    text = _pdf_text(_pdf(visitor, f"{journey.url}{href}"))
    assert SECOND in text
    assert "chaque samedi" not in text
