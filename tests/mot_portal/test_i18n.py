"""The gettext catalogues are complete: no untranslated or fuzzy entry, placeholders kept."""

import re
import shutil

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

from tests.conftest import require_service

PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\{\s*\w+\s*\}\}|<\w+:\w+>")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_catalogue_is_complete(lang):
    catalogue = polib.pofile(str(settings.BASE_DIR / "locale" / lang / "LC_MESSAGES" / "django.po"))
    entries = [e for e in catalogue if not e.obsolete]
    assert len(entries) > 200
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []
    for entry in entries:
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert set(PLACEHOLDER.findall(text)) <= set(PLACEHOLDER.findall(entry.msgid + entry.msgid_plural)), (
                entry.msgid
            )


def test_catalogue_covers_every_string_in_the_code(tmp_path, settings, monkeypatch):
    """makemessages on a copy of the catalogues finds no string that the French catalogue lacks."""
    require_service(shutil.which("xgettext") is not None, "GNU gettext (xgettext) is not installed")
    # makemessages writes into the `locale` folder above the files it reads: run it on a copy of the sources.
    source = tmp_path / "src"
    for folder in ("mot_portal", "towns", "projects", "workplan", "missions", "support", "templates", "locale"):
        shutil.copytree(
            settings.BASE_DIR / folder, source / folder, ignore=shutil.ignore_patterns("*.mo", "__pycache__")
        )
    locale_copy = source / "locale"
    settings.LOCALE_PATHS = [locale_copy]
    monkeypatch.chdir(source)

    call_command("makemessages", locale=["fr"], verbosity=0, no_location=True)

    catalogue = polib.pofile(str(locale_copy / "fr" / "LC_MESSAGES" / "django.po"))
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []


ESCAPED_QUOTE_IN_TRANSLATE = re.compile(r"""\{%\s*translate\s+"(?:[^"\\]|\\.)*\\"[^%]*%\}""")


def test_no_escaped_quote_inside_a_translate_tag():
    """xgettext cuts a {% translate "…" %} string at an escaped quote: the catalogue then holds a truncated msgid
    and the page shows the English text in French. Typographic quotes (“ ”) are used instead."""
    offending = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)[:80]}"
        for path in sorted((settings.BASE_DIR / "templates").rglob("*.html"))
        for match in ESCAPED_QUOTE_IN_TRANSLATE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offending == []
