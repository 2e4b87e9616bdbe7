"""How complete the English of the translated content is, read from the django-modeltranslation registry: every
model registered in an app's ``translation.py`` and every field it translates are covered, new ones included.

A field *counts* for a record when its French text is filled in; it is *translated* when its English is filled in
too, and *missing* when it has French but no English (the public pages then show the French, marked ``lang="fr"``).
A record's completeness is "translated / counting" fields; a record with no French text at all is complete (nothing
to translate).

"Filled in" means some text is left once whitespace (spaces, line breaks, tabs, no-break spaces) is removed and, for
text fields (the rich texts), the empty paragraphs and line breaks an emptied editor leaves (``<p></p>``,
``<p><br></p>``, ``&nbsp;``). It is computed in the database (nested ``REPLACE``: portable between SQLite and
PostgreSQL, where SQLite has no regular expressions), so lists filter and count without loading records. Not
caught, as the tags are not all stripped (SQLite's parser refuses the nesting that would take): a rich text made
of other empty elements only (``<strong></strong>``, an empty list), which the editor does not produce.
``record_missing`` applies the same rule in Python to one loaded record (the edit form).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Length, Replace
from django.db.models.lookups import GreaterThan
from modeltranslation.translator import NotRegistered, translator

SOURCE = settings.LANGUAGE_CODE  # French: the language every record is written in first
TARGET = "en"

WHITESPACE = (" ", "\n", "\r", "\t", "\xa0")
# What an empty rich text holds once the editor and the sanitiser (nh3 writes ``<br>``) are through with it.
EMPTY_MARKUP = ("<p>", "</p>", "<br>", "&nbsp;")

# Names of the annotations ``annotate_completeness`` adds.
SOURCE_FILLED = "tr_source_filled"
TARGET_FILLED = "tr_target_filled"
FIELDS_MISSING = "tr_fields_missing"


@dataclass(frozen=True)
class TranslatedField:
    name: str  # e.g. "summary"
    rich: bool  # a text field: empty markup counts as empty

    def column(self, language: str) -> str:
        return f"{self.name}_{language}"


def translated_models() -> list[type[models.Model]]:
    """The models registered with django-modeltranslation, by app and name."""
    found = translator.get_registered_models(abstract=False)
    return sorted(found, key=lambda model: (model._meta.app_label, model._meta.model_name))


def is_translated(model: type[models.Model]) -> bool:
    try:
        translator.get_options_for_model(model)
    except NotRegistered:
        return False
    return True


@cache
def translated_fields(model: type[models.Model]) -> tuple[TranslatedField, ...]:
    """The model's translated fields, in the model's order."""
    names = translator.get_options_for_model(model).fields
    fields = sorted((model._meta.get_field(name) for name in names), key=lambda field: field.creation_counter)
    return tuple(TranslatedField(field.name, isinstance(field, models.TextField)) for field in fields)


def field_label(model: type[models.Model], name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


# --- in the database -------------------------------------------------------------------------------------------


def _text(field: TranslatedField, language: str):
    expression = Coalesce(models.F(field.column(language)), Value(""))
    for token in (*EMPTY_MARKUP, *WHITESPACE) if field.rich else WHITESPACE:
        expression = Replace(expression, Value(token), Value(""))
    return expression


def filled(field: TranslatedField, language: str) -> Q:
    return Q(GreaterThan(Length(_text(field, language)), 0))


def field_missing(field: TranslatedField) -> Q:
    """French filled in, English not."""
    return filled(field, SOURCE) & ~filled(field, TARGET)


def missing_q(model: type[models.Model]) -> Q:
    """Records with at least one field missing its English."""
    conditions = [field_missing(field) for field in translated_fields(model)]
    condition = conditions[0]
    for other in conditions[1:]:
        condition |= other
    return condition


def _one_if(condition: Q):
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=models.IntegerField())


def _sum(terms: list):
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def _flag_names(field: TranslatedField) -> tuple[str, str]:
    return f"tr_{field.name}_{SOURCE}", f"tr_{field.name}_{TARGET}"


def _with_flags(queryset: QuerySet) -> QuerySet:
    """Each record with, per translated field, 1 or 0 for its French and its English being filled in (each text
    expression is built once: the rest refers to these)."""
    flags = {}
    for field in translated_fields(queryset.model):
        source, target = _flag_names(field)
        flags[source] = _one_if(filled(field, SOURCE))
        flags[target] = _one_if(filled(field, TARGET))
    return queryset.annotate(**flags)


def annotate_completeness(queryset: QuerySet) -> QuerySet:
    """Each record with its fields filled in French (``tr_source_filled``), of those the ones filled in English too
    (``tr_target_filled``), and the difference (``tr_fields_missing``)."""
    names = [_flag_names(field) for field in translated_fields(queryset.model)]
    source = _sum([F(fr) for fr, _en in names])
    target = _sum([F(fr) * F(en) for fr, en in names])
    return (
        _with_flags(queryset)
        .annotate(**{SOURCE_FILLED: source, TARGET_FILLED: target})
        .annotate(**{FIELDS_MISSING: F(SOURCE_FILLED) - F(TARGET_FILLED)})
    )


@dataclass
class ModelCounts:
    total: int
    incomplete: int  # records with English missing
    fields_missing: int


def model_status(queryset: QuerySet) -> tuple[ModelCounts, dict]:
    """One query: the counts (records, those with English missing, fields missing in all) and, for each record
    with English missing, the names of its fields missing English (by primary key). The database computes the
    flags; only two small numbers a field and record come back."""
    fields = translated_fields(queryset.model)
    names = [name for field in fields for name in _flag_names(field)]
    missing = {}
    total = 0
    for pk, *flags in _with_flags(queryset).order_by().values_list("pk", *names):
        total += 1
        lacking = [field.name for field, fr, en in zip(fields, flags[::2], flags[1::2], strict=True) if fr and not en]
        if lacking:
            missing[pk] = lacking
    counts = ModelCounts(total, len(missing), sum(len(lacking) for lacking in missing.values()))
    return counts, missing


def model_counts(queryset: QuerySet) -> ModelCounts:
    return model_status(queryset)[0]


def records_with(queryset: QuerySet, missing: dict) -> list[tuple[models.Model, list[str]]]:
    """One query: the records named in ``missing`` (from ``model_status``), each with its fields missing English.
    They come with their required foreign keys (``select_related()``), which their names (``__str__``) may show."""
    if not missing:
        return []
    rows = queryset.filter(pk__in=list(missing)).select_related().order_by("pk")
    return [(obj, missing[obj.pk]) for obj in rows]


def incomplete_records(queryset: QuerySet) -> list[tuple[models.Model, list[str]]]:
    """Two queries: the records with English missing, each with the names of its fields missing English."""
    return records_with(queryset, model_status(queryset)[1])


# --- one loaded record -----------------------------------------------------------------------------------------


def text_of(field: TranslatedField, value) -> str:
    """What ``filled`` keeps of a value, in Python."""
    text = str(value or "")
    for token in (*EMPTY_MARKUP, *WHITESPACE) if field.rich else WHITESPACE:
        text = text.replace(token, "")
    return text


def record_missing(obj: models.Model) -> list[str]:
    """The translated fields of ``obj`` with French but no English (its stored values as loaded)."""
    return [
        field.name
        for field in translated_fields(type(obj))
        if text_of(field, getattr(obj, field.column(SOURCE), None))
        and not text_of(field, getattr(obj, field.column(TARGET), None))
    ]


def record_completeness(obj: models.Model) -> tuple[int, int]:
    """(fields filled in English, fields filled in French) of ``obj``, counting only fields with French."""
    fields = translated_fields(type(obj))
    source = [f for f in fields if text_of(f, getattr(obj, f.column(SOURCE), None))]
    target = [f for f in source if text_of(f, getattr(obj, f.column(TARGET), None))]
    return len(target), len(source)
