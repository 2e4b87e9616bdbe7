"""How a source and a date read in each language: the precision the document gives, French and British order,
the title in italics (a link when there is an address), the publisher, never the internal reference."""

import datetime

import pytest
from django.utils import translation

from editorial.citations import citations_text, date_display
from editorial.models import Source
from editorial.templatetags.citations import citation

MARCH_2021 = datetime.date(2021, 3, 1)
JAN_29_2025 = datetime.date(2025, 1, 29)


@pytest.mark.parametrize(
    ("value", "precision", "language", "expected"),
    [
        (MARCH_2021, "month", "fr", "mars 2021"),
        (MARCH_2021, "month", "en", "March 2021"),
        (JAN_29_2025, "day", "fr", "29 janvier 2025"),
        (JAN_29_2025, "day", "en", "29 January 2025"),
        (MARCH_2021, "year", "fr", "2021"),
        (MARCH_2021, "year", "en", "2021"),
        (datetime.date(2026, 12, 1), "day", "fr", "1er décembre 2026"),
        (datetime.date(2026, 12, 1), "day", "en", "1 December 2026"),
        (None, "day", "fr", ""),
    ],
)
def test_dates_read_as_precisely_as_the_document_gives_them(value, precision, language, expected):
    assert date_display(value, precision, language) == expected


def programme_source(**fields) -> Source:
    return Source(
        **{
            "title": "Programme de travail de la MOT 2025",
            "publisher": "Mission Opérationnelle Transfrontalière (MOT)",
            "date": JAN_29_2025,
            "date_precision": "day",
            "language": "fr",
            "internal_reference": "004_0ac2cfdaee86e1ed.txt",
            **fields,
        }
    )


def test_a_citation_in_english_names_the_documents_language_and_never_the_internal_reference():
    with translation.override("en"):
        html = str(citation(programme_source(note_en="Version as of 29/01/2025.")))
    assert html == (
        '<cite lang="fr">Programme de travail de la MOT 2025</cite>, Mission Opérationnelle Transfrontalière (MOT), '
        "29 January 2025 (in French). Version as of 29/01/2025."
    )
    assert "004_" not in html


def test_a_citation_in_french_has_the_french_date_and_no_language_note_for_a_french_document():
    with translation.override("fr"):
        html = str(citation(programme_source(date=MARCH_2021, date_precision="month")))
    assert html == (
        '<cite lang="fr">Programme de travail de la MOT 2025</cite>, Mission Opérationnelle Transfrontalière (MOT), '
        "mars 2021."
    )


def test_a_web_page_links_its_title_and_says_when_it_was_read_and_that_it_is_undated():
    source = Source(
        title="Terre Valserhône l'interco",
        publisher="Wikipédia",
        url="https://fr.wikipedia.org/wiki/Terre_Valserhône_l'interco",
        date=None,
        language="fr",
        consulted_on=datetime.date(2026, 12, 1),
    )
    with translation.override("en"):
        html = str(citation(source))
    assert html.startswith('<a href="https://fr.wikipedia.org/wiki/Terre_Valserhône_l&#x27;interco" rel="noopener">')
    assert (
        '<cite lang="fr">Terre Valserhône l&#x27;interco</cite></a>, Wikipédia, undated, consulted on 1 December'
        in (html)
    )


def test_markup_in_a_source_is_escaped():
    with translation.override("en"):
        html = str(citation(programme_source(title="<script>x</script>", publisher="<b>MOT</b>")))
    assert "<script>" not in html
    assert "<b>" not in html
    assert "&lt;script&gt;" in html


def test_the_plain_text_citation_quotes_the_title_in_the_languages_style():
    source = programme_source()
    assert citations_text([source], "en") == (
        "“Programme de travail de la MOT 2025”, Mission Opérationnelle Transfrontalière (MOT), 29 January 2025"
    )
    assert citations_text([source], "fr").startswith("«\u00a0Programme de travail de la MOT 2025\u00a0», ")
    assert "004_" not in citations_text([source], "fr")
