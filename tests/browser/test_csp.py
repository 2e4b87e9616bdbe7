"""In Chromium, the pages run under the Content-Security-Policy without a single violation (issue 11): every script
and style they need is allowed, nothing inline is silently dropped (the Swagger UI and ReDoc pages included)."""

import pytest

from mot_portal.publishing import Status, status_change
from projects.models import Booklet, BookletEntry

pytestmark = pytest.mark.django_db(transaction=True)


# ReDoc's bundle shows Redocly's logo from their CDN (no option turns it off): the policy blocks it, and ReDoc
# hides the image when it fails to load. The one thing the policy may refuse, because it must.
REDOCLY_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


def test_no_csp_violation_on_public_pages_api_docs_and_admin(live_server, browser, missions, staff_reviewer):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    outside = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith((live_server.url, "data:", "blob:")) else None,
    )
    booklet = Booklet.objects.create(slug="livret", title_fr="Le livret")
    BookletEntry.objects.create(booklet=booklet, factsheet=missions.care, position=1)
    status_change(obj=booklet, status=Status.PUBLISHED)
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text and REDOCLY_LOGO not in message.text
            else None
        ),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI))"
    )
    for path, ready in [
        ("/fr/", "main"),
        ("/en/factsheets/maison-de-sante/", "main"),
        ("/en/missions/mission-flash/", "main"),
        ("/en/work-programme/2025/", "main"),
        ("/en/no-such-page/", "main"),
        ("/api/v1/", ".response-info"),
        ("/api/v1/docs/", ".swagger-ui .info"),  # rendered by the init script: it ran
        ("/api/v1/redoc/", "[role=search], .api-content"),  # rendered by ReDoc
        ("/en/admin/login/", "#login-form"),
    ]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_selector(ready, timeout=20_000)
        page.wait_for_load_state("networkidle")
    page.fill("#id_username", "reviewer")  # the factsheet is published: reviewers edit it
    page.fill("#id_password", "a-long-test-password-3")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/en/admin/projects/factsheet/{missions.care.pk}/change/")
    page.wait_for_selector(".ui-tabs-nav", timeout=20_000)  # modeltranslation's tabs: jQuery UI ran
    page.wait_for_load_state("networkidle")
    context.close()
    assert violations == []
    assert set(outside) <= {REDOCLY_LOGO}
