"""The issue's journey on the real data, in Debian's Chromium: from the home page, find Givet, open its diagnostic,
download its PDF in French and in English (text extracted and checked), ask the MOT for support and find the
request in the admin as a staff user; the same request with a bad e-mail address shows the field's error and
stores nothing."""

import io
import re

import pytest
from django.core.cache import caches
from pypdf import PdfReader

from mot_portal.celery import app
from support.models import SupportRequest
from tests.conftest import CONTENT_FILE, DATA_DIR
from towns.models import Town
from towns.selectors import town_nearest_localities
from towns.services import content_load, towns_import

pytestmark = pytest.mark.django_db(transaction=True)

GIVET = "08190"


@pytest.fixture
def real_towns(settings):
    """The real communes, borders and localities (and the curated areas and partners), rendering in this process:
    the PDFs and the e-mails are the real ones, without a worker (the worker pipeline has its own tests)."""
    towns_import(data_dir=DATA_DIR)
    content_load(path=CONTENT_FILE)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SUPPORT_REQUEST_RECIPIENTS = ["appui@example.org"]
    # Read before the settings change: Celery loads its configuration from the settings lazily, on first use.
    previous = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    caches["throttle"].clear()
    yield
    app.conf.task_always_eager = previous


def _pdf_text(page, href: str) -> str:
    response = page.request.get(href)
    assert response.status == 200, href
    assert response.headers["content-type"] == "application/pdf"
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)


def _fill(page, email: str) -> None:
    page.get_by_label("Organisme").fill("Mairie")
    page.get_by_label("Votre fonction").fill("Chargée de mission")
    page.get_by_label("Votre nom").fill("Camille Essai")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Votre besoin").fill("Un projet de santé avec nos voisins belges.")
    page.get_by_label("J'accepte d'être contacté").check()


def test_find_givet_read_its_diagnostic_download_it_and_ask_the_mot(live_server, page, real_towns, django_user_model):
    givet = Town.objects.get(insee_code=GIVET)
    belgium_km = givet.border_distances["BE"]
    locality = town_nearest_localities(town=givet)[0]

    # The home page's box: Givet is the only commune of that name, so the search opens its page.
    page.goto(f"{live_server.url}/fr/")
    page.locator("#find-town-home").fill("Givet")
    page.locator("#find-town-home").press("Enter")
    page.wait_for_url(f"**/fr/communes/{GIVET}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Givet")

    # Its diagnostic, from the town page's "what to do next".
    page.locator(f"a[href$='/communes/{GIVET}/diagnostic/']").first.click()
    page.wait_for_url(f"**/fr/communes/{GIVET}/diagnostic/")
    body = page.locator("main").inner_text()
    assert "Belgique" in body
    assert locality.name in body

    # The PDF in both languages: the town, Belgium with its distance, a locality across the border.
    texts = {}
    for lang in ("fr", "en"):
        href = page.locator(f".pdf-links a[hreflang='{lang}']").get_attribute("href")
        texts[lang] = _pdf_text(page, f"{live_server.url}{href}")
    french_km = f"{belgium_km:.1f}".replace(".", ",")
    assert "Givet" in texts["fr"]
    assert re.search(rf"Belgique\D{{0,40}}{re.escape(french_km)}\s*km", texts["fr"]), texts["fr"][:2000]
    assert "Givet" in texts["en"]
    assert re.search(rf"Belgium\D{{0,40}}{re.escape(f'{belgium_km:.1f}')}\s*km", texts["en"]), texts["en"][:2000]
    for text in texts.values():
        assert locality.name in text

    # Ask the MOT, from the diagnostic: the form knows the town already.
    page.locator("a[href*='?town=08190']").first.click()
    assert page.locator("#id_town").input_value().startswith("Givet")

    # A bad e-mail address: the field's error, and nothing stored.
    _fill(page, "camille-at-example")
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_load_state()
    assert "Adresse e-mail" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Adresse e-mail").get_attribute("aria-invalid") == "true"
    assert SupportRequest.objects.count() == 0

    # Corrected, it is sent.
    page.get_by_label("Adresse e-mail").fill("camille@example.org")
    if not page.get_by_label("J'accepte d'être contacté").is_checked():
        page.get_by_label("J'accepte d'être contacté").check()
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_url("**/fr/demander-un-appui/envoye/")
    request = SupportRequest.objects.get()
    assert request.town == givet
    assert request.status == SupportRequest.State.NEW

    # Staff see it in the admin.
    django_user_model.objects.create_superuser("triage", "triage@example.org", "a-long-test-password-9")
    page.goto(f"{live_server.url}/fr/admin/support/supportrequest/")
    page.get_by_label("Nom d’utilisateur").fill("triage")
    page.get_by_label("Mot de passe").fill("a-long-test-password-9")
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/admin/support/supportrequest/")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert "Givet" in rows.first.inner_text()
