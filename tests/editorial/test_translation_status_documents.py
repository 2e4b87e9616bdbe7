"""French shown for missing English is marked the same way on the English pages and in the English PDFs: the text
carries lang="fr" and a discreet note follows it. The PDFs are checked on their HTML (what WeasyPrint renders)."""

import re

import pytest
from django.utils import translation
from django.utils.html import escape

from mot_portal.documents import registry
from mot_portal.documents.services import document_html
from tests.editorial.conftest import has_text

pytestmark = pytest.mark.django_db

PDF_NOTE = '<span class="fr-note">(in French)</span>'
PAGE_NOTE = '<span class="fallback-note">(in French: not yet translated)</span>'


def _html(kind_name: str, obj, language: str) -> str:
    kind = registry.get(kind_name)
    return document_html(kind=kind, obj=kind.load(obj.pk), language=language)


def test_the_english_programme_marks_each_untranslated_line(content):
    from workplan.models import WorkItem

    programme = content.action.programme
    items = list(WorkItem.objects.filter(programme=programme))
    untranslated = [item for item in items if has_text(item.text_fr) and not has_text(item.text_en)]
    assert len(untranslated) == 100
    html = _html("programme", programme, "en")
    for item in untranslated:
        assert f'<span lang="fr">{escape(item.text_fr)}</span> {PDF_NOTE}' in html, item.code
    assert html.count(PDF_NOTE) == len(untranslated)
    assert "100 entries of this programme are not translated yet: they are shown in French." in html
    translated = next(item for item in items if has_text(item.text_en))
    assert f'<span lang="en">{escape(translated.text_en)}</span>' in html
    french = _html("programme", programme, "fr")
    assert "fr-note" not in french
    assert "fallback-summary" not in french


def test_the_english_roadmap_marks_french_text(content):
    html = _html("roadmap", content.flash, "en")
    # An action with no English, its roadmap's summary, the mission's objectives, a partner without English name.
    assert f'<h4 lang="fr">Étudier une ligne de bus</h4> {PDF_NOTE}' in html
    assert re.search(r'<div lang="fr"><p>Feuille de route\.</p></div> ' + re.escape(PDF_NOTE), html)
    assert re.search(r'<div lang="fr"><p>Dialoguer\.</p></div> ' + re.escape(PDF_NOTE), html)
    assert '<span lang="fr">Land de Sarre</span>' in html
    # Translated text is in English and carries no note.
    assert '<h4 lang="en">Open a health desk</h4>\n' in html
    assert '<strong lang="en">Interviews</strong>\n' in html
    assert "fr-note" not in _html("roadmap", content.flash, "fr")


def test_the_english_mission_page_marks_french_text(client, content):
    with translation.override("en"):
        path = content.flash.get_absolute_url()
    html = client.get(path).content.decode()
    assert '<html lang="en"' in html
    assert f'<div lang="fr"><p>Dialoguer.</p></div>{PAGE_NOTE}' in html
    assert re.search(r'<h1[^>]* lang="en">Test flash mission</h1>', html)
    with translation.override("fr"):
        french = client.get(content.flash.get_absolute_url()).content.decode()
    assert "fallback-note" not in french
