"""The stored redirect of issue 11: a summary written by staff must never add attributes to ``<meta>`` (or any tag).

The attack: the summary ``<p>0;url=https://evil/" http-equiv="refresh" data-x="</p>`` passes the sanitiser (its
quotes are text); shown through ``rich|striptags`` (marked safe) in ``<meta name="description" content="…">`` it
closed the attribute and added ``http-equiv="refresh"``: every visitor was sent to https://evil/.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from mot_portal.documents import registry
from mot_portal.documents.services import document_html
from projects import services as projects_services
from tests.admin_forms import admin_form_data
from tests.conftest import localized_url
from tests.missions.fixtures import missions  # noqa: F401
from tests.projects.fixtures import catalogue  # noqa: F401

pytestmark = pytest.mark.django_db

ATTACK = '<p>0;url=https://evil/" http-equiv="refresh" data-x="</p>'
TEXT = '0;url=https://evil/" http-equiv="refresh" data-x="'
ESCAPED = "0;url=https://evil/&quot; http-equiv=&quot;refresh&quot; data-x=&quot;"


class _Tags(HTMLParser):
    """Every start tag of a page with its attributes, as a browser's tokenizer sees them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_not_injected(html: str, *, description: bool = True) -> None:
    tags = _Tags(html).tags
    injected = [(tag, attrs) for tag, attrs in tags if "http-equiv" in attrs or "data-x" in attrs]
    assert injected == []
    assert ESCAPED in html  # the text is still shown, escaped
    if description:
        (content,) = [attrs["content"] for tag, attrs in tags if tag == "meta" and attrs.get("name") == "description"]
        assert content == TEXT


def test_factsheet_summary_written_in_the_admin(client, staff_reviewer, catalogue):  # noqa: F811
    client.force_login(staff_reviewer)
    url = f"/fr/admin/projects/factsheet/{catalogue.care.pk}/change/"
    data = admin_form_data(client.get(url))
    data["summary_fr"] = ATTACK
    assert client.post(url, data).status_code == 302
    client.logout()

    assert_not_injected(client.get("/fr/fiches-projet/maison-de-sante/").content.decode())
    # The card of the list page shows the same text as an excerpt.
    assert_not_injected(client.get("/fr/fiches-projet/").content.decode(), description=False)
    kind = registry.get("factsheet")
    assert_not_injected(document_html(kind=kind, obj=kind.load(catalogue.care.pk), language="fr"))


def test_booklet_introduction_written_through_the_service(client, catalogue):  # noqa: F811
    projects_services.booklet_update(booklet=catalogue.booklet, fields={"introduction_fr": ATTACK})
    assert_not_injected(client.get(localized_url("projects:booklet_detail", "fr", slug="livret")).content.decode())


def test_mission_summary_written_in_the_admin(client, staff_reviewer, missions):  # noqa: F811
    client.force_login(staff_reviewer)
    url = f"/fr/admin/missions/mission/{missions.flash.pk}/change/"
    data = admin_form_data(client.get(url))
    data["summary_fr"] = ATTACK
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    client.logout()

    assert_not_injected(client.get("/fr/missions/mission-flash/").content.decode())
    assert_not_injected(client.get("/fr/missions/").content.decode(), description=False)
    kind = registry.get("roadmap")
    assert_not_injected(document_html(kind=kind, obj=kind.load(missions.flash.pk), language="fr"))


def test_plain_text_keeps_words_and_entities_readable(client, catalogue):  # noqa: F811
    projects_services.factsheet_update(
        factsheet=catalogue.care, fields={"summary_fr": "<p>Santé &amp; soins</p><p>« frontaliers »</p>"}
    )
    html = client.get("/fr/fiches-projet/maison-de-sante/").content.decode()
    # Paragraphs stay apart (the plain filter puts a space after each block).
    assert '<meta name="description" content="Santé &amp; soins « frontaliers »">' in html


def test_no_template_chains_a_filter_after_rich_or_puts_rich_text_in_an_attribute():
    """``rich`` is safe as element content only: a filter after it (``striptags``, ``truncatewords``…) would keep
    its safe mark on something that is no longer sanitised HTML."""
    offenders = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"\|\s*rich\s*\|", line) or re.search(r"\|\s*(safe|safeseq)\b", line):
                offenders.append(f"{path}:{number}")
    assert offenders == []
