"""Rich text (issue 14 §1): the admin's editor and the sanitiser come from one definition and agree; every
rich-text field, in every language and in inlines, is edited with the editor; plain text becomes paragraphs
(stored, on the page and in the PDF); the admin says what sanitising removed; photos show a thumbnail; inline
column headers are translated."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django_prose_editor.config import EXTENSION_MAPPING, expand_extensions
from django_prose_editor.widgets import ProseEditorWidget

from missions.models import RoadmapAction
from mot_portal.admin import rich_text_widget
from mot_portal.documents import registry
from mot_portal.documents.services import document_html
from mot_portal.sanitize import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    ALLOWED_URL_SCHEMES,
    RICH_TEXT_EXTENSIONS,
    removed_by_sanitiser,
    sanitize_html,
)
from projects.models import Factsheet, FactsheetTown
from projects.services import factsheet_update
from tests.admin_forms import admin_form_data, inline_prefix
from tests.conftest import localized_url

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def produced_by_extensions() -> dict[str, dict]:
    """Per enabled extension (defaults included), the tags and attributes it produces, by django-prose-editor's
    own mapping, extension by extension."""
    produced = {}
    for name, config in expand_extensions(RICH_TEXT_EXTENSIONS).items():
        shared = {"tags": set(), "attributes": {}}
        EXTENSION_MAPPING[name](config, shared)
        produced[name] = shared
    return produced


# --- The one definition: editor and sanitiser agree ----------------------------------------------------------------


def test_every_tag_and_attribute_the_editor_produces_is_kept_by_the_sanitiser():
    for extension, produced in produced_by_extensions().items():
        assert produced["tags"] <= ALLOWED_TAGS, extension
        for tag, attributes in produced["attributes"].items():
            kept = ALLOWED_ATTRIBUTES.get(tag, set())
            # A link's rel is written by the sanitiser itself (noopener noreferrer), whatever the editor sends.
            assert set(attributes) - kept <= ({"rel"} if tag == "a" else set()), (extension, tag)
    assert sanitize_html('<p><a href="https://example.org/" rel="nofollow">x</a></p>') == (
        '<p><a href="https://example.org/" rel="noopener noreferrer">x</a></p>'
    )


def test_every_tag_and_attribute_the_sanitiser_keeps_is_produced_by_an_enabled_extension():
    produced = produced_by_extensions().values()
    tags = set().union(*(p["tags"] for p in produced))
    assert tags == ALLOWED_TAGS
    assert {"p", "br", "h3", "h4", "strong", "em", "ul", "ol", "li", "a", "blockquote"} == ALLOWED_TAGS
    for tag, attributes in ALLOWED_ATTRIBUTES.items():
        made = set().union(*(set(p["attributes"].get(tag, ())) for p in produced))
        assert attributes <= made, tag
    assert ALLOWED_URL_SCHEMES == set(RICH_TEXT_EXTENSIONS["Link"]["protocols"]) == {"http", "https", "mailto"}


def test_the_admin_editor_is_configured_from_the_same_definition():
    config = rich_text_widget().get_config()
    assert config["extensions"] == expand_extensions(RICH_TEXT_EXTENSIONS)
    assert config["extensions"]["Heading"] == {"levels": [3, 4]}
    assert config["extensions"]["Link"]["enableTarget"] is False
    # Every extension named exists in the editor's bundle (a misspelt one would silently be left out).
    bundle = Path(finders.find("django_prose_editor/editor.js")).read_text(encoding="utf-8")
    for name in config["extensions"]:
        assert re.search(rf"\bas {name}[,}}]", bundle), name


def test_the_sanitiser_keeps_what_the_editor_writes_and_drops_the_rest():
    written = (
        "<h3>Titre</h3><h4>Sous-titre</h4><p>Un <strong>mot</strong> en <em>italique</em><br>à la ligne</p>"
        '<ul><li><p>un</p></li></ul><ol start="3"><li><p>trois</p></li></ol><blockquote><p>Citation</p></blockquote>'
        '<p><a href="mailto:contact@example.org" title="Écrire">écrire</a></p>'
    )
    kept = sanitize_html(written)
    assert kept == written.replace('title="Écrire"', 'title="Écrire" rel="noopener noreferrer"')
    for refused in ("<h2>x</h2>", "<u>y</u>", '<img src="https://example.org/a.png">', '<span style="x">z</span>'):
        cleaned = sanitize_html(refused)
        assert not re.search(r"<(h2|u|img|span)\b|style=", cleaned), refused


# --- Plain text becomes paragraphs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("Un.\n\nDeux.", "<p>Un.</p><p>Deux.</p>"),
        ("Un.\r\n\r\nDeux,\r\nsuite.\n\n\n", "<p>Un.</p><p>Deux,<br>suite.</p>"),
        (
            "R&amp;D a < b\n \nUne <strong>forte</strong> idée",
            "<p>R&amp;D a &lt; b</p><p>Une <strong>forte</strong> idée</p>",
        ),
        ("Seul", "<p>Seul</p>"),
        ("<p>Déjà</p>\n\n<p>balisé</p>", "<p>Déjà</p>\n\n<p>balisé</p>"),
        ("<p></p>", ""),
        ("", ""),
        (None, None),
    ],
)
def test_plain_text_becomes_paragraphs(text, html):
    assert sanitize_html(text) == html
    assert sanitize_html(html) == html  # sanitising again changes nothing


@pytest.mark.django_db
def test_plain_text_shows_as_paragraphs_on_the_page_and_in_the_pdf(client, missions):
    # An old record (written around save()) and a write through the service (as the API does).
    Factsheet.objects.filter(pk=missions.care.pk).update(summary_fr="Premier paragraphe.\n\nSecond paragraphe.")
    cache.clear()
    page = client.get(localized_url("projects:factsheet_detail", "fr", slug=missions.care.slug)).content.decode()
    assert "<p>Premier paragraphe.</p><p>Second paragraphe.</p>" in page
    kind = registry.get("factsheet")
    pdf = document_html(kind=kind, obj=kind.load(missions.care.pk), language="fr")
    assert "<p>Premier paragraphe.</p><p>Second paragraphe.</p>" in pdf

    factsheet_update(factsheet=Factsheet.objects.get(pk=missions.care.pk), fields={"objectives_fr": "Un.\n\nDeux."})
    assert Factsheet.objects.get(pk=missions.care.pk).objectives_fr == "<p>Un.</p><p>Deux.</p>"


# --- The editor on every rich-text field ---------------------------------------------------------------------------


def rich_text_admins():
    """(admin or inline, model) for every admin and inline of a model with rich text."""
    for model, model_admin in admin.site._registry.items():
        if getattr(model, "RICH_TEXT_FIELDS", ()):
            yield model_admin, model
        for inline in model_admin.inlines:
            if getattr(inline.model, "RICH_TEXT_FIELDS", ()):
                yield inline(model, admin.site), inline.model


def test_every_model_sanitising_rich_text_names_its_fields():
    """Models sanitise the fields the admin gives the editor to: ``sanitize_fields(self, self.RICH_TEXT_FIELDS)``."""
    calls = []
    for path in Path(settings.BASE_DIR).glob("*/models.py"):
        calls += re.findall(r"sanitize_fields\(([^)]*)\)", path.read_text(encoding="utf-8"))
    assert len(calls) >= 7
    assert set(calls) == {"self, self.RICH_TEXT_FIELDS"}


@pytest.mark.django_db
def test_every_rich_text_field_in_every_language_gets_the_editor(admin_user):
    request = RequestFactory().get("/fr/admin/")
    request.user = admin_user
    checked = set()
    for model_admin, model in rich_text_admins():
        if isinstance(model_admin, admin.options.InlineModelAdmin):
            form = model_admin.get_formset(request).form
        else:
            form = model_admin.get_form(request)
        for field in model.RICH_TEXT_FIELDS:
            names = [f"{field}_{code}" for code in LANGUAGES if f"{field}_{code}" in form.base_fields] or [field]
            for name in names:
                if name not in form.base_fields:
                    continue  # this inline does not edit it
                widget = form.base_fields[name].widget
                assert isinstance(getattr(widget, "widget", widget), ProseEditorWidget), (model_admin, name)
                checked.add((model.__name__, name))
    # The factsheet's five fields, booklets, missions, events, roadmaps, their actions, services; both languages.
    assert {("Factsheet", f"{f}_{c}") for f in Factsheet.RICH_TEXT_FIELDS for c in LANGUAGES} <= checked
    assert {m for m, _name in checked} == {
        "Factsheet", "Booklet", "Mission", "MissionEvent", "Roadmap", "RoadmapAction", "Service"
    }  # fmt: skip
    assert ("RoadmapAction", "description_en") in checked
    assert ("MissionEvent", "description_fr") in checked


@pytest.mark.django_db
def test_the_factsheet_change_form_renders_the_editor_for_every_rich_field(client, staff_reviewer, missions):
    client.force_login(staff_reviewer)
    html = client.get(f"/fr/admin/projects/factsheet/{missions.care.pk}/change/").content.decode()
    for field in Factsheet.RICH_TEXT_FIELDS:
        for code in LANGUAGES:
            textarea = re.search(rf'<textarea name="{field}_{code}"[^>]*>', html).group(0)
            assert "data-django-prose-editor-configurable=" in textarea, (field, code)
    assert '<script type="importmap">' in html
    assert "/static/django_prose_editor/configurable.js" in html
    assert "/static/django_prose_editor/editor.css" in html


@pytest.mark.django_db
def test_the_roadmap_form_gives_the_editor_to_its_action_rows(client, staff_reviewer, missions):
    client.force_login(staff_reviewer)
    html = client.get(f"/fr/admin/missions/roadmap/{missions.roadmap.pk}/change/").content.decode()
    rows = re.findall(r'<textarea name="([\w-]+-\d+-description_(?:fr|en))"[^>]*data-django-prose-editor', html)
    assert len(rows) == 2 * RoadmapAction.objects.filter(roadmap=missions.roadmap).count()
    assert re.search(r'<textarea name="summary_en"[^>]*data-django-prose-editor', html)


# --- The warning when sanitising removes something -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_names_what_sanitising_removed(client, staff_reviewer, missions):
    client.force_login(staff_reviewer)
    url = f"/en/admin/projects/factsheet/{missions.care.pk}/change/"
    data = admin_form_data(client.get(url))
    data["summary_fr"] = (
        '<p style="color:red">Texte</p><script>alert(1)</script><img src="https://example.org/a.png">'
        '<p><a href="javascript:alert(1)">lien</a></p>'
    )
    data["results_en"] = "<p>Clean <strong>text</strong></p>"
    response = client.post(url, data, follow=True)
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert warnings == [
        "Summary [fr]: removed the style attribute, <script>, <img>, the link javascript:alert(1) (published text "
        "keeps only paragraphs, headings, bold, italic, lists, links and quotes)."
    ]
    assert (
        Factsheet.objects.get(pk=missions.care.pk).summary_fr
        == '<p>Texte</p><p><a rel="noopener noreferrer">lien</a></p>'
    )


@pytest.mark.django_db
def test_the_warning_names_the_inline_row(client, staff_editor, missions):
    client.force_login(staff_editor)
    url = f"/en/admin/missions/roadmap/{missions.draft_roadmap.pk}/change/"
    page = client.get(url)
    data = admin_form_data(page)
    prefix = inline_prefix(page, RoadmapAction)
    data[f"{prefix}-0-description_en"] = "<p>Meet <iframe src='https://example.org'></iframe>monthly</p>"
    response = client.post(url, data, follow=True)
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1
    assert warnings[0].startswith("Roadmap action 1 – Description [en]: removed <iframe>")


@pytest.mark.django_db
def test_no_warning_when_nothing_is_removed(client, staff_reviewer, missions):
    client.force_login(staff_reviewer)
    url = f"/en/admin/projects/factsheet/{missions.care.pk}/change/"
    data = admin_form_data(client.get(url))
    data["summary_fr"] = '<p>Un <a href="https://example.org/" rel="nofollow">lien</a></p><p>R&amp;D</p>'
    response = client.post(url, data, follow=True)
    assert [m for m in response.context["messages"] if m.level_tag == "warning"] == []


def test_removed_by_sanitiser():
    assert removed_by_sanitiser("<p>ok</p><!-- note --><div onclick='x'>a</div>") == [
        ("comment", ""),
        ("element", "div"),
    ]
    assert removed_by_sanitiser('<a href="https://x.org" title="t" rel="x">ok</a>') == []
    assert removed_by_sanitiser('<a href="ftp://x.org" target="_blank">x</a>') == [
        ("link", "ftp://x.org"),
        ("attribute", "target"),
    ]
    assert removed_by_sanitiser("a < b & c") == []


# --- Photos and inline headers -------------------------------------------------------------------------------------


def _photo():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2400, 1200), (20, 120, 60)).save(buffer, format="JPEG")
    return SimpleUploadedFile("pont.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.mark.django_db
def test_the_photo_shows_as_a_thumbnail_with_its_caption_and_credit(client, staff_reviewer, catalogue, media_root):
    factsheet = Factsheet.objects.get(pk=catalogue.care.pk)
    factsheet = factsheet_update(
        factsheet=factsheet,
        fields={
            "photo": _photo(),
            "photo_caption_fr": "Le pont",
            "photo_caption_en": "The bridge",
            "photo_credit": "Ville",
        },
    )
    assert factsheet.photo_resized
    client.force_login(staff_reviewer)
    html = client.get(f"/fr/admin/projects/factsheet/{factsheet.pk}/change/").content.decode()
    preview = re.search(r'<div class="photo-preview".*?</div>', html, re.DOTALL).group(0)
    assert f'src="{factsheet.photo_resized.url}"' in preview  # the resized copy, not the original
    assert f'href="{factsheet.photo.url}"' in preview
    assert "<dd>Le pont</dd>" in preview
    assert "<dd>Ville</dd>" in preview
    # Right after the photo field.
    assert html.index("field-photo_preview") > html.index('name="photo"') > 0
    assert html.index("field-photo_preview") < html.index("field-photo_caption")


@pytest.mark.django_db
def test_no_photo_yet(client, staff_editor, catalogue):
    client.force_login(staff_editor)
    html = client.get("/en/admin/projects/factsheet/add/").content.decode()
    assert "No photo yet." in html
    html = client.get("/en/admin/projects/booklet/add/").content.decode()
    assert "field-photo_preview" in html


@pytest.mark.django_db
def test_inline_column_headers_are_translated_in_the_french_admin(client, staff_editor, catalogue):
    client.force_login(staff_editor)
    page = client.get("/fr/admin/projects/factsheet/add/")
    html = page.content.decode()
    towns = inline_prefix(page, FactsheetTown)
    assert towns
    headers = [
        re.sub(r"<[^>]+>|\s+", " ", h).strip()
        for h in re.findall(r'<th class="column-[^"]*"[^>]*>(.*?)</th>', html, re.DOTALL)
    ]
    assert "Commune" in headers
    assert "Partenaire" in headers
    assert "Town" not in headers
    assert "Partner" not in headers
    booklet = client.get("/fr/admin/projects/booklet/add/").content.decode()
    assert re.search(r'<th class="column-factsheet[^"]*"[^>]*>\s*Fiche projet', booklet)


@pytest.mark.django_db
def test_the_editor_speaks_the_admin_language(client, staff_editor, missions):
    """Its catalog (the link dialog's words) is loaded with the editor, in the page's language."""
    client.force_login(staff_editor)
    html = client.get(f"/fr/admin/projects/factsheet/{missions.care.pk}/change/").content.decode()
    assert '<script src="/fr/admin/prose-editor/jsi18n/"></script>' in html
    catalog = client.get("/fr/admin/prose-editor/jsi18n/").content.decode()
    assert "Modifier le lien" in catalog


def test_paragraphs_stay_apart_as_plain_text():
    from mot_portal.templatetags.portal import plain

    assert plain("Un.\n\nDeux.") == "Un. Deux."
    assert plain("<p>Un</p><ul><li><p>deux</p></li></ul><p>trois<br>quatre</p>") == "Un deux  trois quatre"
    assert plain("<p>R&amp;D</p>") == "R&D"
