"""Fixtures of the editorial tests."""

import re

import pytest

from tests.missions.fixtures import missions  # noqa: F401
from tests.projects.fixtures import catalogue  # noqa: F401

# What each translated model translates, written out here (not read from the registry the code reads): a model or
# field added to a translation.py without the status covering it fails test_every_translated_model_is_covered.
TRANSLATED = {
    "towns.country": ("name",),
    "towns.partner": ("name", "description"),
    "towns.crossborderarea": ("name", "description"),
    "projects.theme": ("name",),
    "projects.factsheet": (
        "title",
        "summary",
        "territorial_issue",
        "objectives",
        "actions",
        "results",
        "photo_caption",
    ),
    "projects.booklet": ("title", "subtitle", "introduction", "edition_label"),
    "workplan.dealtheme": ("name",),
    "workplan.transversaltheme": ("name",),
    "workplan.programme": ("title",),
    "workplan.workitem": ("text",),
    "missions.nationalprogramme": ("name",),
    "missions.mission": ("title", "summary", "objectives", "outcomes"),
    "missions.missionevent": ("title", "period_label", "place", "description"),
    "missions.thematicgroup": ("name",),
    "missions.roadmap": ("summary",),
    "missions.roadmapaction": ("title", "description"),
    "support.service": ("title", "summary", "description", "audience"),
    "editorial.source": ("note",),
}

TAG = re.compile(r"<[^>]*>")


def has_text(value) -> bool:
    """Text left once the markup, no-break spaces and whitespace are gone (plain Python, not the status module)."""
    if value is None:
        return False
    return bool(TAG.sub("", str(value)).replace("&nbsp;", " ").replace("\xa0", " ").strip())


def expected_status(model) -> dict[int, tuple[int, int, list[str]]]:
    """Each record: (fields filled in English among those in French, fields filled in French, fields missing)."""
    fields = TRANSLATED[model._meta.label_lower]
    columns = [f"{name}_{lang}" for name in fields for lang in ("fr", "en")]
    result = {}
    for row in model._default_manager.values("pk", *columns):
        source = [name for name in fields if has_text(row[f"{name}_fr"])]
        target = [name for name in source if has_text(row[f"{name}_en"])]
        result[row["pk"]] = (len(target), len(source), [name for name in source if name not in target])
    return result


@pytest.fixture
def content(missions):  # noqa: F811
    """The missions fixture (the 2025 programme and its 100 untranslated activity lines, roadmap actions, events,
    groups, partners…) with records whose "empty" English is only markup or whitespace, and other edge cases."""
    from projects.models import Booklet
    from support.models import Service
    from tests.factories import CrossBorderAreaFactory, FactsheetFactory, PartnerFactory

    FactsheetFactory(
        slug="balisage",
        title_fr="Balisage",
        title_en="Waymarking",
        summary_fr="<p>Des panneaux.</p>",
        summary_en="<p></p>",  # an emptied editor: missing
        objectives_fr="<p><br></p>",  # nothing in French: does not count
        actions_fr="<p>Poser.</p>",
        actions_en="<p>&nbsp;</p>",  # missing
        results_fr="<p>Posés.</p>",
        results_en="<p>Done.</p>",
    )
    FactsheetFactory(slug="vide", title_fr="Vide", title_en="Empty")  # complete
    PartnerFactory(slug="p-blanc", name_fr="Office", name_en="   ", description_fr="Un office.", description_en=None)
    PartnerFactory(
        slug="p-complet", name_fr="Office complet", name_en="Full office", description_fr="", description_en=""
    )
    CrossBorderAreaFactory(slug="a-rien", name_fr="Espace", name_en="Area", description_fr="\n  ")
    Booklet.objects.create(slug="livret", title_fr="Livret", title_en="", introduction_fr="<p>Intro.</p>")
    Service.objects.create(slug="service", title_fr="Service", title_en="Service", summary_fr="<p>Résumé.</p>")
    return missions
