"""In Chromium, staff write a factsheet's summary with the admin's rich-text editor (issue 14 §1): two paragraphs,
bold, a bullet list and a link, typed and made with the toolbar; the stored HTML has them, under the admin's
Content-Security-Policy without a single violation; pasted plain text becomes paragraphs."""

import pytest

from projects.models import Factsheet
from tests.browser.editor import type_in_prose_editor

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/fr/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_selector("#content-main")


@pytest.fixture
def csp_violations(page):
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda error: violations.append(f"page error: {error}"))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI))"
    )
    return violations


def test_staff_write_a_summary_with_the_editor(live_server, page, staff_editor, csp_violations):
    log_in(page, live_server, "editor", "a-long-test-password-1")
    page.goto(f"{live_server.url}/fr/admin/projects/factsheet/add/")
    page.fill("#id_slug", "passerelle")  # first: the slug typed by hand is not prepopulated from the title
    page.fill("#id_title_fr", "Passerelle transfrontalière")
    type_in_prose_editor(
        page,
        "id_summary_fr",
        paragraphs=["Une passerelle entre deux villes.", "Elle ouvre en 2026."],
        bold="Piétons et vélos",
        bullets=["Étude", "Travaux"],
        link=("le site du projet", "https://example.org/passerelle"),
    )
    type_in_prose_editor(page, "id_summary_en", paragraphs=["A footbridge.", "It opens in 2026."])
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")

    summary = Factsheet.objects.get(slug="passerelle").summary_fr
    assert summary.startswith("<p>Une passerelle entre deux villes.</p><p>Elle ouvre en 2026.</p>")
    assert "<strong>Piétons et vélos</strong>" in summary
    assert "<ul><li><p>Étude</p></li><li><p>Travaux</p></li></ul>" in summary
    assert '<a href="https://example.org/passerelle"' in summary
    assert ">le site du projet</a>" in summary
    assert Factsheet.objects.get(slug="passerelle").summary_en == "<p>A footbridge.</p><p>It opens in 2026.</p>"
    assert csp_violations == []


def test_pasted_plain_text_becomes_paragraphs(live_server, page, staff_editor, csp_violations):
    log_in(page, live_server, "editor", "a-long-test-password-1")
    page.goto(f"{live_server.url}/fr/admin/projects/factsheet/add/")
    content = page.locator('.prose-editor:has(> #id_objectives_fr) [contenteditable="true"]')
    content.click()
    content.evaluate(
        """(element, text) => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            element.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        "Premier objectif.\n\nSecond objectif.",
    )
    assert page.locator("#id_objectives_fr").input_value() == "<p>Premier objectif.</p><p>Second objectif.</p>"
    assert csp_violations == []
