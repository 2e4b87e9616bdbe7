"""The completeness of the English, per record and per model, against counts made here in plain Python."""

import pytest
from django.apps import apps

from editorial import translation_status
from tests.editorial.conftest import TRANSLATED, expected_status, has_text

pytestmark = pytest.mark.django_db

MODELS = sorted(TRANSLATED)


def test_every_translated_model_is_covered():
    found = {
        model._meta.label_lower: {f.name for f in translation_status.translated_fields(model)}
        for model in translation_status.translated_models()
    }
    assert found == {label: set(fields) for label, fields in TRANSLATED.items()}


@pytest.mark.parametrize("label", MODELS)
def test_completeness_per_record(content, label):
    model = apps.get_model(label)
    expected = expected_status(model)
    annotated = translation_status.annotate_completeness(model._default_manager.all())
    found = {
        obj.pk: (
            getattr(obj, translation_status.TARGET_FILLED),
            getattr(obj, translation_status.SOURCE_FILLED),
            getattr(obj, translation_status.FIELDS_MISSING),
        )
        for obj in annotated
    }
    assert found == {pk: (target, source, len(missing)) for pk, (target, source, missing) in expected.items()}
    for obj in model._default_manager.all():  # the same rule on one loaded record (the edit form)
        target, source, missing = expected[obj.pk]
        assert translation_status.record_completeness(obj) == (target, source)
        assert translation_status.record_missing(obj) == missing


@pytest.mark.parametrize("label", MODELS)
def test_counts_per_model(content, label):
    model = apps.get_model(label)
    expected = expected_status(model)
    counts = translation_status.model_counts(model._default_manager.all())
    assert counts.total == len(expected)
    assert counts.incomplete == sum(1 for *_, missing in expected.values() if missing)
    assert counts.fields_missing == sum(len(missing) for *_, missing in expected.values())
    incomplete = translation_status.incomplete_records(model._default_manager.all())
    assert {obj.pk: missing for obj, missing in incomplete} == {
        pk: missing for pk, (*_, missing) in expected.items() if missing
    }


def test_the_fixture_has_something_missing_in_every_kind_that_matters(content):
    """The cases the counts above are checked on: the programme's untranslated activity lines (100 in the 2025
    file), roadmap actions, a roadmap, partners, factsheets, booklets."""
    from workplan.models import WorkItem

    lines = WorkItem.objects.filter(kind=WorkItem.Kind.LINE)
    untranslated = [line for line in lines if has_text(line.text_fr) and not has_text(line.text_en)]
    assert len(untranslated) == 100
    assert translation_status.model_counts(WorkItem.objects.all()).incomplete == 100
    for label in ("missions.roadmapaction", "missions.roadmap", "towns.partner", "projects.factsheet"):
        assert any(missing for *_, missing in expected_status(apps.get_model(label)).values()), label


def test_markup_and_whitespace_count_as_empty(content):
    from projects.models import Factsheet
    from towns.models import CrossBorderArea, Partner

    sheet = Factsheet.objects.get(slug="balisage")
    # French: title, summary, actions, results (the objectives are an empty paragraph); English: title, results.
    assert translation_status.record_completeness(sheet) == (2, 4)
    assert translation_status.record_missing(sheet) == ["summary", "actions"]
    assert translation_status.record_missing(Partner.objects.get(slug="p-blanc")) == ["name", "description"]
    assert translation_status.record_completeness(Partner.objects.get(slug="p-complet")) == (1, 1)
    assert translation_status.record_completeness(CrossBorderArea.objects.get(slug="a-rien")) == (1, 1)
