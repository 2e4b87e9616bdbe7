"""axe on every page type of the accessibility statement (support/accessibility.py: the same list), in French and
English, at a desktop and a phone width: no violation. The statement's axe version is the vendored file's."""

from pathlib import Path

import pytest
from django.utils import translation

from support import accessibility as a11y
from tests.factories import CrossBorderAreaFactory
from tests.support.fixtures import offer  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def test_the_statement_names_the_vendored_axe_version():
    assert AXE.read_text(encoding="utf-8").startswith(f"/*! axe v{a11y.AXE_VERSION}\n")


@pytest.mark.parametrize("width", a11y.VIEWPORTS)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_axe_finds_no_violation_on_any_page_type(live_server, browser, missions, offer, lang, width):  # noqa: F811
    CrossBorderAreaFactory()
    with translation.override(lang):
        pages = a11y.tested_pages()
    assert {p.url_name for p in pages} == {t.url_name for t in a11y.PAGE_TYPES}
    context = browser.new_context(viewport={"width": width, "height": 900}, locale=f"{lang}-FR")
    page = context.new_page()
    axe = AXE.read_text(encoding="utf-8")
    failures = {}
    try:
        for tested in pages:
            response = page.goto(f"{live_server.url}{tested.url}")
            assert response.status == 200, tested.url
            # Evaluated through the DevTools protocol: the page's CSP refuses an added script tag, rightly.
            page.evaluate(axe)
            result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
            violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
            if violations:
                failures[tested.url] = violations
    finally:
        context.close()
    assert failures == {}
